import { expect } from "chai";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer } from "../../../service/src/indexer";
import { INDEXED_TABLES, migrate, migrations } from "../../../service/src/store";
import { migrationStatements } from "../../../service/src/store/migrations";
import { BACKENDS, dumpTables, openPerTest } from "../../helpers/backends";
import { catalogue } from "../../helpers/catalogue";
import { LEGACY_V1, LEGACY_V2, legacyMigrate, splitLegacy } from "./legacy-schema";
import { createFakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";

/** Whitespace-insensitive form of a statement. */
const normal = (sql: string): string => sql.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").trim();

describe("store/migrations", () => {
  for (const dialect of ["sqlite", "postgres"] as const) {
    context(`derived from store/schema.ts (${dialect})`, () => {
      it("should make version 1 exactly the hand-written initial schema", () => {
        expect(migrationStatements(1, dialect).map(normal)).to.deep.equal(splitLegacy(LEGACY_V1).map(normal));
      });

      it("should make version 2 exactly the hand-written proof column", () => {
        expect(migrationStatements(2, dialect)).to.deep.equal([LEGACY_V2]);
      });

      it("should number the versions from 1 without gaps, each with a name and statements or a data step", () => {
        const list = migrations(dialect);
        expect(list.map((m) => m.version)).to.deep.equal(list.map((_, i) => i + 1));
        expect(list.slice(0, 2).map((m) => m.name)).to.deep.equal(["initial schema", "evidence item proofs stored at index time"]);
        for (const m of list) {
          expect(m.name, `version ${m.version}`).to.not.equal("");
          expect(m.statements.length > 0 || m.run !== undefined, `version ${m.version} does nothing`).to.equal(true);
        }
      });
    });
  }

  for (const backend of BACKENDS) {
    context(`a store made by the old code (${backend.name})`, function () {
      this.timeout(60_000);
      const open = openPerTest(backend, { migrate: false });

      it("should, once migrated, have the same tables, columns and indexes as a store made now", async () => {
        const old = await open();
        await legacyMigrate(old.db, 2);
        await migrate(old.db);
        const fresh = await open();
        expect(await migrate(fresh.db)).to.deep.equal(migrations(fresh.db.dialect).map((m) => m.version));
        expect(await catalogue(fresh.db)).to.deep.equal(await catalogue(old.db));
      });

      it("should apply nothing to a store at version 2, and index into it as into a new one", async () => {
        const old = await open();
        await legacyMigrate(old.db, 2);
        expect(await migrate(old.db)).to.deep.equal(migrations(old.db.dialect).map((m) => m.version).filter((v) => v > 2));
        const fresh = await open();
        await migrate(fresh.db);
        const chain = createFakeChain();
        mineScenario(chain, 6);
        for (const o of [old, fresh]) {
          const indexer = await createIndexer({ logger: createSilentLogger() }, {
            db: o.db,
            chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }],
          });
          await indexer.catchUp();
        }
        const tables = INDEXED_TABLES.filter((t) => t !== "block_hashes");
        const indexed = await dumpTables(old.db, tables);
        expect(indexed.assets).to.have.length(6);
        expect(indexed).to.deep.equal(await dumpTables(fresh.db, tables));
      });

      it("should bring a store at version 1 up to date, proof column included", async () => {
        const old = await open();
        await legacyMigrate(old.db, 1);
        const applied = await migrate(old.db);
        expect(applied[0]).to.equal(2);
        await old.db.all("SELECT proof FROM evidence_items");
        const fresh = await open();
        await migrate(fresh.db);
        expect(await catalogue(old.db)).to.deep.equal(await catalogue(fresh.db));
      });
    });
  }
});
