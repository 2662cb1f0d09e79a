import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Interface, type EventFragment, type InterfaceAbi, type ParamType } from "ethers";
import { CONTRACT_ABIS } from "../../../service/src/contracts";
import { eventFragments } from "../../../service/src/chain/events";
import { createDecoder } from "../../../service/src/chain/decoder";
import { HANDLED_EVENTS } from "../../../service/src/indexer/handlers";
import type { RawLog } from "../../../service/src/chain/rpc";

const rnd = (bytes: number): string => "0x" + randomBytes(bytes).toString("hex");

function randomArg(p: ParamType, i: number): unknown {
  const t = p.type;
  if (t === "address") return rnd(20);
  if (t === "bool") return i % 2 === 0;
  if (t === "string") return i % 2 ? "" : `原因 reason ${rnd(3)} — ünïcode`;
  if (t === "uint256[]") return Array.from({ length: i % 4 }, () => BigInt(rnd(32)));
  if (/^bytes\d+$/.test(t)) return rnd(Number(t.slice(5)));
  const m = /^uint(\d+)$/.exec(t);
  if (m) {
    const bits = Number(m[1]);
    if (bits === 8) return BigInt(i % 3);
    return BigInt(rnd(bits / 8)) ;
  }
  throw new Error(`no generator for ${t}`);
}

function expectSame(p: ParamType, mine: unknown, ref: unknown): void {
  const t = p.type;
  const where = `${p.name} (${t})`;
  if (t === "address" || /^bytes\d+$/.test(t)) expect(mine, where).to.equal(String(ref).toLowerCase());
  else if (t === "bool" || t === "string") expect(mine, where).to.equal(ref);
  else if (t === "uint256") {
    expect(mine, where).to.match(/^0x[0-9a-f]{64}$/);
    expect(BigInt(mine as string), where).to.equal(ref);
  } else if (t === "uint256[]") {
    expect((mine as string[]).map((x) => BigInt(x)), where).to.deep.equal([...(ref as bigint[])]);
  } else {
    const bits = Number(/^uint(\d+)$/.exec(t)![1]);
    if (bits <= 56) expect(mine, where).to.equal(Number(ref));
    else expect(mine, where).to.equal((ref as bigint).toString());
  }
}

describe("chain/decoder", () => {
  const decoder = createDecoder(HANDLED_EVENTS);
  const frags = eventFragments(HANDLED_EVENTS);

  it("should know every event the handlers map", () => {
    expect(new Set(frags.map((f) => f.fragment.name))).to.deep.equal(new Set(Object.values(HANDLED_EVENTS).flat()));
  });

  it("should refuse to decode an event its contract does not declare", () => {
    expect(() => createDecoder({ TradeRecorder: ["TradeRecorded", "EvidenceAnchored"] })).to.throw(/TradeRecorder declares no event EvidenceAnchored/);
  });

  for (const { contract, fragment } of frags) {
    context(`${contract}.${fragment.name}`, () => {
      it("should decode random values exactly as ethers does", () => {
        const iface = new Interface(CONTRACT_ABIS[contract] as InterfaceAbi);
        const frag = iface.getEvent(fragment.topicHash) as EventFragment;
        for (let round = 0; round < 6; round++) {
          const args = frag.inputs.map((p, i) => randomArg(p, i + round));
          const { data, topics } = iface.encodeEventLog(frag, args);
          const raw: RawLog = {
            address: "0x" + "ab".repeat(20),
            topics,
            data,
            blockNumber: "0x10",
            blockHash: rnd(32),
            transactionHash: rnd(32),
            logIndex: "0x3",
          };
          const ev = decoder.decode(raw);
          expect(ev.name).to.equal(fragment.name);
          if (ev.name === null) return;
          expect(ev.contract).to.equal(contract);
          expect(ev.meta.blockNumber).to.equal(16);
          expect(ev.meta.logIndex).to.equal(3);
          const ref = iface.parseLog({ topics, data })!;
          frag.inputs.forEach((p, i) => expectSame(p, ev.args[p.name], ref.args[i]));
        }
      });
    });
  }

  it("should keep an unknown topic raw", () => {
    const ev = decoder.decode({
      address: "0x" + "ab".repeat(20),
      topics: [rnd(32)],
      data: "0x",
      blockNumber: "0x1",
      blockHash: rnd(32),
      transactionHash: rnd(32),
      logIndex: "0x0",
    });
    expect(ev.name).to.equal(null);
  });

  it("should not throw on truncated data, and report it", () => {
    const iface = new Interface(CONTRACT_ABIS.EvidenceAnchor as InterfaceAbi);
    const { topics } = iface.encodeEventLog("EvidenceAnchored", [rnd(32), rnd(20), 0n, 3n, "bafy"]);
    const ev = decoder.decode({ address: rnd(20), topics, data: "0x00", blockNumber: "0x1", blockHash: rnd(32), transactionHash: rnd(32), logIndex: "0x0" });
    expect(ev.name).to.equal(null);
    expect(ev).to.have.property("error");
  });

  it("should tell an ERC-20 Transfer (3 topics) from the ERC-721 one (4 topics)", () => {
    const ev = decoder.decode({
      address: rnd(20),
      topics: [decoder.topicOf("Transfer"), "0x" + "0".repeat(64), "0x" + "0".repeat(24) + "11".repeat(20)],
      data: "0x" + "0".repeat(63) + "5",
      blockNumber: "0x1",
      blockHash: rnd(32),
      transactionHash: rnd(32),
      logIndex: "0x0",
    });
    expect(ev.name).to.equal(null);
  });
});
