/**
 * kill -9 at random moments: a child indexer is SIGKILLed mid-backfill again and again (inside write transactions
 * as often as not), restarted each time, and its store compared with an uninterrupted index of the same chain.
 */
import { expect } from "chai";
import { createIndexer } from "../../service/src/indexer";
import { createSilentLogger } from "../../service/src/logger";
import { BACKENDS, type OpenedDb } from "../helpers/backends";
import { createFakeChain } from "../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../helpers/fake-scenario";
import { serveChain, type ChainServer } from "./helpers/chain-server";
import { compareStores } from "./helpers/compare";
import { spawnIndexer } from "./helpers/processes";
import { PROFILE } from "./helpers/profile";
import { writeSection, type FaultRow } from "./helpers/report";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe(`faults: kill -9 at random moments (${PROFILE.name} profile)`, function () {
  this.timeout(600_000);
  const chain = createFakeChain();
  mineScenario(chain, PROFILE.killChainBlocks);
  let server: ChainServer;
  const rows: FaultRow[] = [];
  before(async () => (server = await serveChain(chain)));
  after(async () => {
    await server.close();
    writeSection("kill -9", rows, [
      `Chain: ${chain.head()} blocks, one block per range, so that a kill lands mid-backfill (often inside a write transaction).`,
    ]);
  });

  for (const backend of BACKENDS) {
    it(`should lose and duplicate nothing across ${PROFILE.killsPerBackend} SIGKILLs (${backend.name})`, async () => {
      const o: OpenedDb = await backend.open();
      const ref: OpenedDb = await backend.open();
      try {
        const honest = await createIndexer({ logger: createSilentLogger() }, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
        await honest.catchUp();
        const env = { LOCATOR: o.locator, RPC_URL: server.url, CONTRACTS: JSON.stringify(CONTRACTS), TARGET: String(chain.head()), RANGE: "1" };
        const indexed = async (): Promise<number> => (await o.db.get<{ b: number }>("SELECT block_number AS b FROM checkpoints"))?.b ?? -1;
        let kills = 0;
        let deaths = 0;
        for (let round = 0; round < PROFILE.killsPerBackend * 3 && kills < PROFILE.killsPerBackend; round++) {
          const c = spawnIndexer(env);
          const start = await indexed();
          for (let i = 0; i < 6000 && (await indexed()) <= start && c.child.exitCode === null; i++) await sleep(5);
          await sleep(Math.floor(Math.random() * 60));
          if (c.child.exitCode === null) {
            c.child.kill("SIGKILL");
            kills++;
          }
          const res = await c.done;
          if (res.signal !== "SIGKILL" && res.code !== 0) deaths++;
          if (res.code === 0) break; // reached the head before the kill
        }
        const last = await spawnIndexer(env).done;
        if (last.code !== 0) deaths++;
        const { lost, duplicated, rows: n } = await compareStores(o.db, ref.db);
        rows.push({ case: `${backend.name}: SIGKILL mid-backfill, restart`, tries: kills, survived: kills - deaths, lost, duplicated, fiveXX: null, notes: `${n} rows compared` });
        expect(last.code, last.err).to.equal(0);
        expect(deaths).to.equal(0);
        expect(kills).to.be.greaterThan(Math.floor(PROFILE.killsPerBackend / 2));
        expect({ lost, duplicated }).to.deep.equal({ lost: 0, duplicated: 0 });
      } finally {
        await o.cleanup();
        await ref.cleanup();
      }
    });
  }
});
