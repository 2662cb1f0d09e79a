/**
 * PostgreSQL going away under a running indexer and API: a throwaway cluster (its own port and data directory under
 * /tmp, started by the test) is stopped fast (a restart), stopped immediately (a crash) and kept down, while a child
 * indexer follows a growing chain and the API is polled. The indexer must never exit and must lose nothing; the API
 * answers 503 with Retry-After while the database is down, never another 5xx. Also: several services migrating a
 * fresh database at once.
 */
import { expect } from "chai";
import request from "supertest";
import { createApi } from "../../service/src/api";
import { createIndexer } from "../../service/src/indexer";
import { createSilentLogger } from "../../service/src/logger";
import { createPostgresDb, migrate, type Db } from "../../service/src/store";
import { BACKENDS } from "../helpers/backends";
import { freePort } from "../helpers/free-port";
import { createFakeChain } from "../helpers/fake-chain";
import { CONTRACTS, L, account, mineScenario } from "../helpers/fake-scenario";
import { serveChain } from "./helpers/chain-server";
import { compareStores } from "./helpers/compare";
import { createPgCluster, pgBinDir, type PgCluster } from "./helpers/pg-cluster";
import { spawnIndexer } from "./helpers/processes";
import { PROFILE } from "./helpers/profile";
import { writeSection, type FaultRow } from "./helpers/report";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const within = <T>(p: Promise<T>, ms: number): Promise<T | undefined> => Promise.race([p, sleep(ms).then(() => undefined)]);

describe(`faults: PostgreSQL stop and start (${PROFILE.name} profile)`, function () {
  this.timeout(900_000);
  const rows: FaultRow[] = [];
  let cluster: PgCluster | undefined;
  /** Free when chosen (a fixed range once met RabbitMQ's 25672), and below the ephemeral range: helpers/free-port.ts. */
  let port = 0;
  before(async function () {
    if (!pgBinDir()) this.skip();
    port = await freePort();
    cluster = createPgCluster(port);
  });
  after(() => {
    cluster?.remove();
    if (rows.length) writeSection("PostgreSQL stop/start", rows, [`Throwaway cluster on port ${port} (initdb + pg_ctl), never the shared server.`]);
  });

  it("should keep indexing across restarts, crashes and outages without exiting or losing anything, the API answering 503", async () => {
    const pg = cluster!;
    const schema = "faults";
    const chain = createFakeChain();
    mineScenario(chain, 60);
    const server = await serveChain(chain);
    const child = spawnIndexer({ LOCATOR: `${pg.url}#${schema}`, RPC_URL: server.url, CONTRACTS: JSON.stringify(CONTRACTS), TARGET: String(2 ** 40), RANGE: "2" });
    let apiDb: Db | undefined;
    const mining = setInterval(() => chain.mine([L.onboarded(account(0x7000 + chain.head()), account(5))]), 40);
    let polls = 0;
    let unavailable = 0;
    let fiveXX = 0;
    let retryAfterMissing = 0;
    let stopPolling = false;
    try {
      for (let i = 0; i < 3000 && !apiDb; i++) {
        try {
          const d = await createPostgresDb(pg.url, { schema, readOnly: true });
          await d.get("SELECT 1 FROM checkpoints LIMIT 1");
          apiDb = d;
        } catch {
          await sleep(50);
        }
      }
      const app = createApi({ db: apiDb!, indexerStatus: () => ({ chains: [] }), logger: quiet });
      const poller = (async () => {
        while (!stopPolling) {
          const res = await request(app).get("/v1/assets?limit=5");
          polls++;
          if (res.status === 503) {
            unavailable++;
            if (!res.headers["retry-after"] || !/database/.test(res.body?.error?.message ?? "")) retryAfterMissing++;
          } else if (res.status >= 500) fiveXX++;
          await sleep(20);
        }
      })();
      const indexed = async (): Promise<number> => {
        for (;;) {
          try {
            return (await apiDb!.get<{ b: number }>("SELECT block_number AS b FROM checkpoints"))?.b ?? -1;
          } catch {
            await sleep(100);
          }
        }
      };
      for (const [mode, seconds] of PROFILE.pgOutages) {
        const before = await indexed();
        for (let i = 0; i < 3000 && (await indexed()) <= before; i++) await sleep(10);
        pg.stop(mode);
        await sleep(seconds * 1000);
        expect(child.child.exitCode, `the indexer exited during a ${mode} stop: ${child.err}`).to.equal(null);
        pg.start();
      }
      clearInterval(mining);
      for (let i = 0; i < 6000 && (await indexed()) < chain.head(); i++) await sleep(20);
      stopPolling = true;
      await poller;
      const alive = child.child.exitCode === null;
      const ref = await BACKENDS[1].open();
      const got = await createPostgresDb(pg.url, { schema });
      try {
        const honest = await createIndexer({ logger: createSilentLogger() }, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
        await honest.catchUp();
        const { lost, duplicated } = await compareStores(got, ref.db);
        const outages = PROFILE.pgOutages.map(([m, s]) => `${m} stop, ${s} s down`).join("; ");
        rows.push({
          case: "indexer (child process) + API during stops",
          tries: PROFILE.pgOutages.length,
          survived: alive && lost === 0 && duplicated === 0 ? PROFILE.pgOutages.length : 0,
          lost,
          duplicated,
          fiveXX,
          notes: `${outages}; API: ${unavailable} of ${polls} answers 503 with Retry-After naming the database (${retryAfterMissing} without)`,
        });
        expect(alive, child.err).to.equal(true);
        expect({ lost, duplicated, fiveXX, retryAfterMissing }).to.deep.equal({ lost: 0, duplicated: 0, fiveXX: 0, retryAfterMissing: 0 });
        expect(unavailable).to.be.greaterThan(0);
      } finally {
        await got.close();
        await ref.cleanup();
      }
    } finally {
      clearInterval(mining);
      stopPolling = true;
      child.child.kill("SIGKILL");
      await child.done;
      await within(apiDb?.close().catch(() => undefined) ?? Promise.resolve(), 5000);
      await within(server.close(), 5000);
    }
  });

  it("should let several services migrate a fresh database at once", async () => {
    const pg = cluster!;
    let survived = 0;
    for (let i = 0; i < PROFILE.concurrentStarts; i++) {
      const admin = await createPostgresDb(pg.url);
      await admin.exec(`CREATE DATABASE fresh_${i}`);
      await admin.close();
      const url = pg.url.replace(/\/postgres$/, `/fresh_${i}`);
      const dbs = await Promise.all([1, 2, 3].map(() => createPostgresDb(url)));
      const results = await Promise.allSettled(dbs.map((d) => migrate(d)));
      for (const d of dbs) await d.close();
      if (results.every((r) => r.status === "fulfilled")) survived++;
    }
    rows.push({ case: "three services migrating a fresh database at once", tries: PROFILE.concurrentStarts, survived, lost: 0, duplicated: 0, fiveXX: null });
    expect(survived).to.equal(PROFILE.concurrentStarts);
  });
});
