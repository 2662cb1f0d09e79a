/**
 * A bounded load run: several connections ask the API for lists and single rows (existing and unknown) for a fixed
 * time while the indexer follows a growing chain through an RPC that fails now and then. Every answer must be 2xx or
 * 4xx; the figures (requests, statuses, p50/p99) go to the results file.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApi } from "../../service/src/api";
import { createHttpTransport } from "../../service/src/chain/transport";
import { createIndexer } from "../../service/src/indexer";
import { createSilentLogger } from "../../service/src/logger";
import { BACKENDS } from "../helpers/backends";
import { createFakeChain } from "../helpers/fake-chain";
import { CONTRACTS, L, account, mineScenario } from "../helpers/fake-scenario";
import { serveChain } from "./helpers/chain-server";
import { compareStores } from "./helpers/compare";
import { startFaultProxy } from "./helpers/fault-proxy";
import { PROFILE } from "./helpers/profile";
import { writeSection, type FaultRow } from "./helpers/report";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : 0);

describe(`faults: bounded load run (${PROFILE.name} profile)`, function () {
  this.timeout(600_000);
  const rows: FaultRow[] = [];
  const extra: string[] = [];
  after(() => writeSection("load", rows, extra));

  for (const backend of BACKENDS) {
    it(`should answer every request 2xx/4xx for ${PROFILE.loadMs / 1000} s at ${PROFILE.loadConnections} connections while indexing (${backend.name})`, async () => {
      const o = await backend.open();
      const chain = createFakeChain();
      mineScenario(chain, 60);
      const upstream = await serveChain(chain);
      const proxy = await startFaultProxy(upstream.url);
      await proxy.set("errors", 0.1);
      const indexer = await createIndexer(
        { logger: createSilentLogger() },
        { db: o.db, pollIntervalMs: 20, rpcRetry: { retries: 3, baseDelayMs: 20, maxDelayMs: 100 }, chains: [{ chainId: chain.chainId, transport: createHttpTransport(proxy.url, { timeoutMs: 1000 }), contracts: CONTRACTS }] },
      );
      const app = createApi({ db: o.db, indexerStatus: () => indexer.status(), logger: quiet });
      const server: Server = createServer(app);
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const statuses = new Map<number, number>();
      const latencies: number[] = [];
      try {
        indexer.start();
        // served from here on: caught up, and the first backfill's indexes built (/health says 503 until then)
        while (indexer.status().chains[0].indexedBlock < chain.head() || indexer.status().firstBackfill) await sleep(10);
        const ids = (await o.db.all<{ asset_id: string }>("SELECT asset_id FROM assets LIMIT 50")).map((r) => r.asset_id);
        const paths = [
          "/v1/assets?limit=20",
          "/v1/trades?limit=20",
          "/v1/exchanges",
          "/health",
          ...ids.slice(0, 10).map((id) => `/v1/assets/${id}`),
          `/v1/assets/0x${"0".repeat(63)}1`,
          "/v1/assets?limit=100000",
        ];
        const mining = setInterval(() => chain.mine([L.onboarded(account(0x9000 + chain.head()), account(5))]), 50);
        const until = Date.now() + PROFILE.loadMs;
        await Promise.all(
          Array.from({ length: PROFILE.loadConnections }, async (_, c) => {
            for (let i = c; Date.now() < until; i++) {
              const t0 = performance.now();
              const res = await fetch(base + paths[i % paths.length]);
              await res.arrayBuffer();
              latencies.push(performance.now() - t0);
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            }
          }),
        );
        clearInterval(mining);
        await proxy.set("none");
        while (indexer.status().chains[0].indexedBlock < chain.head()) await sleep(10);
        const ref = await backend.open();
        try {
          const honest = await createIndexer({ logger: createSilentLogger() }, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
          await honest.catchUp();
          const { lost, duplicated } = await compareStores(o.db, ref.db);
          const total = latencies.length;
          const fiveXX = [...statuses].filter(([s]) => s >= 500 && s !== 503).reduce((a, [, n]) => a + n, 0);
          const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(", ");
          rows.push({
            case: `${backend.name}: ${PROFILE.loadConnections} connections, ${PROFILE.loadMs / 1000} s, RPC errors on 10 % of requests`,
            tries: total,
            survived: total - fiveXX,
            lost,
            duplicated,
            fiveXX,
            notes: `${byStatus}; p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms; ${Math.round(total / (PROFILE.loadMs / 1000))} req/s`,
          });
          expect(fiveXX).to.equal(0);
          expect(statuses.get(503) ?? 0).to.equal(0);
          expect({ lost, duplicated }).to.deep.equal({ lost: 0, duplicated: 0 });
        } finally {
          await ref.cleanup();
        }
      } finally {
        await indexer.stop();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        await proxy.close();
        await upstream.close();
        await o.cleanup();
      }
    });
  }
  extra.push("Paths: lists, single assets (known and unknown), an over-limit page size and /health, in turn per connection.");
});
