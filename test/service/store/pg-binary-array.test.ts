/**
 * The writer's PostgreSQL inserts send each column as an array in the binary format (store/pg-binary-array.ts): every
 * value must arrive as it left, and a value the format cannot carry as it is must go as a text literal and meet the
 * server's judgement as before.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { createPostgresDb, dropPostgresSchema, insertValues, type Db, type SqlValue } from "../../../service/src/store";
import { binaryArray } from "../../../service/src/store/pg-binary-array";
import { PG_URL } from "../../helpers/backends";

describe("store: PostgreSQL arrays in the binary format", function () {
  this.timeout(30_000);
  let schema: string;
  let db: Db;

  beforeEach(async () => {
    schema = `t_bin_${randomBytes(4).toString("hex")}`;
    db = await createPostgresDb(PG_URL, { schema });
    await db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT, i INTEGER, b BIGINT)");
  });
  afterEach(async () => {
    await db.close().catch(() => undefined);
    await dropPostgresSchema(PG_URL, schema);
  });

  const read = (): Promise<{ k: number; s: string | null; i: number | null; b: number | null }[]> => db.all("SELECT k, s, i, b FROM t ORDER BY k");

  it("should carry text of any content, NULLs and integers at their limits exactly", async () => {
    const rows: SqlValue[][] = [
      [1, "0x" + "ab".repeat(32), 0, 0],
      [2, 'quote " backslash \\ comma , braces {} and NULL', -1, -1],
      [3, "数权 — ünïcödé, emoji 🔐", 2147483647, Number.MAX_SAFE_INTEGER],
      [4, null, -2147483648, -Number.MAX_SAFE_INTEGER],
      [5, "", null, null],
      [6, "NULL", 7, 4294967296],
    ];
    const sent: unknown[][] = [];
    await db.transaction((tx) => insertValues({ ...tx, run: (sql, params) => (sent.push([...(params ?? [])]), tx.run(sql, params)) }, "t", ["k", "s", "i", "b"], rows));
    expect((await read()).map((r) => [r.k, r.s, r.i, r.b === null ? null : Number(r.b)])).to.deep.equal(rows);
    // every column went as a binary array (text, int4 and int8 alike), none as a text literal
    expect(sent).to.have.length(1);
    expect(sent[0].map((p) => Buffer.isBuffer(p))).to.deep.equal([true, true, true, true]);
  });

  it("should build the layout array_recv reads: dimensions, null flag, element type, length and each element", () => {
    const buf = binaryArray([["a"], [null], ["ü"]], 0, 3, 0, "text")!;
    expect(buf.readInt32BE(0)).to.equal(1); // one dimension
    expect(buf.readInt32BE(4)).to.equal(1); // has NULLs
    expect(buf.readInt32BE(8)).to.equal(25); // text
    expect(buf.readInt32BE(12)).to.equal(3); // three elements
    expect(buf.readInt32BE(16)).to.equal(1); // lower bound
    expect([buf.readInt32BE(20), buf.toString("utf8", 24, 25), buf.readInt32BE(25), buf.readInt32BE(29), buf.toString("utf8", 33, 35)]).to.deep.equal([1, "a", -1, 2, "ü"]);
    const ints = binaryArray([[-2], [5]], 0, 2, 0, "bigint")!;
    expect([ints.readInt32BE(4), ints.readInt32BE(8), ints.readBigInt64BE(24), ints.readBigInt64BE(36)]).to.deep.equal([0, 20, -2n, 5n]);
  });

  it("should leave to the text literal what the binary format cannot carry as it is, and keep the server's verdict on it", async () => {
    expect(binaryArray([[1.5]], 0, 1, 0, "integer")).to.equal(undefined);
    expect(binaryArray([["12"]], 0, 1, 0, "bigint")).to.equal(undefined);
    expect(binaryArray([[2147483648]], 0, 1, 0, "integer")).to.equal(undefined);
    expect(binaryArray([[2n ** 63n]], 0, 1, 0, "bigint")).to.equal(undefined);
    // a numeric string in an integer column: the server takes it, as it always did
    await db.transaction((tx) => insertValues(tx, "t", ["k", "i"], [[1, "12"]]));
    expect((await read())[0]).to.include({ k: 1, i: 12 });
    // a fraction or an overflow: refused by the server, and nothing is written
    for (const bad of [[2, 1.5], [3, 2147483648]] as SqlValue[][]) {
      await db.transaction((tx) => insertValues(tx, "t", ["k", "i"], [bad])).then(
        () => expect.fail(`${String(bad[1])} was accepted into an integer column`),
        (e: Error) => expect(e.message).to.match(/invalid input syntax for type integer|out of range/),
      );
    }
    expect((await read()).map((r) => r.k)).to.deep.equal([1]);
  });
});
