/**
 * What storing hashes and addresses as bytes instead of 0x text would save in the store's part of a backfill (the
 * redesign docs/indexer.md names). The event rows of a finished backfill's SQLite store (SRC) are written again,
 * once as they are and once with every hex column as bytes, the way the indexer writes them during a first
 * backfill: a commit per 10,000 events with the writer's indexes only, then the deferred indexes built at the head.
 * - SQLite: fresh files opened as the store opens them, the store's multi-row inserts (insertValues); BLOB columns.
 * - PostgreSQL (PG_URL): a fresh schema migrated by the service, `INSERT … SELECT unnest($n::type[])` with one
 *   binary array per column as the indexer sends them; BYTEA columns. The builds on one connection, one by one.
 * - PostgreSQL also with `COPY … FROM STDIN (FORMAT binary)` instead of unnest(), for text and for bytes.
 * Alternated rounds; figures to stdout and BYTES_OUT (default bench/results/bytes-vs-text-<backend>.json). Converting
 * the hex to bytes is timed on its own.
 *
 *   BENCH_KEEP_STORE=/tmp/stores BENCH_DENSITIES=1000 BENCH_BACKENDS=sqlite npx ts-node --transpile-only bench/indexer/run.ts
 *   SRC=/tmp/stores/d1000-after.sqlite ROUNDS=6 [BACKEND=postgres PG_URL=postgres://…] npx ts-node --transpile-only bench/indexer/bytes-vs-text.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { HANDLER_TABLES, WRITER_INDEXES } from "../../service/src/store/backfill-indexes";
import { binaryArray } from "../../service/src/store/pg-binary-array";
import { columnType } from "../../service/src/store/schema";
import { createPostgresDb, createSqliteDb, dropPostgresSchema, insertValues, migrate, type SqlValue } from "../../service/src/store";
import { SQLITE_BACKFILL_CACHE_KIB } from "../../service/src/store/sqlite";

type Value = string | number | bigint | Buffer | null;

const SRC = process.env.SRC ?? "";
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BACKEND = process.env.BACKEND === "postgres" ? "postgres" : "sqlite";
const OUT = process.env.BYTES_OUT ?? path.resolve(__dirname, `../results/bytes-vs-text-${BACKEND}.json`);
const PG_URL = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const PER_COMMIT = 10_000;
const HEX = /^0x(?:[0-9a-f]{2})+$/;

interface Table {
  name: string;
  create: string;
  indexes: { name: string; sql: string }[];
  columns: string[];
  rows: Value[][];
  /** Columns whose every non-null value is 0x hex of whole bytes. */
  hexColumns: Set<number>;
}

function load(): Table[] {
  const src = new Database(SRC, { readonly: true });
  const names = (src.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => (src.prepare(`SELECT count(*) AS n FROM ${n}`).get() as { n: number }).n > 0)
    .filter((n) => (HANDLER_TABLES as readonly string[]).includes(n));
  const tables = names.map((name): Table => {
    const create = (src.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string }).sql;
    const indexes = src.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(name) as { name: string; sql: string }[];
    const stmt = src.prepare(`SELECT * FROM ${name} ORDER BY block_number, log_index`).raw(true);
    const columns = stmt.columns().map((c) => c.name);
    const rows = stmt.all() as Value[][];
    const hexColumns = new Set<number>();
    columns.forEach((_, j) => {
      let seen = 0;
      const all = rows.every((r) => r[j] === null || (typeof r[j] === "string" && HEX.test(r[j] as string) && ++seen > 0));
      if (all && seen > 0) hexColumns.add(j);
    });
    return { name, create, indexes, columns, rows, hexColumns };
  });
  src.close();
  return tables;
}

/** The table's DDL with its hex columns declared BLOB. */
function blobDdl(t: Table): string {
  let sql = t.create;
  for (const j of t.hexColumns) {
    const col = t.columns[j];
    sql = sql.replace(new RegExp(`(["\`]?\\b${col}\\b["\`]?\\s+)TEXT`, "i"), "$1BLOB");
  }
  return sql;
}

interface Figures {
  variant: string;
  round: number;
  toBytesMs: number;
  insertMs: number;
  commitMs: number;
  buildMs: number;
  totalMs: number;
  fileMB: number;
  walWrittenMB: number;
}

type Variant = "text" | "bytes" | "copy" | "bytes-copy";

async function runSqlite(tables: Table[], variant: Variant, round: number): Promise<Figures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bytes-vs-text-"));
  const file = path.join(dir, "x.sqlite");
  // the store's own connection (page size, WAL, checkpoints) with the writer's page cache of a first backfill
  const db = createSqliteDb(file);
  await db.exec(`PRAGMA cache_size = -${SQLITE_BACKFILL_CACHE_KIB}`);
  for (const t of tables) {
    await db.exec(variant === "bytes" ? blobDdl(t) : t.create);
    for (const ix of t.indexes) if (WRITER_INDEXES.has(ix.name)) await db.exec(ix.sql);
  }
  const { rowsOf, toBytesMs } = rowsAsWritten(tables, variant === "bytes");
  let insertMs = 0;
  let commitMs = 0;
  for (const commit of commits(tables, rowsOf)) {
    // better-sqlite3 binds a Buffer as a BLOB: the store's multi-row inserts take the bytes rows as they are
    const parts = commit.map(({ table, rows, from, to }) => ({ table, values: rows.slice(from, to) as SqlValue[][] }));
    const t0 = performance.now();
    await db.exec("BEGIN IMMEDIATE");
    for (const { table, values } of parts) await insertValues(db, table.name, table.columns, values);
    const t1 = performance.now();
    await db.exec("COMMIT");
    const t2 = performance.now();
    insertMs += t1 - t0;
    commitMs += t2 - t1;
  }
  const walBefore = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
  const t3 = performance.now();
  await db.exec("BEGIN IMMEDIATE");
  for (const t of tables) for (const ix of t.indexes) if (!WRITER_INDEXES.has(ix.name)) await db.exec(ix.sql);
  await db.exec("COMMIT");
  const buildMs = performance.now() - t3;
  await db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  await db.close();
  const fileMB = fs.statSync(file).size / 1e6;
  fs.rmSync(dir, { recursive: true, force: true });
  const r = (x: number): number => Number(x.toFixed(1));
  return {
    variant,
    round,
    toBytesMs: r(toBytesMs),
    insertMs: r(insertMs),
    commitMs: r(commitMs),
    buildMs: r(buildMs),
    totalMs: r(insertMs + commitMs + buildMs),
    fileMB: r(fileMB),
    walWrittenMB: r(walBefore / 1e6),
  };
}

/** A column of Buffers (or nulls) as a binary bytea[] (the layout store/pg-binary-array.ts describes; element OID 17). */
function byteaArray(rows: readonly Value[][], from: number, to: number, j: number): Buffer {
  let size = 20;
  let hasNulls = false;
  for (let i = from; i < to; i++) {
    const v = rows[i][j];
    if (v === null) hasNulls = true;
    else size += (v as Buffer).length;
    size += 4;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0);
  out.writeInt32BE(hasNulls ? 1 : 0, 4);
  out.writeInt32BE(17, 8);
  out.writeInt32BE(to - from, 12);
  out.writeInt32BE(1, 16);
  let o = 20;
  for (let i = from; i < to; i++) {
    const v = rows[i][j] as Buffer | null;
    if (v === null) {
      out.writeInt32BE(-1, o);
      o += 4;
      continue;
    }
    out.writeInt32BE(v.length, o);
    v.copy(out, o + 4);
    o += 4 + v.length;
  }
  return out;
}

const COPY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/** Rows [from, to) as one COPY … (FORMAT binary) stream: signature, flags, then per row its fields, then the trailer. */
function copyBinary(t: Table, rows: readonly Value[][], from: number, to: number, typeOf: (j: number) => string): Buffer {
  const width = t.columns.length;
  let size = COPY_SIGNATURE.length + 8 + 2;
  for (let i = from; i < to; i++) {
    size += 2;
    for (let j = 0; j < width; j++) {
      const v = rows[i][j];
      size += 4;
      if (v === null) continue;
      const type = typeOf(j);
      size += type === "integer" ? 4 : type === "bigint" ? 8 : Buffer.isBuffer(v) ? v.length : Buffer.byteLength(String(v));
    }
  }
  const out = Buffer.allocUnsafe(size);
  COPY_SIGNATURE.copy(out, 0);
  let o = COPY_SIGNATURE.length;
  out.writeInt32BE(0, o);
  out.writeInt32BE(0, o + 4);
  o += 8;
  for (let i = from; i < to; i++) {
    out.writeInt16BE(width, o);
    o += 2;
    for (let j = 0; j < width; j++) {
      const v = rows[i][j];
      if (v === null) {
        out.writeInt32BE(-1, o);
        o += 4;
        continue;
      }
      const type = typeOf(j);
      if (type === "integer") {
        out.writeInt32BE(4, o);
        out.writeInt32BE(Number(v), o + 4);
        o += 8;
      } else if (type === "bigint") {
        out.writeInt32BE(8, o);
        const n = Number(v);
        const high = Math.floor(n / 4294967296);
        out.writeInt32BE(high, o + 4);
        out.writeUInt32BE(n - high * 4294967296, o + 8);
        o += 12;
      } else if (Buffer.isBuffer(v)) {
        out.writeInt32BE(v.length, o);
        v.copy(out, o + 4);
        o += 4 + v.length;
      } else {
        const n = out.write(String(v), o + 4, "utf8");
        out.writeInt32BE(n, o);
        o += 4 + n;
      }
    }
  }
  out.writeInt16BE(-1, o);
  return out;
}

async function copyRows(client: pg.Client, sql: string, data: Buffer): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("finish", resolve);
    stream.end(data);
  });
}

async function runPostgres(tables: Table[], variant: Variant, round: number, url: string): Promise<Figures> {
  const schema = `bytes_vs_text_${Date.now().toString(36)}`;
  const db = await createPostgresDb(url, { schema });
  await migrate(db);
  await db.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET search_path TO ${schema}`);
  try {
    if (variant !== "text" && variant !== "copy") {
      for (const t of tables) {
        const alter = [...t.hexColumns].map((j) => `ALTER COLUMN "${t.columns[j]}" TYPE bytea USING decode(substr("${t.columns[j]}", 3), 'hex')`);
        await client.query(`ALTER TABLE ${t.name} ${alter.join(", ")}`);
      }
    }
    const deferred: string[] = [];
    for (const t of tables) {
      const ix = await client.query<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2", [schema, t.name]);
      for (const r of ix.rows) {
        if (r.indexname.endsWith("_pkey") || WRITER_INDEXES.has(r.indexname)) continue;
        deferred.push(r.indexdef);
        await client.query(`DROP INDEX ${r.indexname}`);
      }
    }
    const asBytes = variant === "bytes" || variant === "bytes-copy";
    const { rowsOf, toBytesMs } = rowsAsWritten(tables, asBytes);
    const typeOf = (t: Table, j: number): string => (asBytes && t.hexColumns.has(j) ? "bytea" : columnType(t.name, t.columns[j]) ?? "text");
    let insertMs = 0;
    let commitMs = 0;
    for (const commit of commits(tables, rowsOf)) {
      const t0 = performance.now();
      await client.query("BEGIN");
      for (const { table: t, rows, from, to } of commit) {
        const columnList = t.columns.map((c) => `"${c}"`).join(", ");
        if (variant === "copy" || variant === "bytes-copy") {
          if (to > from) await copyRows(client, `COPY ${t.name} (${columnList}) FROM STDIN (FORMAT binary)`, copyBinary(t, rows, from, to, (j) => typeOf(t, j)));
          continue;
        }
        const sql = `INSERT INTO ${t.name} (${columnList}) SELECT ${t.columns.map((_, j) => `unnest($${j + 1}::${typeOf(t, j)}[])`).join(", ")}`;
        for (let k = from; k < to; k += 5000) {
          const end = Math.min(to, k + 5000);
          const params = t.columns.map((_, j) => {
            const type = typeOf(t, j);
            return type === "bytea" ? byteaArray(rows, k, end, j) : binaryArray(rows as (string | number | null)[][], k, end, j, type as "text" | "integer" | "bigint")!;
          });
          await client.query(sql, params);
        }
      }
      const t1 = performance.now();
      await client.query("COMMIT");
      const t2 = performance.now();
      insertMs += t1 - t0;
      commitMs += t2 - t1;
    }
    const t3 = performance.now();
    for (const def of deferred) await client.query(def);
    const buildMs = performance.now() - t3;
    const size = await client.query<{ mb: string }>(
      "SELECT sum(pg_total_relation_size(format('%I.%I', $1::text, c))) / 1e6 AS mb FROM unnest($2::text[]) c",
      [schema, tables.map((t) => t.name)],
    );
    const r = (x: number): number => Number(x.toFixed(1));
    return { variant, round, toBytesMs: r(toBytesMs), insertMs: r(insertMs), commitMs: r(commitMs), buildMs: r(buildMs), totalMs: r(insertMs + commitMs + buildMs), fileMB: r(Number(size.rows[0].mb)), walWrittenMB: NaN };
  } finally {
    await client.end();
    await dropPostgresSchema(url, schema);
  }
}

/** The rows as the writer would hand them over: with `asBytes`, every hex value as bytes (the conversion timed). */
function rowsAsWritten(tables: Table[], asBytes: boolean): { rowsOf: Map<string, Value[][]>; toBytesMs: number } {
  let toBytesMs = 0;
  const rowsOf = new Map<string, Value[][]>();
  for (const t of tables) {
    if (!asBytes) {
      rowsOf.set(t.name, t.rows);
      continue;
    }
    const t0 = performance.now();
    const hex = [...t.hexColumns];
    rowsOf.set(
      t.name,
      t.rows.map((r) => {
        const c = r.slice();
        for (const j of hex) if (c[j] !== null) c[j] = Buffer.from((c[j] as string).slice(2), "hex");
        return c;
      }),
    );
    toBytesMs += performance.now() - t0;
  }
  return { rowsOf, toBytesMs };
}

interface Slice {
  table: Table;
  rows: Value[][];
  from: number;
  to: number;
}

/** The commits: per PER_COMMIT events in block order across the tables, each table's rows of those blocks. */
function* commits(tables: Table[], rowsOf: Map<string, Value[][]>): Generator<Slice[]> {
  const blocks = tables.flatMap((t) => t.rows.map((r) => Number(r[t.columns.indexOf("block_number")])));
  blocks.sort((a, b) => a - b);
  const bounds: number[] = [];
  for (let i = PER_COMMIT; i < blocks.length; i += PER_COMMIT) bounds.push(blocks[i]);
  bounds.push(Infinity);
  const cursor = new Map(tables.map((t) => [t.name, 0]));
  for (const upTo of bounds) {
    yield tables.map((table) => {
      const rows = rowsOf.get(table.name)!;
      const bn = table.columns.indexOf("block_number");
      const from = cursor.get(table.name)!;
      let to = from;
      while (to < rows.length && Number(rows[to][bn]) < upTo) to++;
      cursor.set(table.name, to);
      return { table, rows, from, to };
    });
  }
}

async function main(): Promise<void> {
  if (!SRC) throw new Error("SRC: a finished backfill's SQLite store");
  const tables = load();
  for (const t of tables) {
    process.stdout.write(`${t.name}: ${t.rows.length} rows, hex columns ${[...t.hexColumns].map((j) => t.columns[j]).join(", ")}; ${t.indexes.length} indexes (${t.indexes.filter((i) => WRITER_INDEXES.has(i.name)).length} kept by the writer)\n`);
  }
  const figures: Figures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const variants: Variant[] = BACKEND === "postgres" ? ["text", "bytes", "copy", "bytes-copy"] : ["text", "bytes"];
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const f = BACKEND === "postgres" ? await runPostgres(tables, v, round, PG_URL) : await runSqlite(tables, v, round);
      figures.push(f);
      process.stdout.write(JSON.stringify(f) + "\n");
    }
  }
  fs.writeFileSync(OUT, JSON.stringify({ backend: BACKEND, src: path.basename(SRC), events: tables.reduce((a, t) => a + t.rows.length, 0), figures }, null, 2));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
