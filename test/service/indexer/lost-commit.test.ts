import { expect } from "chai";
import { DatabaseUnavailableError } from "../../../service/src/errors";
import { createIndexer } from "../../../service/src/indexer";
import { createSilentLogger } from "../../../service/src/logger";
import { INDEXED_TABLES } from "../../../service/src/store";
import { createIndexStore, type IndexStore } from "../../../service/src/store/index-store";
import { BACKENDS, dumpTables, type OpenedDb } from "../../helpers/backends";
import { followerOn, stepUntilIdle } from "../../helpers/chain-sync";
import { createFakeChain, type FakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";

const common = { logger: createSilentLogger() };
const COMPARED = INDEXED_TABLES.filter((t) => t !== "block_hashes");

/**
 * A store whose next commit fails with "connection terminated" — after it landed (`lands`) or before — and which then
 * cannot be read once (the database restarting): the write's outcome is unknown to the indexer until it can read the
 * store again.
 */
function storeFailingOneCommit(o: OpenedDb, lands: boolean, onFailed: () => void = () => undefined): { store: IndexStore; arm: () => void; failed: () => boolean } {
  const real = createIndexStore(o.db);
  let armed = false;
  let failed = false;
  let unreadable = 0;
  const store: IndexStore = {
    ...real,
    async writeRange(w) {
      if (armed && !lands) throw fail();
      await real.writeRange(w);
      if (armed) throw fail();
    },
    async getCheckpoint(chainId) {
      if (unreadable > 0) {
        unreadable--;
        throw new DatabaseUnavailableError("the database is unavailable: connect ECONNREFUSED");
      }
      return real.getCheckpoint(chainId);
    },
  };
  function fail(): DatabaseUnavailableError {
    armed = false;
    failed = true;
    unreadable = 1;
    onFailed();
    return new DatabaseUnavailableError("the database is unavailable: Connection terminated unexpectedly");
  }
  return { store, arm: () => (armed = true), failed: () => failed };
}

for (const backend of BACKENDS) {
  describe(`indexer: a commit whose answer was lost while the store could not be read (${backend.name})`, function () {
    this.timeout(60_000);
    let o: OpenedDb;
    let ref: OpenedDb;
    beforeEach(async () => {
      o = await backend.open();
      ref = await backend.open();
    });
    afterEach(async () => {
      await o.cleanup();
      await ref.cleanup();
    });

    const syncWith = (chain: FakeChain, store: IndexStore) => followerOn(chain, store, { initialRange: 1000 });

    it("should go on from the landed write when the next range differs (the head moved meanwhile), not call it another writer or write twice", async () => {
      const chain = createFakeChain();
      mineScenario(chain, 30);
      const landedAt = chain.head() - 20;
      chain.visibleHead = landedAt;
      const faulty = storeFailingOneCommit(o, true, () => (chain.visibleHead = undefined));
      const s = syncWith(chain, faulty.store);
      await s.init();
      faulty.arm();
      await s.step().then(
        () => expect.fail("the step whose answer was lost resolved"),
        (e) => expect(e).to.be.instanceOf(DatabaseUnavailableError),
      );
      expect(faulty.failed()).to.equal(true);
      expect(s.status().indexedBlock).to.be.lessThan(landedAt); // the follower does not know yet
      expect(await s.step()).to.equal("progress"); // judged from the store: it landed
      expect(s.status().indexedBlock).to.equal(landedAt);
      await stepUntilIdle(s);
      expect(s.status()).to.include({ indexedBlock: chain.head(), state: "live" });
      const honest = await createIndexer(common, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
      await honest.catchUp();
      expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await dumpTables(ref.db, COMPARED));
    });

    it("should write the range again when the doubted commit had not landed", async () => {
      const chain = createFakeChain();
      mineScenario(chain, 20);
      const faulty = storeFailingOneCommit(o, false);
      const s = syncWith(chain, faulty.store);
      await s.init();
      faulty.arm();
      await s.step().then(
        () => expect.fail("resolved"),
        (e) => expect(e).to.be.instanceOf(DatabaseUnavailableError),
      );
      await stepUntilIdle(s);
      expect(s.status().indexedBlock).to.equal(chain.head());
      const honest = await createIndexer(common, { db: ref.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }] });
      await honest.catchUp();
      expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await dumpTables(ref.db, COMPARED));
    });

    it("should still stop with one clear error when the checkpoint moved to where this follower never wrote", async () => {
      const chain = createFakeChain();
      mineScenario(chain, 20);
      chain.visibleHead = chain.head() - 10;
      const faulty = storeFailingOneCommit(o, true);
      const s = syncWith(chain, faulty.store);
      await s.init();
      faulty.arm();
      await s.step().catch(() => undefined);
      await o.db.run("UPDATE checkpoints SET block_number = block_number + 3, block_hash = ?", ["0x" + "cd".repeat(32)]);
      await s.step().then(
        () => expect.fail("resolved"),
        (e) => expect((e as Error).message).to.match(/another indexer writes to this database/),
      );
    });
  });
}
