/**
 * The chain's RPC misbehaving while the indexer follows a growing chain and the API serves: errors, connection
 * resets, hangs past the time limit, truncated JSON, eth_getLogs answered empty, a node lagging 30 blocks behind,
 * and the node down. After each spell the store must equal an uninterrupted index; the newest asset indexed before
 * the spell must be served throughout; the API never answers 5xx.
 */
import { expect } from "chai";
import request from "supertest";
import { createApi } from "../../service/src/api";
import { createHttpTransport } from "../../service/src/chain/transport";
import { createIndexer } from "../../service/src/indexer";
import { createSilentLogger } from "../../service/src/logger";
import { BACKENDS } from "../helpers/backends";
import { createFakeChain } from "../helpers/fake-chain";
import { CONTRACTS, L, account, mineScenario } from "../helpers/fake-scenario";
import { serveChain } from "./helpers/chain-server";
import { compareStores } from "./helpers/compare";
import { startFaultProxy, type FaultMode } from "./helpers/fault-proxy";
import { PROFILE } from "./helpers/profile";
import { writeSection, type FaultRow } from "./helpers/report";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const SPELLS: [FaultMode, number][] = [
  ["errors", 0.3],
  ["resets", 0.3],
  ["timeouts", 0.2],
  ["truncated", 0.3],
  ["empty-logs", 0.5],
  ["lagging", 1],
  ["down", 1],
];

describe(`faults: RPC fault proxy (${PROFILE.name} profile)`, function () {
  this.timeout(600_000);
  const rows: FaultRow[] = [];
  after(() => writeSection("RPC faults", rows, ["Each spell lasts " + PROFILE.rpcFaultMs + " ms while a block with events is mined every 50 ms; `tries` counts the faults injected."]));

  for (const backend of BACKENDS) {
    it(`should lose nothing and answer no 5xx through every RPC fault (${backend.name})`, async () => {
      const o = await backend.open();
      const chain = createFakeChain();
      mineScenario(chain, 40);
      const server = await serveChain(chain);
      const proxy = await startFaultProxy(server.url, { hangMs: 1500 });
      const indexer = await createIndexer(
        { logger: createSilentLogger() },
        {
          db: o.db,
          pollIntervalMs: 20,
          rpcRetry: { retries: 2, baseDelayMs: 20, maxDelayMs: 100 },
          chains: [{ chainId: chain.chainId, transport: createHttpTransport(proxy.url, { timeoutMs: 500 }), contracts: CONTRACTS, initialRange: 8, maxRange: 8 }],
        },
      );
      const app = createApi({ db: o.db, indexerStatus: () => indexer.status(), logger: quiet, health: { stallAfterMs: 60_000 } });
      const failures: string[] = [];
      try {
        indexer.start();
        const caughtUp = async (): Promise<void> => {
          for (let i = 0; i < 6000 && indexer.status().chains[0].indexedBlock < chain.head(); i++) await sleep(10);
        };
        await caughtUp();
        let n = 0;
        for (const [mode, rate] of SPELLS) {
          const newest = await o.db.get<{ asset_id: string }>("SELECT asset_id FROM assets ORDER BY block_number DESC LIMIT 1");
          const injectedBefore = proxy.injected[mode];
          await proxy.set(mode, rate);
          const until = Date.now() + PROFILE.rpcFaultMs;
          let polls = 0;
          let missing = 0;
          let fiveXX = 0;
          let unhealthy = 0;
          let sawError = false;
          while (Date.now() < until) {
            chain.mine([L.onboarded(account(0x5000 + n++), account(5))]);
            const res = await request(app).get(`/v1/assets/${newest!.asset_id}`);
            polls++;
            if (res.status === 404) missing++;
            if (res.status >= 500) fiveXX++;
            const health = await request(app).get("/health");
            if (health.status === 503) unhealthy++;
            if (health.status >= 500 && health.status !== 503) fiveXX++;
            const st = indexer.status().chains[0];
            if (st.lastError || st.problem) sawError = true;
            await sleep(50);
          }
          await proxy.set("none");
          await caughtUp();
          const ref = await backend.open();
          try {
            const honest = await createIndexer({ logger: createSilentLogger() }, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
            await honest.catchUp();
            const { lost, duplicated } = await compareStores(o.db, ref.db);
            const tries = proxy.injected[mode] - injectedBefore;
            const alive = indexer.status().chains[0].indexedBlock === chain.head();
            rows.push({
              case: `${backend.name}: ${mode}${rate < 1 ? ` (${Math.round(rate * 100)} % of requests)` : ""}`,
              tries,
              survived: alive && lost === 0 && duplicated === 0 ? tries : 0,
              lost,
              duplicated,
              fiveXX,
              notes: `newest asset 404 in ${missing} of ${polls} polls; /health 503 in ${unhealthy} of ${polls}; fault ${sawError ? "shown" : "not shown"} on the status`,
            });
            if (lost || duplicated || missing || fiveXX || !alive) failures.push(`${mode}: lost ${lost}, duplicated ${duplicated}, 404 ${missing}, 5xx ${fiveXX}, alive ${alive}`);
            if (tries > 0 && !sawError) failures.push(`${mode}: the fault never showed on the status`);
          } finally {
            await ref.cleanup();
          }
        }
        expect(failures).to.deep.equal([]);
      } finally {
        await indexer.stop();
        await proxy.close();
        await server.close();
        await o.cleanup();
      }
    });
  }
});
