import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { Writable } from "node:stream";
import { createIndexer } from "../../../service/src/indexer";
import { RetryableError } from "../../../service/src/errors";
import { StartupError } from "../../../service/src/startup/preflight";
import { waitForChain } from "../../../service/src/startup/wait-for-chain";
import { BACKENDS } from "../../helpers/backends";
import { createFakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";

/** A logger whose lines are kept (level and message). */
function capture(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
      cb();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines };
}

function chainServer(chainId: number): http.Server {
  return http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const { id } = JSON.parse(body) as { id: number };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result: "0x" + chainId.toString(16) }));
    });
  });
}

describe("startup/wait-for-chain", function () {
  this.timeout(30_000);

  it("should wait for a node that is not up yet, with a warning line per attempt, instead of exiting", async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const { logger, lines } = capture();
    const waiting = waitForChain({ rpcUrl: `http://127.0.0.1:${port}`, chainId: 31337, logger, maxDelayMs: 300 });
    await new Promise((r) => setTimeout(r, 1500));
    const server = chainServer(31337);
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
    try {
      expect(await waiting).to.equal(31337);
    } finally {
      server.close();
    }
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.length).to.be.greaterThan(0);
    expect(warnings[0].msg).to.match(/cannot reach the chain's JSON-RPC at http:\/\/127\.0\.0\.1:\d+: .*; retrying in \d+ s \(start the node, or set RPC_URL\)/);
    expect(lines.some((l) => l.level === 30 && /answers/.test(l.msg))).to.equal(true);
  });

  it("should refuse a node with another chain id at once (CHAIN_ID honoured)", async () => {
    const server = chainServer(5);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await waitForChain({ rpcUrl: url, chainId: 31337, logger: capture().logger }).then(
        () => expect.fail("accepted"),
        (e) => {
          expect(e).to.be.instanceOf(StartupError);
          expect((e as Error).message).to.match(/is chain 5, but chain 31337 is expected/);
        },
      );
    } finally {
      server.close();
    }
  });
});

describe("indexer: RPC faults are visible", function () {
  this.timeout(30_000);
  it("should log each retried RPC fault at warn and show it as lastError while it lasts", async () => {
    const o = await BACKENDS[0].open();
    try {
      const chain = createFakeChain();
      mineScenario(chain, 5);
      let faults = 0;
      chain.beforeCall = (method) => {
        if (method === "eth_getLogs" && faults < 4) {
          faults++;
          throw new RetryableError("RPC eth_getLogs: cannot reach http://node:8545");
        }
      };
      const { logger, lines } = capture();
      const indexer = await createIndexer(
        { logger },
        { db: o.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }], rpcRetry: { retries: 10, baseDelayMs: 60, maxDelayMs: 60 } },
      );
      indexer.start();
      let seen: string | null = null;
      for (let i = 0; i < 200 && seen === null; i++) {
        seen = indexer.status().chains[0].lastError;
        await new Promise((r) => setTimeout(r, 5));
      }
      for (let i = 0; i < 200 && indexer.status().chains[0].indexedBlock < chain.head(); i++) await new Promise((r) => setTimeout(r, 10));
      await indexer.stop();
      expect(seen).to.match(/cannot reach http:\/\/node:8545/);
      expect(lines.filter((l) => l.level === 40 && l.msg === "RPC fault; retrying")).to.have.length(4);
      expect(indexer.status().chains[0]).to.include({ indexedBlock: chain.head(), lastError: null });
    } finally {
      await o.cleanup();
    }
  });
});
