/**
 * The indexer's writes: a range's rows with its checkpoint and block hashes in one transaction, reorg rollback,
 * head/finality bookkeeping and evidence manifest results. Reads for the API are the API's own SQL.
 */
import type { Db, SqlParam, SqlValue } from "./db";
import { deriveRange, prepareRollback, rebuildDerivedTables } from "./derived";
import { markManifest, queuedBatches, type QueuedBatch } from "./manifest-queue";
import { columnType, DERIVED_SOURCE_TABLES, INDEXED_TABLES, type ColumnType, type IndexedTable } from "./schema";
import { binaryArray } from "./pg-binary-array";
import { createStatisticsKeeper } from "./statistics";
import { buildDeferredIndexes, dropDeferrableIndexes } from "./backfill-indexes";

/** A row to insert: column → value. */
export type StoreRow = Record<string, SqlValue>;

/** Per-chain progress. */
export interface Checkpoint {
  chainId: number;
  blockNumber: number;
  blockHash: string;
  blockTime: number;
  headBlock: number;
  finalizedBlock: number;
  confirmations: number;
  updatedAt: number;
}

/** A kept block header (reorg detection). */
export interface KeptBlock {
  blockNumber: number;
  blockHash: string;
  parentHash: string;
  blockTime: number;
}

/** One range to commit. */
export interface RangeWrite {
  chainId: number;
  rows: Map<IndexedTable, RowSet>;
  /** Headers to keep for reorg detection (at least the range's last block). */
  blocks: readonly KeptBlock[];
  /** The new checkpoint (the range's last block). */
  checkpoint: Checkpoint;
  /** Drop kept headers below this block, except the anchors every BLOCK_ANCHOR_INTERVAL blocks (0: keep all). */
  pruneBelow?: number;
  /** Where the pruning starts (the previous write's `pruneBelow`: older headers are anchors only). Default 0. */
  pruneFrom?: number;
}

/** An evidence batch whose manifest is still to be checked (the shared retry queue, manifest-queue.ts). */
export type PendingBatch = QueuedBatch;

/** The indexer's view of the store. */
export interface IndexStore {
  readonly db: Db;
  getCheckpoint(chainId: number): Promise<Checkpoint | undefined>;
  /** Writes rows, kept headers and the checkpoint atomically. */
  writeRange(w: RangeWrite): Promise<void>;
  /**
   * Deletes every indexed row of `chainId` above `block` and rewinds the checkpoint to it, atomically.
   * `null`: deletes every row of the chain and its checkpoint (back to the start block).
   */
  rollback(chainId: number, block: KeptBlock | null): Promise<void>;
  /** Kept headers at or below `atOrBelow`, newest first. */
  keptBlocks(chainId: number, atOrBelow: number, limit: number): Promise<KeptBlock[]>;
  /** Records the chain head and the finalized block (no effect if no checkpoint yet). */
  updateHead(chainId: number, head: number, finalized: number): Promise<void>;
  /** Records the followed contracts. */
  registerContracts(chainId: number, contracts: readonly { address: string; name: string; startBlock: number }[]): Promise<void>;
  /**
   * Batches whose manifest is to be checked: `pending` ones first, then `unavailable` ones due again at `nowSec`
   * (ms since the epoch; default now). An unavailable manifest never holds up the batches after it.
   */
  pendingBatches(chainId: number, limit: number, nowMs?: number): Promise<PendingBatch[]>;
  /**
   * Stores the outcome of a manifest check in one transaction: status, error, and (for `valid`) the items.
   * Returns false when the batch no longer exists (rolled back meanwhile).
   */
  recordManifest(
    batch: PendingBatch,
    status: "valid" | "mismatch" | "unavailable",
    error: string | null,
    items: readonly StoreRow[],
    /** For `unavailable`: when to try again (ms since the epoch). */
    retryAt?: number | null,
  ): Promise<boolean>;
  /**
   * A first backfill without the secondary indexes the writer does not read (store/backfill-indexes.ts; the store
   * has recorded it): from now on each table's deferrable indexes are dropped in the transaction of its first rows,
   * the derived tables are left alone by ranges and rollbacks (filled once at the head), and the planner-statistics
   * refreshes are held.
   */
  startDeferredBackfill(): void;
  /**
   * At the head: no more drops, the derived tables filled from the event tables (one transaction; ranges after it
   * keep them as usual) and every missing deferred index built (on PostgreSQL the fill and the builds side by side, on
   * their own connections; on SQLite one after the other), once no range is being written and with ranges asked for
   * meanwhile waiting for the end, then the statistics held
   * meanwhile refreshed (on PostgreSQL on another connection, as the refreshes during the writes; on SQLite before this
   * returns). Returns how many indexes it built. Throws what the fill or the build threw (the record stays; call it
   * again: the fill is a rebuild, and is done again only if it failed).
   */
  finishDeferredBackfill(): Promise<number>;
}

/**
 * Below the kept window, the hash of every block whose number is a multiple of this stays (the anchors a reorg
 * deeper than the window is binary-searched against, `indexer/reorg.ts`).
 */
export const BLOCK_ANCHOR_INTERVAL = 64;

const q = (c: string): string => `"${c}"`;

/** Rows of one table as positional values: `values[i][j]` is column `columns[j]` of row i. */
export interface RowSet {
  columns: readonly string[];
  values: SqlValue[][];
}

/** Converts object rows (same keys each) to a {@link RowSet}. */
export function toRowSet(rows: readonly StoreRow[]): RowSet {
  const columns = rows.length ? Object.keys(rows[0]) : [];
  return { columns, values: rows.map((r) => columns.map((c) => r[c] ?? null)) };
}

/** Inserts rows of one table (same columns each). */
export async function insertRows(db: Db, table: string, rows: readonly StoreRow[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  await insertValues(db, table, cols, rows.map((r) => cols.map((c) => r[c] ?? null)));
}

const SQLITE_CHUNK = 64;
/** Rows per PostgreSQL statement (one array parameter per column, so the statement text never changes). */
const PG_CHUNK = 5000;

/**
 * Inserts positional rows: multi-row statements on SQLite (fixed chunk sizes, so prepared statements are reused),
 * one `INSERT … SELECT unnest($1::type[]), …` per chunk on PostgreSQL. `onConflict`: a clause appended to
 * each statement (`ON CONFLICT (…) DO …`; the rows must not conflict with each other).
 */
export async function insertValues(
  db: Db,
  table: string,
  columns: readonly string[],
  values: readonly SqlValue[][],
  onConflict = "",
): Promise<void> {
  if (values.length === 0) return;
  const tail = onConflict ? ` ${onConflict}` : "";
  if (db.dialect === "postgres") return insertUnnest(db, table, columns, values, tail);
  const colSql = columns.map(q).join(", ");
  const one = `(${columns.map(() => "?").join(", ")})`;
  const per = Math.max(1, Math.min(SQLITE_CHUNK, Math.floor(32000 / columns.length)));
  const sqlFor = (n: number): string => `INSERT INTO ${table} (${colSql}) VALUES ${new Array(n).fill(one).join(", ")}${tail}`;
  const full = sqlFor(per);
  const width = columns.length;
  const params: SqlValue[] = new Array(per * width);
  let i = 0;
  for (; i + per <= values.length; i += per) {
    for (let k = 0, o = 0; k < per; k++, o += width) {
      const row = values[i + k];
      for (let j = 0; j < width; j++) params[o + j] = row[j];
    }
    await db.run(full, params);
  }
  // the remainder one row at a time (one cached statement)
  const single = sqlFor(1);
  for (; i < values.length; i++) await db.run(single, values[i]);
}

/**
 * PostgreSQL: a multi-row VALUES list with one placeholder per value made the server parse and plan a statement of
 * up to 30,000 parameters per chunk, and pg serialise each parameter separately (profiled: the bulk of a backfill's
 * time). Instead, each column travels as one array and the statement has one parameter per column: in the binary
 * format where the column's type allows (store/pg-binary-array.ts: the server copies each element instead of parsing
 * a quoted literal), else as a text literal.
 *
 * Measured (30,000 events, 250 and 1,000 a block, three batches of six alternated runs): binary arrays with unnest() in
 * the select list took a backfill's median time 7–11 % below text literals through FROM UNNEST(…), and the server's
 * CPU 0–10 %; unnest() in the select list alone made no difference to a whole backfill.
 */
async function insertUnnest(db: Db, table: string, columns: readonly string[], values: readonly SqlValue[][], tail: string): Promise<void> {
  const types = await pgColumnTypes(db, table, columns);
  // unnest() per column in the select list: evaluated in step (as a multi-argument UNNEST is), and the rows go to the
  // insert as they come rather than through a materialised function scan
  const sql = `INSERT INTO ${table} (${columns.map(q).join(", ")}) SELECT ${columns.map((c) => `unnest(?::${types.get(c)}[])`).join(", ")}${tail}`;
  for (let i = 0; i < values.length; i += PG_CHUNK) {
    const end = Math.min(values.length, i + PG_CHUNK);
    const params: SqlParam[] = new Array(columns.length);
    for (let j = 0; j < columns.length; j++) {
      const type = BINARY_TYPES.get(types.get(columns[j]) ?? "");
      params[j] = (type ? binaryArray(values, i, end, j, type) : undefined) ?? pgArrayLiteral(values, i, end, j);
    }
    await db.run(sql, params);
  }
}

/**
 * Column types by table: as store/schema.ts declares them (the migrations create exactly those), else (a table or
 * column it does not declare) from the catalogue. Asking information_schema cost a planning of ~30 ms per table and
 * process (more under load): a sizeable part of a short backfill's writes.
 */
const pgTypeCache = new Map<string, Map<string, string>>();

async function pgColumnTypes(db: Db, table: string, columns: readonly string[]): Promise<Map<string, string>> {
  let types = pgTypeCache.get(table);
  if (!types || columns.some((c) => !types!.has(c))) {
    const declared = new Map<string, string>();
    for (const c of columns) {
      const t = columnType(table, c);
      if (t) declared.set(c, t);
    }
    if (declared.size === columns.length) {
      types = new Map([...(types ?? []), ...declared]);
      pgTypeCache.set(table, types);
    }
  }
  if (!types || columns.some((c) => !types!.has(c))) {
    const rows = await db.all<{ column_name: string; udt_name: string }>(
      "SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?",
      [table],
    );
    types = new Map(rows.map((r) => [r.column_name, r.udt_name]));
    const missing = columns.filter((c) => !types!.has(c));
    if (missing.length) throw new Error(`insert into ${table}: unknown column(s) ${missing.join(", ")}`);
    pgTypeCache.set(table, types);
  }
  return types;
}

/** The schema's type of a column type as declared or as the catalogue names it (`udt_name`); others travel as literals. */
const BINARY_TYPES: ReadonlyMap<string, ColumnType> = new Map([
  ["text", "text"],
  ["integer", "integer"],
  ["int4", "integer"],
  ["bigint", "bigint"],
  ["int8", "bigint"],
]);

const PG_ARRAY_ESCAPE = /[\\"]/g;

/** Column `j` of rows [from, to) as a PostgreSQL array literal: NULL unquoted, numbers bare, text quoted. */
function pgArrayLiteral(values: readonly SqlValue[][], from: number, to: number, j: number): string {
  let out = "{";
  for (let i = from; i < to; i++) {
    const v = values[i][j];
    if (i > from) out += ",";
    if (v === null || v === undefined) out += "NULL";
    else if (typeof v === "string") out += v.indexOf("\\") < 0 && v.indexOf('"') < 0 ? `"${v}"` : `"${v.replace(PG_ARRAY_ESCAPE, "\\$&")}"`;
    else out += String(v);
  }
  return out + "}";
}

interface CheckpointRow {
  chain_id: number;
  block_number: number;
  block_hash: string;
  block_time: number;
  head_block: number;
  finalized_block: number;
  confirmations: number;
  updated_at: number;
}

const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  chainId: Number(r.chain_id),
  blockNumber: Number(r.block_number),
  blockHash: r.block_hash,
  blockTime: Number(r.block_time),
  headBlock: Number(r.head_block),
  finalizedBlock: Number(r.finalized_block),
  confirmations: Number(r.confirmations),
  updatedAt: Number(r.updated_at),
});

async function putCheckpoint(db: Db, c: Checkpoint): Promise<void> {
  await db.run(
    `INSERT INTO checkpoints (chain_id, block_number, block_hash, block_time, head_block, finalized_block, confirmations, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (chain_id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash,
       block_time = excluded.block_time, head_block = excluded.head_block, finalized_block = excluded.finalized_block,
       confirmations = excluded.confirmations, updated_at = excluded.updated_at`,
    [c.chainId, c.blockNumber, c.blockHash, c.blockTime, c.headBlock, c.finalizedBlock, c.confirmations, c.updatedAt],
  );
}

const BLOCK_HASH_COLUMNS = ["chain_id", "block_number", "block_hash", "parent_hash", "block_time"] as const;
/** A kept block written again (a range re-read after a reorg) takes the new hash. */
const BLOCK_HASH_UPSERT = `ON CONFLICT (chain_id, block_number) DO UPDATE SET block_hash = excluded.block_hash,
  parent_hash = excluded.parent_hash, block_time = excluded.block_time`;

/** The block of `chainId`'s checkpoint, or -1 before the first. */
async function checkpointBlock(db: Db, chainId: number): Promise<number> {
  const r = await db.get<{ block_number: number | string }>("SELECT block_number FROM checkpoints WHERE chain_id = ?", [chainId]);
  return r ? Number(r.block_number) : -1;
}

/** Creates the indexer's store over a migrated {@link Db}. */
export function createIndexStore(db: Db): IndexStore {
  // statistics follow the index's growth (store/statistics.ts); a failed refresh is simply retried later
  const statistics = createStatisticsKeeper(db);
  /** During a first backfill: the tables whose deferrable indexes this process has dropped (or found dropped). */
  let droppedFrom: Set<string> | undefined;
  /**
   * During a first backfill the derived tables wait for the head: kept per range they cost as much again as the
   * event inserts on PostgreSQL; filled once from the finished tables they are one set-oriented pass. The API answers
   * the pages that read them with 503 until the first backfill is over (api/derived-ready.ts).
   */
  let derivedDeferred = false;
  // The fill must see every range written before it and none half-written: ranges and rollbacks wait while it and the
  // index builds run, and they start once those in progress have committed (chains write side by side on PostgreSQL,
  // where a range written during a build would wait for its table's lock, and could deadlock with it).
  let writesActive = 0;
  let writesIdle: (() => void) | undefined;
  let held: Promise<void> | undefined;
  const asWrite = async <T>(fn: () => Promise<T>): Promise<T> => {
    while (held) await held;
    writesActive++;
    try {
      return await fn();
    } finally {
      if (--writesActive === 0) writesIdle?.();
    }
  };
  /** Holds new ranges and rollbacks and waits for those being written; returns what lets them go on. */
  const holdWrites = async (): Promise<() => void> => {
    let done!: () => void;
    held = new Promise<void>((r) => (done = r));
    while (writesActive > 0) await new Promise<void>((r) => (writesIdle = r));
    return () => {
      held = undefined;
      writesIdle = undefined;
      done();
    };
  };
  const fillDerived = async (): Promise<void> => {
    await db.transaction(async (tx) => {
      // its statements group whole tables, past PostgreSQL's JIT threshold: compiling them cost more than it saved
      // (the fill at 30,000 events took 240–360 ms with JIT, 175–195 ms without)
      if (tx.dialect === "postgres") await tx.exec("SET LOCAL jit = off");
      await rebuildDerivedTables(tx);
    });
    derivedDeferred = false;
  };
  // PostgreSQL analyses on another connection (and in the server) while the next ranges are written: awaited, each
  // refresh held the writer for its whole ANALYZE of every event table. SQLite's runs on this thread either way.
  const followStatistics = async (refresh: Promise<void>): Promise<void> => {
    if (db.dialect !== "postgres") await refresh;
  };
  return {
    db,
    async getCheckpoint(chainId) {
      const r = await db.get<CheckpointRow>("SELECT * FROM checkpoints WHERE chain_id = ?", [chainId]);
      return r ? toCheckpoint(r) : undefined;
    },
    writeRange: (w) => asWrite(async () => {
      let rows = 0;
      /** The tables the range writes rows to. */
      const written = new Set<string>();
      for (const [table, set] of w.rows) {
        rows += set.values.length;
        if (set.values.length > 0) written.add(table);
      }
      const firstRows = droppedFrom ? [...written].filter((t) => !droppedFrom!.has(t)) : [];
      await db.transaction(async (tx) => {
        if (firstRows.length) await dropDeferrableIndexes(tx, firstRows);
        // derived tables follow the rows above the previous checkpoint (store/derived.ts); read it only when needed
        const derive = !derivedDeferred && [...written].some((t) => DERIVED_SOURCE_TABLES.has(t));
        const above = derive ? await checkpointBlock(tx, w.chainId) : -1;
        for (const [table, set] of w.rows) await insertValues(tx, table, set.columns, set.values);
        if (derive) await deriveRange(tx, w.chainId, above, written);
        // one statement for all of them (a statement per block was a round trip per block on PostgreSQL)
        const kept = new Map(w.blocks.map((k) => [k.blockNumber, [w.chainId, k.blockNumber, k.blockHash, k.parentHash, k.blockTime] as SqlValue[]]));
        await insertValues(tx, "block_hashes", BLOCK_HASH_COLUMNS, [...kept.values()], BLOCK_HASH_UPSERT);
        if (w.pruneBelow && w.pruneBelow > 0) {
          await tx.run(
            `DELETE FROM block_hashes WHERE chain_id = ? AND block_number >= ? AND block_number < ? AND block_number % ${BLOCK_ANCHOR_INTERVAL} <> 0`,
            [w.chainId, w.pruneFrom ?? 0, w.pruneBelow],
          );
        }
        await putCheckpoint(tx, w.checkpoint);
      });
      for (const t of firstRows) droppedFrom?.add(t);
      await followStatistics(statistics.wrote(rows, written));
    }),
    rollback: (chainId, block) => asWrite(async () => {
      await db.transaction(async (tx) => {
        const above = block ? block.blockNumber : -1;
        // the derived tables lose what the deleted rows gave them (store/derived.ts); still unfilled, they have nothing to lose
        const rederive = derivedDeferred ? async () => undefined : await prepareRollback(tx, chainId, above);
        for (const t of INDEXED_TABLES) {
          await tx.run(`DELETE FROM ${t} WHERE chain_id = ? AND block_number > ?`, [chainId, above]);
        }
        await rederive();
        if (!block) {
          await tx.run("DELETE FROM checkpoints WHERE chain_id = ?", [chainId]);
          return;
        }
        await tx.run(
          `UPDATE checkpoints SET block_number = ?, block_hash = ?, block_time = ?,
             finalized_block = CASE WHEN finalized_block > ? THEN ? ELSE finalized_block END, updated_at = ?
           WHERE chain_id = ?`,
          [block.blockNumber, block.blockHash, block.blockTime, block.blockNumber, block.blockNumber, Date.now(), chainId],
        );
      });
    }),
    async keptBlocks(chainId, atOrBelow, limit) {
      const rows = await db.all<{ block_number: number; block_hash: string; parent_hash: string; block_time: number }>(
        `SELECT block_number, block_hash, parent_hash, block_time FROM block_hashes
         WHERE chain_id = ? AND block_number <= ? ORDER BY block_number DESC LIMIT ?`,
        [chainId, atOrBelow, limit],
      );
      return rows.map((r) => ({
        blockNumber: Number(r.block_number),
        blockHash: r.block_hash,
        parentHash: r.parent_hash,
        blockTime: Number(r.block_time),
      }));
    },
    async updateHead(chainId, head, finalized) {
      await db.run("UPDATE checkpoints SET head_block = ?, finalized_block = ?, updated_at = ? WHERE chain_id = ?", [
        head,
        finalized,
        Date.now(),
        chainId,
      ]);
    },
    async registerContracts(chainId, contracts) {
      await db.transaction(async (tx) => {
        for (const c of contracts) {
          await tx.run(
            `INSERT INTO contracts (chain_id, address, name, start_block) VALUES (?, ?, ?, ?)
             ON CONFLICT (chain_id, address) DO UPDATE SET name = excluded.name, start_block = excluded.start_block`,
            [chainId, c.address.toLowerCase(), c.name, c.startBlock],
          );
        }
      });
    },
    async pendingBatches(chainId, limit, nowMs = Date.now()) {
      return queuedBatches(db, "evidence_batches", chainId, limit, nowMs);
    },
    async recordManifest(batch, status, error, items, retryAt = null) {
      const ok = await db.transaction(async (tx) => {
        if (!(await markManifest(tx, "evidence_batches", batch, status, error, retryAt))) return false;
        if (status === "valid") await insertRows(tx, "evidence_items", items);
        return true;
      });
      if (ok) await statistics.wrote(items.length, ["evidence_items"]);
      return ok;
    },
    startDeferredBackfill() {
      droppedFrom ??= new Set();
      derivedDeferred = true;
      statistics.hold();
    },
    async finishDeferredBackfill() {
      droppedFrom = undefined; // a table written from now on keeps its indexes (and a build running is not undone)
      const release = await holdWrites();
      try {
        // the fill on PostgreSQL beside the builds (backfill-indexes.ts), before them on SQLite
        return await buildDeferredIndexes(db, derivedDeferred ? { beside: fillDerived } : {});
      } finally {
        release();
        await followStatistics(statistics.release());
      }
    },
  };
}
