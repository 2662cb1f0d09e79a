import { expect } from "chai";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { search } from "../../../service/src/api/queries/search";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer } from "../../../service/src/indexer";
import { createPostgresDb, createSqliteDb, migrate, SCHEMA, type Db } from "../../../service/src/store";
import { BYTE_ORDER_TEXT_VERSION } from "../../../service/src/store/migrations";
import { PG_URL } from "../../helpers/backends";
import { createFakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, mineScenario } from "../../helpers/fake-scenario";

/** The URL of `database` on the test server. */
const urlOf = (database: string): string => {
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  return url.toString();
};

/** The declared tables with a text column (every event table has some), in declaration order: migration 17's order. */
const TEXT_TABLES = Object.entries(SCHEMA)
  .filter(([, t]) => t.kind === "event" || (t.columns as readonly { type: string }[]).some((c) => c.type === "text"))
  .map(([name]) => name);

interface TextColumn {
  table_name: string;
  column_name: string;
  collation_name: string | null;
}

/** The text columns of the store's tables (the migrations' own bookkeeping table aside), with their collation. */
const textColumns = (db: Db): Promise<TextColumn[]> =>
  db.all<TextColumn>(
    `SELECT table_name, column_name, collation_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND data_type = 'text' AND table_name <> 'schema_migrations'`,
  );

/** `table.column` of each column not collated "C". */
const notByteOrder = (columns: readonly TextColumn[]): string[] =>
  columns.filter((c) => c.collation_name !== "C").map((c) => `${c.table_name}.${c.column_name}`);

/**
 * Text is compared byte by byte on both backends, whatever the PostgreSQL database's own collation: the store's
 * answers must not depend on the locale an operator created the database with.
 */
describe("store: text in byte order on every backend", function () {
  this.timeout(120_000);
  // A database whose default collation is a language's (ICU en-US: case-insensitive first, punctuation before digits).
  const database = `shuquan_icu_${randomBytes(4).toString("hex")}`;
  let admin: pg.Client;
  const opened: Db[] = [];

  before(async () => {
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
  });

  after(async () => {
    for (const db of opened.splice(0)) await db.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  });

  async function indexedStores(): Promise<{ sqlite: Db; postgres: Db }> {
    const chain = createFakeChain();
    mineScenario(chain, 6);
    const sqlite = createSqliteDb(":memory:");
    const postgres = await createPostgresDb(urlOf(database), { schema: `t_${randomBytes(4).toString("hex")}` });
    opened.push(sqlite, postgres);
    for (const db of [sqlite, postgres]) {
      await migrate(db);
      const indexer = await createIndexer({ logger: createSilentLogger() }, {
        db,
        chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }],
      });
      await indexer.catchUp();
    }
    return { sqlite, postgres };
  }

  /** A new schema of the en-US database, migrated up to the version before byte order. */
  async function storeBeforeByteOrder(): Promise<{ schema: string; writer: Db }> {
    const schema = `t_${randomBytes(4).toString("hex")}`;
    const writer = await createPostgresDb(urlOf(database), { schema });
    opened.push(writer);
    expect(await migrate(writer, { upTo: BYTE_ORDER_TEXT_VERSION - 1 })).to.have.length(BYTE_ORDER_TEXT_VERSION - 1);
    return { schema, writer };
  }

  /** A reader (as an API query would be) inside a read-only transaction that has read `table` of `schema`. */
  async function readerHolding(schema: string, table: string): Promise<pg.Client> {
    const reader = new pg.Client({ connectionString: urlOf(database) });
    await reader.connect();
    await reader.query(`SET search_path TO ${schema}`);
    await reader.query("BEGIN READ ONLY");
    await reader.query(`SELECT COUNT(*) FROM ${table}`);
    return reader;
  }

  it("should make the database's collation a language's in this test (else it proves nothing)", async () => {
    const db = await createPostgresDb(urlOf(database));
    opened.push(db);
    // byte order puts 'B' (0x42) before 'a' (0x61) and '~' after the digits; en-US does the opposite of both
    expect(await db.get<{ lt: boolean }>("SELECT 'a' < 'B' AS lt")).to.deep.equal({ lt: true });
    expect(await db.get<{ lt: boolean }>("SELECT '~' < '2' AS lt")).to.deep.equal({ lt: true });
  });

  it('should collate every text column of a migrated PostgreSQL store "C"', async () => {
    const db = await createPostgresDb(urlOf(database), { schema: `t_${randomBytes(4).toString("hex")}` });
    opened.push(db);
    await migrate(db);
    const columns = await textColumns(db);
    expect([...new Set(columns.map((c) => c.table_name))].sort()).to.deep.equal([...TEXT_TABLES].sort());
    expect(notByteOrder(columns)).to.deep.equal([]);
    expect(BYTE_ORDER_TEXT_VERSION).to.be.at.most((await db.get<{ v: number }>("SELECT MAX(version) AS v FROM schema_migrations"))!.v);
  });

  it("should move a store at version 16 to byte order while a reader holds its tables: the reader waits, neither fails", async () => {
    const { schema, writer } = await storeBeforeByteOrder();
    // TEXT_TABLES is the migration's order: it takes the first before it reaches the last
    const reader = await readerHolding(schema, TEXT_TABLES[TEXT_TABLES.length - 1]);
    try {
      const migrating = migrate(writer);
      const failed = migrating.then(() => undefined, (e: Error) => e);
      await new Promise((r) => setTimeout(r, 300));
      // an API query that holds the last table and now reads the first, which the migration has reached by now:
      // altered one table at a time, this was a deadlock
      const first = await reader.query(`SELECT COUNT(*) AS n FROM ${TEXT_TABLES[0]}`);
      expect(first.rows).to.have.length(1);
      await reader.query("COMMIT");
      expect(await failed, "the migration failed").to.equal(undefined);
      expect(await migrating).to.deep.equal([BYTE_ORDER_TEXT_VERSION]);
    } finally {
      await reader.end();
    }
    expect(notByteOrder(await textColumns(writer))).to.deep.equal([]);
  });

  it("should fail the upgrade with a clear error when a query keeps a table locked, and apply it once the query is done", async () => {
    const { schema, writer } = await storeBeforeByteOrder();
    const reader = await readerHolding(schema, "assets");
    try {
      const err = await migrate(writer, { lockTries: 3 }).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.match(/^migration 17 \(.*\) could not lock its tables in 3 tries: queries kept holding them \(.*lock timeout/);
      expect((await writer.get<{ v: number }>("SELECT MAX(version) AS v FROM schema_migrations"))!.v).to.equal(BYTE_ORDER_TEXT_VERSION - 1);
      // nothing of it stayed: the text columns keep the database's collation
      expect(await writer.get("SELECT collation_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'assets' AND column_name = 'asset_id'")).to.deep.equal({ collation_name: null });
      await reader.query("COMMIT");
    } finally {
      await reader.end();
    }
    expect(await migrate(writer)).to.deep.equal([BYTE_ORDER_TEXT_VERSION]);
  });

  it("should compare text in the store as SQLite does: same order, and the registration-number prefix search finds the asset", async () => {
    const { sqlite, postgres } = await indexedStores();
    const numbers = (await sqlite.all<{ registration_number: string }>("SELECT registration_number FROM assets ORDER BY registration_number")).map(
      (r) => r.registration_number,
    );
    expect(numbers).to.have.length(6);
    expect(numbers[0]).to.match(/^[A-Z0-9]+-[A-Z0-9]+-/);
    // the same rows in the same order, and a comparison the language collation decides otherwise
    const tilde = `${numbers[0].split("-")[0]}-~`;
    for (const db of [sqlite, postgres]) {
      expect(
        (await db.all<{ registration_number: string }>("SELECT registration_number FROM assets ORDER BY registration_number")).map((r) => r.registration_number),
        db.dialect,
      ).to.deep.equal(numbers);
      const below = await db.all<{ n: number }>(
        `SELECT COUNT(*) AS n FROM assets WHERE registration_number < ?`,
        [tilde],
      );
      expect(Number(below[0].n), `${db.dialect}: every number is below "<exchange>-~"`).to.equal(6);
    }
    // the search reads a registration number's prefix as a range up to "<prefix>~": a language's collation puts "~"
    // before the digits, so that range was empty on PostgreSQL
    const prefix = numbers[0].split("-").slice(0, 2).join("-").toLowerCase() + "-";
    const onSqlite = await search(sqlite, prefix);
    const onPostgres = await search(postgres, prefix);
    const assets = (r: typeof onSqlite): string[] => r.hits.filter((h) => h.type === "asset").map((h) => h.label).sort();
    expect(assets(onSqlite).length, "SQLite finds the assets of the prefix").to.be.greaterThan(0);
    expect(assets(onPostgres)).to.deep.equal(assets(onSqlite));
  });
});
