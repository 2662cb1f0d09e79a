/**
 * PostgreSQL reads that recur run as named prepared statements (store/statement-names.ts): parsed and planned once per
 * connection, bounded in number, and never wrong after a migration changes a table they read.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPostgresDb, dropPostgresSchema, type Db } from "../../../service/src/store";
import { createStatementNames, isStalePreparedStatement } from "../../../service/src/store/statement-names";
import { PG_URL } from "../../helpers/backends";

describe("store: named prepared statements (PostgreSQL)", function () {
  this.timeout(30_000);
  let schema: string;
  const opened: Db[] = [];
  const open = async (options: { preparedStatements?: boolean } = {}): Promise<Db> => {
    const db = await createPostgresDb(PG_URL, { schema, max: 1, ...options });
    opened.push(db);
    return db;
  };
  /** The statements this pool's one connection has prepared. */
  const prepared = async (db: Db): Promise<string[]> =>
    (await db.transaction((tx) => tx.all<{ statement: string }>("SELECT statement FROM pg_prepared_statements"))).map((r) => r.statement);

  beforeEach(async () => {
    schema = `t_prep_${randomBytes(4).toString("hex")}`;
    const db = await createPostgresDb(PG_URL, { schema });
    await db.exec("CREATE TABLE parts (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    await db.run("INSERT INTO parts (id, name) VALUES (1, 'bolt'), (2, 'nut'), (3, 'washer')");
    await db.close();
  });
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close().catch(() => undefined);
    await dropPostgresSchema(PG_URL, schema);
  });

  it("should prepare a read the second time it runs and answer each call with its own parameters", async () => {
    const db = await open();
    const sql = "SELECT name FROM parts WHERE id = ?";
    expect(await db.get(sql, [1])).to.deep.equal({ name: "bolt" });
    expect(await prepared(db)).to.deep.equal([]);
    expect(await db.get(sql, [2])).to.deep.equal({ name: "nut" });
    expect(await db.get(sql, [3])).to.deep.equal({ name: "washer" });
    expect(await db.get(sql, [4])).to.equal(undefined);
    expect(await prepared(db)).to.deep.equal(["SELECT name FROM parts WHERE id = $1"]);
  });

  it("should not prepare a statement that runs once, nor anything when turned off", async () => {
    const db = await open();
    await db.all("SELECT name FROM parts WHERE id IN (?, ?, ?, ?, ?)", [1, 2, 3, 4, 5]);
    expect(await prepared(db)).to.deep.equal([]);
    const off = await open({ preparedStatements: false });
    for (let i = 0; i < 3; i++) await off.get("SELECT name FROM parts WHERE id = ?", [1]);
    expect(await prepared(off)).to.deep.equal([]);
  });

  it("should answer with the new columns after a migration changes a table a prepared read returns whole", async () => {
    const db = await open();
    const sql = "SELECT * FROM parts WHERE id = ?";
    for (let i = 0; i < 3; i++) expect(await db.get(sql, [1])).to.deep.equal({ id: 1, name: "bolt" });
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    try {
      await other.query(`ALTER TABLE ${schema}.parts ADD COLUMN grade TEXT NOT NULL DEFAULT 'A'`);
    } finally {
      await other.end();
    }
    expect(await db.get(sql, [1])).to.deep.equal({ id: 1, name: "bolt", grade: "A" });
    expect(await db.get(sql, [2])).to.deep.equal({ id: 2, name: "nut", grade: "A" });
  });

  it("should still report a statement's own error as that error", async () => {
    const db = await open();
    const sql = "SELECT name FROM parts WHERE id = ?::int";
    for (let i = 0; i < 2; i++) await db.get(sql, [1]);
    await db.get(sql, ["not a number"]).then(
      () => expect.fail("resolved"),
      (e) => expect((e as { code?: string }).code).to.equal("22P02"),
    );
  });
});

describe("store: statement names", () => {
  it("should name a text on its second use, the same name after, and at most the quota of texts", () => {
    const names = createStatementNames(2);
    expect(names.nameOf("a")).to.equal(undefined);
    const a = names.nameOf("a");
    expect(a).to.be.a("string");
    expect(names.nameOf("a")).to.equal(a);
    names.nameOf("b");
    const b = names.nameOf("b");
    expect(b).to.be.a("string").and.not.equal(a);
    names.nameOf("c");
    expect(names.nameOf("c"), "over the quota").to.equal(undefined);
    expect(names.size).to.equal(2);
  });

  it("should give every text a new name after a renewal", () => {
    const names = createStatementNames();
    names.nameOf("a");
    const before = names.nameOf("a");
    names.renew();
    expect(names.size).to.equal(0);
    expect(names.nameOf("a")).to.equal(undefined);
    expect(names.nameOf("a")).to.be.a("string").and.not.equal(before);
  });

  it("should call only a changed result type or a missing statement stale", () => {
    expect(isStalePreparedStatement({ code: "0A000", message: "cached plan must not change result type" })).to.equal(true);
    expect(isStalePreparedStatement({ code: "26000", message: 'prepared statement "sq0_x" does not exist' })).to.equal(true);
    expect(isStalePreparedStatement({ code: "0A000", message: "some other unsupported feature" })).to.equal(false);
    expect(isStalePreparedStatement({ code: "42P01", message: "relation does not exist" })).to.equal(false);
    expect(isStalePreparedStatement(null)).to.equal(false);
  });
});
