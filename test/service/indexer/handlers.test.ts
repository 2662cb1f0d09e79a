import { expect } from "chai";
import { createDecoder, type DecodedEvent, type UnknownEvent } from "../../../service/src/chain/decoder";
import { eventFragments } from "../../../service/src/chain/events";
import { CONTRACT_ABIS } from "../../../service/src/contracts";
import { HANDLED_EVENTS, HANDLERS, eventsToRows } from "../../../service/src/indexer/handlers";
import { EVENT_TABLES, SCHEMA, writtenColumns } from "../../../service/src/store";
import { Interface } from "ethers";
import type { LogSpec } from "../../helpers/fake-chain";
import { ADDR, L, account, word } from "../../helpers/fake-scenario";

const decoder = createDecoder(HANDLED_EVENTS);
const TX = word("tx");

/** Decodes hand-built logs as if they were mined at `block` in one transaction. */
function decoded(specs: LogSpec[], block = 7): (DecodedEvent | UnknownEvent)[] {
  return specs.map((l, i) =>
    decoder.decode({ ...l, blockNumber: `0x${block.toString(16)}`, blockHash: word(block), transactionHash: TX, logIndex: `0x${i.toString(16)}` }),
  );
}

/** Rows of one table as objects (column → value). */
function objects(rows: ReturnType<typeof eventsToRows>, table: string): Record<string, unknown>[] {
  const set = rows.get(table as never);
  if (!set) return [];
  return set.values.map((v) => Object.fromEntries(set.columns.map((c, j) => [c, v[j]])));
}

describe("indexer/handlers", () => {
  describe("the handler maps", () => {
    it("should name only events that their contract's ABI declares", () => {
      for (const h of HANDLERS) {
        const declared = new Set<string>();
        new Interface(CONTRACT_ABIS[h.contract]).forEachEvent((f) => declared.add(f.name));
        for (const name of Object.keys(h.events)) expect(declared.has(name), `${h.contract}.${name}`).to.equal(true);
      }
      expect(eventFragments(HANDLED_EVENTS)).to.have.length(Object.values(HANDLED_EVENTS).flat().length);
    });

    it("should write every table store/schema.ts gives to handlers, and no other", () => {
      const written = new Set(HANDLERS.flatMap((h) => Object.values(h.events).flatMap((e) => [...e.tables])));
      const forHandlers = EVENT_TABLES.filter((t) => SCHEMA[t].writer === "handler");
      expect([...written].sort()).to.deep.equal([...forHandlers].sort());
    });

    it("should give each table the columns the schema declares, in order", () => {
      const rows = eventsToRows(31337, decoded([L.accredited(account(5))]), () => 1_767_225_600);
      expect(rows.get("exchanges")!.columns).to.deep.equal(writtenColumns("exchanges"));
      expect(objects(rows, "exchanges")).to.deep.equal([
        {
          chain_id: 31337, contract: ADDR.participants, block_number: 7, log_index: 0, tx_hash: TX, block_time: 1_767_225_600,
          exchange: account(5), code: "SHDE", name: "上海数据交易所", regulator: account(1),
        },
      ]);
    });
  });

  describe("holding moves", () => {
    const asset = BigInt(word("asset"));
    const tradeId = 42n;
    const [from, to] = [account(0x21), account(0x22)];
    const holdings = (specs: LogSpec[]) => objects(eventsToRows(31337, decoded(specs), () => 1000), "holdings");

    it("should make one trade row of a Transfer followed by its HoldingTransferred", () => {
      const rows = holdings([L.transfer(from, to, asset), L.holdingTransferred(asset, from, to, tradeId)]);
      expect(rows.map((r) => [r.kind, r.trade_id, r.log_index])).to.deep.equal([["trade", "0x" + tradeId.toString(16).padStart(64, "0"), 0]]);
    });

    it("should make one trade row of a HoldingTransferred followed by its Transfer", () => {
      const rows = holdings([L.holdingTransferred(asset, from, to, tradeId), L.transfer(from, to, asset)]);
      expect(rows.map((r) => [r.kind, r.log_index])).to.deep.equal([["trade", 1]]);
    });

    it("should keep a HoldingTransferred without a Transfer as its own row, after the range's others", () => {
      const rows = holdings([L.holdingTransferred(asset, from, to, tradeId), L.transfer(account(0), from, asset)]);
      expect(rows.map((r) => [r.kind, r.log_index, r.to_address])).to.deep.equal([
        ["mint", 1, from],
        ["trade", 0, to],
      ]);
    });
  });

  it("should keep a log no handler maps as an other_events row", () => {
    const stray: LogSpec = { address: ADDR.registry, topics: [word("Unknown()")], data: "0x" };
    const rows = eventsToRows(31337, decoded([stray]), () => 1000);
    expect(objects(rows, "other_events")).to.deep.equal([
      {
        chain_id: 31337, contract: ADDR.registry, block_number: 7, log_index: 0, tx_hash: TX, block_time: 1000,
        topic0: word("Unknown()"), topics: JSON.stringify([word("Unknown()")]), data: "0x",
      },
    ]);
  });
});
