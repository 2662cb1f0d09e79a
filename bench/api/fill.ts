/**
 * Bulk fill of an API benchmark store (issue 10): the synthetic market's rows (test/helpers/synthetic-market.ts) and
 * N evidence items in anchored batches of 10,000, exactly the rows the indexer writes, in minutes rather than hours.
 *
 * - Secondary indexes are dropped for the load and built once after it; the planner's statistics are then refreshed
 *   with the store's own `refreshStatistics`.
 * - SQLite: the store's own insert path (`insertValues`: prepared multi-row statements) in one transaction per
 *   table group, with the journal in memory and syncs off for the load (a fresh file: a crash loses only the bench
 *   store), index builds sorting on 2 threads, WAL restored afterwards as the store opens it.
 * - PostgreSQL: COPY … WITH (FREEZE) (pg-copy-streams) on a connection with `synchronous_commit = off`, each table
 *   group in one transaction that truncates its (empty) tables first, as FREEZE requires.
 * - Evidence batches are built in worker threads (bench/api/evidence-worker.ts: hash-wasm keccak, the tree level by
 *   level in one typed array) while the main thread writes. Batch 0 is first built again through the indexer's real
 *   path (digest `buildManifest` → indexer `checkManifest`) and compared column by column; after the load, sampled
 *   items are read back and verified with OpenZeppelin's `StandardMerkleTree.verify` against their batch's root.
 *   Either failing aborts the fill.
 * - The derived tables the indexer's store keeps with each range (current holders, per-day totals) are built once
 *   after the indexes with the store's `rebuildDerived`.
 *
 * Standalone (times a fill, appends its figures to bench/results/api-fill.json, drops the store):
 *   nice -n 10 node -r ts-node/register/transpile-only bench/api/fill.ts --items 10000000 --backend sqlite|postgres [--workers 2] [--keep]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, keccak256 } from "ethers";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { startProgress, type Progress } from "../../service/src/cli/progress";
import { buildManifest } from "../../service/src/digest";
import { checkManifest } from "../../service/src/indexer/manifests";
import { createPostgresDb, createSqliteDb, dropPostgresSchema, insertValues, migrate, rebuildDerived, refreshStatistics, type Db, type SqlValue } from "../../service/src/store";
import { EVENT_TABLES } from "../../service/src/store/schema";
import type { PendingBatch } from "../../service/src/store/index-store";
import { marketRows } from "../../test/helpers/synthetic-market";
import { ANCHOR, BATCH_COLUMNS, buildBatchColumns, CHAIN_ID, createKeccak256, ITEM_COLUMNS, itemRows, keccakMatchesEthers, proofOf, type BatchColumns } from "./evidence-rows";
import { startBatchBuilders } from "./evidence-worker";

/** What to fill. */
export interface FillOptions {
  /** Evidence items. */
  items: number;
  /** Trades of the synthetic market (its assets, holdings, licences … follow from it). */
  trades: number;
  /** Items per anchored batch (default 10,000). */
  batchSize?: number;
  /** Worker threads building batches (default 2). */
  workers?: number;
  /** Where to write "digest root" lines of sampled items (the load generator's lookups). */
  sampleFile: string;
  sampleSize: number;
  /** PostgreSQL only: the store's URL and schema, for the COPY connection. */
  pg?: { url: string; schema: string };
  /** Sampled items verified against their root after the load (default 50). */
  verifySample?: number;
  log: (msg: string) => void;
  /** Progress bars on stderr (default true). */
  progress?: boolean;
}

/** Times (s) and counts of a fill. */
export interface FillResult {
  marketRows: number;
  marketSeconds: number;
  evidenceSeconds: number;
  indexSeconds: number;
  /** `rebuildDerived`: current holders and per-day totals from the loaded rows. */
  derivedSeconds: number;
  statisticsSeconds: number;
  verifySeconds: number;
  totalSeconds: number;
  lastBlock: number;
  /** Items checked column by column against checkManifest, and items verified against their root after the load. */
  crossChecked: number;
  verified: number;
}

const q = (c: string): string => `"${c}"`;
const seconds = (since: number): number => (performance.now() - since) / 1000;

/** Secondary indexes' DDL, so that they can be dropped for the load and built once after it. */
async function secondaryIndexes(db: Db): Promise<{ name: string; sql: string }[]> {
  if (db.dialect === "sqlite") {
    return db.all<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
  }
  return db.all<{ name: string; sql: string }>(
    "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey'",
  );
}

/** A value as COPY text. */
function copyValue(v: SqlValue | undefined): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v !== "string") return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r") : v;
}

/**
 * COPYs `chunks` (each already COPY text) into `table` with FREEZE: the caller's transaction truncated the table (see
 * {@link frozenLoad}), so the rows are written frozen and all-visible, as autovacuum leaves a live store's settled
 * rows. Without it the first readers set every row's hint bits and autovacuum rescans the tables while the API is
 * measured (at 10M items: list p50s 3–10× those at 1M on the same 1M trades).
 */
async function copyInto(client: pg.Client, table: string, columns: readonly string[], chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.map(q).join(", ")}) FROM STDIN WITH (FREEZE)`));
  await pipeline(Readable.from(chunks, { objectMode: false }), stream);
}

/** Runs `load` in one transaction that first truncates `tables` (empty: this is what COPY FREEZE requires). */
async function frozenLoad<T>(client: pg.Client, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query(`TRUNCATE ${tables.join(", ")}`);
    const r = await load();
    await client.query("COMMIT");
    return r;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}

const bar = (o: FillOptions, label: string, total: number): Progress => startProgress(label, total, "items", o.progress === false);

/** The synthetic market's rows. Returns the row count. */
async function fillMarket(db: Db, client: pg.Client | undefined, o: FillOptions): Promise<number> {
  let rows = 0;
  const progress = bar(o, "market trades", o.trades);
  const chunks = marketRows({ trades: o.trades, items: 0 });
  let trades = 0;
  if (client) {
    await frozenLoad(client, EVENT_TABLES.filter((t) => !t.startsWith("evidence_")), async () => {
      for (const c of chunks) {
        await copyInto(client, c.table, c.columns, [c.values.map((r) => r.map(copyValue).join("\t")).join("\n") + "\n"]);
        rows += c.values.length;
        if (c.table === "trades") progress.update((trades += c.values.length));
      }
    });
  } else {
    await db.transaction(async (tx) => {
      for (const c of chunks) {
        await insertValues(tx, c.table, c.columns, c.values);
        rows += c.values.length;
        if (c.table === "trades") progress.update((trades += c.values.length));
      }
    });
  }
  progress.stop();
  return rows;
}

/** Builds batch 0 through the indexer's own path (buildManifest → checkManifest) and compares every column. */
async function crossCheckFirstBatch(batchSize: number): Promise<number> {
  const h = await createKeccak256();
  if (!keccakMatchesEthers(h)) throw new Error("hash-wasm keccak-256 differs from ethers' keccak256");
  const c = buildBatchColumns(h, 0, batchSize, 1);
  const built = buildManifest(c.digests.map((d, k) => ({ digest: d, assetId: c.assets[k] as string, label: c.labels[k] as string })));
  if (built.manifest.root !== c.root) throw new Error(`bench root ${c.root} != buildManifest root ${built.manifest.root}`);
  const b = Object.fromEntries(BATCH_COLUMNS.map((col, j) => [col, c.batch[j]]));
  const pending: PendingBatch = {
    chainId: Number(b.chain_id), blockNumber: Number(b.block_number), logIndex: 0, contract: String(b.contract), txHash: String(b.tx_hash),
    blockTime: Number(b.block_time), root: c.root, leafCount: batchSize, manifestCid: String(b.manifest_cid),
    manifestStatus: "pending", manifestAttempts: 0, manifestCheckedAt: null,
  };
  const check = checkManifest(pending, built.bytes);
  if (check.status !== "valid") throw new Error(`checkManifest: ${check.status} ${check.error}`);
  const rows = itemRows(c);
  check.items.forEach((real, k) => {
    const cols = Object.keys(real);
    if (cols.join() !== ITEM_COLUMNS.join()) throw new Error(`checkManifest writes columns ${cols.join()}, the bench ${ITEM_COLUMNS.join()}`);
    ITEM_COLUMNS.forEach((col, j) => {
      const v = (real as Record<string, unknown>)[col];
      if (rows[k]![j] !== v) throw new Error(`item ${k} column ${col}: bench ${String(rows[k]![j])} != indexer ${String(v)}`);
    });
  });
  return check.items.length;
}

/** Rows per statement: the store's `insertValues` SQLite chunk (64 rows), its statement text. */
const SQLITE_ROWS = 64;
const itemsSql = (rows: number): string =>
  `INSERT INTO evidence_items (${ITEM_COLUMNS.map(q).join(", ")}) VALUES ${new Array(rows).fill(`(${ITEM_COLUMNS.map(() => "?").join(", ")})`).join(", ")}`;
const ITEMS_SQL = itemsSql(SQLITE_ROWS);
const ITEM_SQL = itemsSql(1);
const itemParams: SqlValue[] = new Array(SQLITE_ROWS * ITEM_COLUMNS.length);

/**
 * A batch's items on SQLite: `insertValues`' statements (64 rows each, the remainder one by one), with the
 * parameters filled straight from the batch's columns instead of a row array per item.
 */
async function insertItems(tx: Db, c: BatchColumns): Promise<void> {
  const n = c.digests.length;
  const width = ITEM_COLUMNS.length;
  const fill = (params: SqlValue[], o: number, k: number): void => {
    params[o] = CHAIN_ID;
    params[o + 1] = ANCHOR;
    params[o + 2] = c.block;
    params[o + 3] = 0;
    params[o + 4] = c.txHash;
    params[o + 5] = c.blockTime;
    params[o + 6] = c.root;
    params[o + 7] = k;
    params[o + 8] = c.treeIndex[k] as number;
    params[o + 9] = c.digests[k] as string;
    params[o + 10] = c.assets[k] as string;
    params[o + 11] = c.labels[k] as string;
    params[o + 12] = c.leaves[k] as string;
    params[o + 13] = proofOf(c, k);
  };
  let k = 0;
  for (; k + SQLITE_ROWS <= n; k += SQLITE_ROWS) {
    for (let r = 0; r < SQLITE_ROWS; r++) fill(itemParams, r * width, k + r);
    await tx.run(ITEMS_SQL, itemParams);
  }
  const one: SqlValue[] = new Array(width);
  for (; k < n; k++) {
    fill(one, 0, k);
    await tx.run(ITEM_SQL, one);
  }
}

/** N evidence items in batches; returns the last block. */
async function fillEvidence(db: Db, client: pg.Client | undefined, o: FillOptions): Promise<number> {
  const batchSize = o.batchSize ?? 10_000;
  const count = Math.ceil(o.items / batchSize);
  const perBatch = Math.max(1, Math.ceil(o.sampleSize / count));
  const builders = await startBatchBuilders(Math.max(1, o.workers ?? 2), client ? "copy" : "columns");
  const sample = fs.openSync(o.sampleFile, "w");
  const progress = bar(o, "evidence items", o.items);
  let done = 0;
  const batches = builders.batches(count, (i) => {
    const first = i * batchSize;
    return { first, n: Math.min(batchSize, o.items - first), block: i + 1, samples: perBatch };
  });
  const batchRows: BatchColumns["batch"][] = [];
  let waited = 0; // ms the writer waited for the builders
  try {
    if (client) {
      async function* items(): AsyncGenerator<Uint8Array> {
        let t = performance.now();
        for await (const b of batches) {
          waited += performance.now() - t;
          fs.writeSync(sample, b.sample);
          batchRows.push(b.batch);
          yield b.copy!;
          progress.update((done += Number(b.batch[BATCH_COLUMNS.indexOf("leaf_count")])));
          t = performance.now();
        }
      }
      await frozenLoad(client, ["evidence_items", "evidence_batches"], async () => {
        await copyInto(client, "evidence_items", ITEM_COLUMNS, items());
        await copyInto(client, "evidence_batches", BATCH_COLUMNS, [batchRows.map((r) => r.map(copyValue).join("\t")).join("\n") + "\n"]);
      });
    } else {
      await db.transaction(async (tx) => {
        let t = performance.now();
        for await (const b of batches) {
          waited += performance.now() - t;
          fs.writeSync(sample, b.sample);
          await insertValues(tx, "evidence_batches", BATCH_COLUMNS, [b.batch]);
          await insertItems(tx, b.columns!);
          progress.update((done += b.columns!.digests.length));
          t = performance.now();
        }
      });
    }
  } finally {
    progress.stop();
    o.log(`  evidence: the writer waited ${(waited / 1000).toFixed(1)} s for batches`);
    fs.closeSync(sample);
    await builders.close();
  }
  return count;
}

/** Reads sampled items back and verifies each with OpenZeppelin's StandardMerkleTree against its batch's root. */
async function verifySample(db: Db, o: FillOptions): Promise<number> {
  const lines = fs.readFileSync(o.sampleFile, "utf8").split("\n").filter(Boolean);
  const picks = Array.from({ length: Math.min(o.verifySample ?? 50, lines.length) }, (_, i) => lines[Math.floor((i * lines.length) / Math.min(o.verifySample ?? 50, lines.length))]!);
  let verified = 0;
  for (const line of picks) {
    const [digest, root] = line.split(" ") as [string, string];
    const item = await db.get<{ asset_id: string; leaf_hash: string; proof: string; batch_root: string; block_number: number; chain_id: number; log_index: number }>(
      "SELECT chain_id, block_number, log_index, batch_root, asset_id, leaf_hash, proof FROM evidence_items WHERE item_digest = ?",
      [digest],
    );
    if (!item || item.batch_root !== root) throw new Error(`item ${digest}: not found in batch ${root}`);
    const batch = await db.get<{ root: string; manifest_status: string }>(
      "SELECT root, manifest_status FROM evidence_batches WHERE chain_id = ? AND block_number = ? AND log_index = ?",
      [item.chain_id, item.block_number, item.log_index],
    );
    if (!batch || batch.root !== root || batch.manifest_status !== "valid") throw new Error(`item ${digest}: its batch row is ${JSON.stringify(batch)}`);
    const proof = (item.proof.slice(2).match(/.{64}/g) ?? []).map((h) => `0x${h}`);
    const value: [string, string] = [digest, item.asset_id];
    if (keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], value))) !== item.leaf_hash) throw new Error(`item ${digest}: stored leaf hash differs`);
    if (!StandardMerkleTree.verify(root, ["bytes32", "uint256"], value, proof)) throw new Error(`item ${digest}: stored proof does not verify against ${root}`);
    verified++;
  }
  return verified;
}

/** Fills `db` (fresh, not migrated). */
export async function fillStore(db: Db, o: FillOptions): Promise<FillResult> {
  const t0 = performance.now();
  await migrate(db);
  const indexes = await secondaryIndexes(db);
  for (const i of indexes) await db.exec(`DROP INDEX ${i.name}`);
  let client: pg.Client | undefined;
  if (db.dialect === "postgres") {
    if (!o.pg) throw new Error("fillStore: PostgreSQL needs o.pg for COPY");
    client = new pg.Client({ connectionString: o.pg.url, options: `-c search_path=${o.pg.schema} -c synchronous_commit=off` });
    await client.connect();
  } else {
    // index builds sort with a helper thread where SQLite was built with them (PRAGMA threads)
    // better-sqlite3's defensive mode refuses journal_mode = OFF; on a fresh file MEMORY journals next to nothing
    await db.exec("PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA threads = 2");
    const mode = await db.get<{ journal_mode: string }>("PRAGMA journal_mode");
    if (mode?.journal_mode !== "memory") o.log(`  (journal_mode stays ${String(mode?.journal_mode)})`);
  }
  try {
    const crossChecked = await crossCheckFirstBatch(Math.min(o.batchSize ?? 10_000, o.items));
    const tm = performance.now();
    const rows = await fillMarket(db, client, o);
    const marketSeconds = seconds(tm);
    o.log(`  market: ${rows} rows in ${marketSeconds.toFixed(1)} s`);
    const te = performance.now();
    const lastBlock = o.items > 0 ? await fillEvidence(db, client, o) : 0;
    const evidenceSeconds = seconds(te);
    o.log(`  evidence: ${o.items} items in ${evidenceSeconds.toFixed(1)} s (${Math.round(o.items / evidenceSeconds)}/s)`);
    const ti = performance.now();
    if (db.dialect === "sqlite") {
      for (const i of indexes) await db.exec(i.sql);
      await db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
    } else {
      await client!.query("SET maintenance_work_mem = '512MB'");
      for (const i of indexes) await client!.query(i.sql);
    }
    const indexSeconds = seconds(ti);
    // the derived tables the indexer's store keeps per range (current holders, per-day totals), built once
    const td = performance.now();
    await rebuildDerived(db);
    const derivedSeconds = seconds(td);
    const ts = performance.now();
    await refreshStatistics(db);
    const statisticsSeconds = seconds(ts);
    o.log(`  indexes ${indexSeconds.toFixed(1)} s, derived tables ${derivedSeconds.toFixed(1)} s, statistics ${statisticsSeconds.toFixed(1)} s`);
    const tv = performance.now();
    const verified = o.items > 0 ? await verifySample(db, o) : 0;
    const verifySeconds = seconds(tv);
    o.log(`  ${crossChecked} items of batch 0 equal checkManifest's rows; ${verified} sampled items verify against their root`);
    return {
      marketRows: rows, marketSeconds, evidenceSeconds, indexSeconds, derivedSeconds, statisticsSeconds, verifySeconds,
      totalSeconds: seconds(t0), lastBlock, crossChecked, verified,
    };
  } finally {
    await client?.end();
  }
}

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
}

async function main(): Promise<void> {
  const items = Number(arg("items", "1000000"));
  const backend = arg("backend", "sqlite");
  const pgUrl = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `bench_fill_${items}`;
  const file = path.join(os.tmpdir(), `shuquan-bench-fill-${items}.sqlite`);
  const files = [file, `${file}-wal`, `${file}-shm`];
  const log = (m: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  let db: Db;
  if (backend === "postgres") {
    await dropPostgresSchema(pgUrl, schema);
    db = await createPostgresDb(pgUrl, { schema });
  } else {
    for (const f of files) fs.rmSync(f, { force: true });
    db = createSqliteDb(file);
  }
  const load = os.loadavg().map((x) => x.toFixed(2));
  try {
    const r = await fillStore(db, {
      items, trades: Math.min(items, Number(arg("trades", "1000000"))), workers: Number(arg("workers", "2")),
      sampleFile: path.join(os.tmpdir(), `shuquan-bench-fill-sample-${backend}-${items}.txt`), sampleSize: 20_000,
      ...(backend === "postgres" ? { pg: { url: pgUrl, schema } } : {}), log,
    });
    const record = { backend, items, at: new Date().toISOString(), loadBefore: load, loadAfter: os.loadavg().map((x) => x.toFixed(2)), ...r };
    process.stdout.write(JSON.stringify(record) + "\n");
    // standalone fills are kept beside the API figures (bench/results/api-fill.json, newest last)
    const file = path.resolve(__dirname, "../results/api-fill.json");
    const prior = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { fills: unknown[] }).fills : [];
    fs.writeFileSync(file, JSON.stringify({ fills: [...prior, record] }, null, 2) + "\n");
  } finally {
    await db.close();
    if (!process.argv.includes("--keep")) {
      if (backend === "postgres") await dropPostgresSchema(pgUrl, schema);
      else for (const f of files) fs.rmSync(f, { force: true });
    }
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
