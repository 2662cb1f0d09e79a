import { expect } from "chai";
import http from "node:http";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import type { AddressInfo } from "node:net";
import { network } from "hardhat";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer } from "../../../service/src/indexer";
import { INDEXED_TABLES } from "../../../service/src/store";
import { registerAsset } from "../../helpers/assets";
import { shuquanFixture } from "../../helpers/fixture";
import { BACKENDS, dumpTables, type OpenedDb } from "../../helpers/backends";
import { followed, HARDHAT_CHAIN_ID, type Deployed } from "../../helpers/hardhat-scenario";

const COMPARED = INDEXED_TABLES.filter((t) => t !== "block_hashes");
const CHILD = path.join(__dirname, "child-indexer.ts");

/** Serves the in-process Hardhat network over HTTP JSON-RPC (single and batch) for child processes. */
function serveProvider(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      const one = async (r: { id: number; method: string; params?: unknown[] }) => {
        try {
          return { jsonrpc: "2.0", id: r.id, result: await network.provider.request({ method: r.method, params: r.params }) };
        } catch (e) {
          const err = e as { code?: number; message: string };
          return { jsonrpc: "2.0", id: r.id, error: { code: err.code ?? -32603, message: err.message } };
        }
      };
      const parsed = JSON.parse(body) as unknown;
      const out = Array.isArray(parsed) ? await Promise.all(parsed.map(one)) : await one(parsed as { id: number; method: string });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(out));
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

function runChild(env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; out: string; err: string }> } {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD], {
    env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (err += c));
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal, out, err })),
  );
  return { child, done };
}

for (const backend of BACKENDS) {
  describe(`indexer killed with SIGKILL mid-backfill and restarted (${backend.name})`, function () {
    this.timeout(300_000);
    let d: Deployed;
    let snap: string;
    let server: http.Server;
    let o: OpenedDb;
    let clean: OpenedDb;

    before(async () => {
      snap = (await network.provider.send("evm_snapshot", [])) as string;
      d = await shuquanFixture();
      for (let i = 0; i < 60; i++) {
        const who = i % 2 ? d.alice : d.carol;
        await registerAsset(d.registry, d.shde, who.address, `kill test ${i}`);
        if (i % 3 === 0) await (await d.evidence.connect(d.shde).anchor("0x" + (i + 1).toString(16).padStart(64, "0"), 1 + i, `bafy${i}`, 0n)).wait();
      }
      server = await serveProvider();
      o = await backend.open();
      clean = await backend.open();
    });
    after(async () => {
      server?.close();
      await o?.cleanup();
      await clean?.cleanup();
      await network.provider.send("evm_revert", [snap]);
    });

    it("should lose nothing and duplicate nothing", async () => {
      const env = {
        LOCATOR: o.locator,
        RPC_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        CONTRACTS: JSON.stringify(followed(d)),
        RANGE: "2",
        DELAY_MS: "20",
      };
      const head = Number(await network.provider.send("eth_blockNumber", []));
      const progress: number[] = [];
      let kills = 0;
      for (let round = 0; round < 3; round++) {
        const { child, done } = runChild(env);
        // wait until this run has committed at least one more range, then kill at a random instant
        const start = progress.length ? progress[progress.length - 1] : -1;
        for (let i = 0; i < 3000; i++) {
          const cp = await o.db.get<{ block_number: number }>("SELECT block_number FROM checkpoints");
          if ((cp?.block_number ?? -1) > start || child.exitCode !== null) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 120)));
        if (child.exitCode === null) {
          child.kill("SIGKILL");
          kills++;
        }
        const res = await done;
        if (res.signal !== "SIGKILL") expect(res.code, res.err).to.equal(0);
        const cp = await o.db.get<{ block_number: number }>("SELECT block_number FROM checkpoints");
        progress.push(cp?.block_number ?? -1);
      }
      const final = await runChild(env).done;
      expect(final.code, final.err).to.equal(0);
      expect(final.out).to.contain("done");
      expect(kills, `progress ${progress.join(",")}`).to.be.greaterThan(1);
      expect(progress[progress.length - 1]).to.be.lessThan(head); // the kills did interrupt the backfill

      const ix = await createIndexer({ logger: createSilentLogger() }, { db: clean.db, chains: [{ chainId: HARDHAT_CHAIN_ID, provider: network.provider, contracts: followed(d) }] });
      await ix.catchUp();
      const want = await dumpTables(clean.db, COMPARED);
      const got = await dumpTables(o.db, COMPARED);
      expect(got.assets).to.have.length(60);
      expect(got).to.deep.equal(want);
    });
  });
}
