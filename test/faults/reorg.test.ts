/**
 * Reorgs of depth 1, 5, 20 and deeper than the kept hash window (128 blocks) while the indexer runs and the API
 * serves: after each, the store must equal a fresh index of the new chain, and the rows below the fork must have
 * been served throughout (a deep reorg rolls back to a verified anchor, not to the start).
 */
import { expect } from "chai";
import request from "supertest";
import { createApi } from "../../service/src/api";
import { createIndexer } from "../../service/src/indexer";
import { createSilentLogger } from "../../service/src/logger";
import { BACKENDS } from "../helpers/backends";
import { createFakeChain } from "../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../helpers/fake-scenario";
import { compareStores } from "./helpers/compare";
import { PROFILE } from "./helpers/profile";
import { writeSection, type FaultRow } from "./helpers/report";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe(`faults: reorgs (${PROFILE.name} profile)`, function () {
  this.timeout(600_000);
  const rows: FaultRow[] = [];
  after(() => writeSection("reorgs", rows, ["Kept hash window: 128 blocks (the default); below it, one kept hash every 64 blocks."]));

  for (const backend of BACKENDS) {
    for (const depth of PROFILE.reorgDepths) {
      it(`should follow a reorg of depth ${depth}, serving the rows below the fork throughout (${backend.name})`, async () => {
        const o = await backend.open();
        const ref = await backend.open();
        const chain = createFakeChain();
        mineScenario(chain, Math.ceil((depth + 100) / 1.3));
        const indexer = await createIndexer({ logger: createSilentLogger() }, { db: o.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }], pollIntervalMs: 20 });
        const app = createApi({ db: o.db, indexerStatus: () => indexer.status(), logger: quiet });
        try {
          indexer.start();
          while (indexer.status().chains[0].indexedBlock < chain.head()) await sleep(10);
          const fork = chain.head() - depth;
          const keptBelow = Math.floor(fork / 64) * 64 - 1; // at or below the anchor the deepest rollback can reach
          const probe = await o.db.get<{ asset_id: string }>("SELECT asset_id FROM assets WHERE block_number <= ? ORDER BY block_number DESC LIMIT 1", [keptBelow]);
          chain.reorgTo(fork);
          mineScenario(chain, Math.ceil(depth / 1.3) + 3, depth);
          let polls = 0;
          let missing = 0;
          let fiveXX = 0;
          while (indexer.status().chains[0].reorgs === 0 || indexer.status().chains[0].indexedBlock < chain.head()) {
            if (probe) {
              const res = await request(app).get(`/v1/assets/${probe.asset_id}`);
              polls++;
              if (res.status === 404) missing++;
              if (res.status >= 500) fiveXX++;
            }
            await sleep(5);
          }
          await indexer.stop();
          const honest = await createIndexer({ logger: createSilentLogger() }, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
          await honest.catchUp();
          const { lost, duplicated } = await compareStores(o.db, ref.db);
          const ok = lost === 0 && duplicated === 0 && missing === 0 && fiveXX === 0;
          rows.push({
            case: `${backend.name}: depth ${depth}${depth > 128 ? " (deeper than the kept window)" : ""}`,
            tries: 1,
            survived: ok ? 1 : 0,
            lost,
            duplicated,
            fiveXX,
            notes: probe ? `an asset below the fork answered 404 in ${missing} of ${polls} polls` : "",
          });
          expect(indexer.status().chains[0].reorgs).to.be.greaterThan(0);
          expect({ lost, duplicated, missing, fiveXX }).to.deep.equal({ lost: 0, duplicated: 0, missing: 0, fiveXX: 0 });
        } finally {
          await indexer.stop();
          await o.cleanup();
          await ref.cleanup();
        }
      });
    }
  }
});
