/**
 * Secondary indexes left out during a first backfill and built once it reaches the head (as Ponder does, and as the
 * API benchmark's bulk load does). Measured: inserting the benchmark's rows with every index cost 48 µs a row on
 * SQLite and 75 on PostgreSQL (client time, the server's included), against 17 and 40 without the secondary indexes;
 * building an index once over the finished table is a sort, far cheaper than keeping it row by row.
 *
 * Which: every index of a table the event handlers write, except those the indexer's own SQL reads while it writes
 * ({@link WRITER_INDEXES}: the derived tables' upkeep, a rollback, the manifest and receipt verifiers). The API reads
 * the same rows without them, more slowly (a scan where an index would have served): slower during the first
 * backfill, never wrong.
 *
 * Meanwhile an SQLite writer keeps a smaller page cache ({@link SQLITE_BACKFILL_CACHE_KIB}).
 *
 * When: only on a store without indexed rows (no checkpoint, every handler table empty), so a store that already
 * serves an index never loses one. A `meta` row records the first backfill; a table's deferrable indexes are dropped
 * with its first rows, in the transaction that writes them ({@link dropDeferrableIndexes}, from the index store), so
 * a table no event of the chain touches keeps its indexes and costs no build (most of the handler tables, on most
 * chains: in the benchmark, 57 of the 86 builds were of tables it never writes). A start that finds the row (a process killed
 * during its first backfill) goes on the same way; the build — every deferred index that is missing, then the row
 * deleted — runs once every chain has reached its head. A crash or a failure during the build leaves the row, and the
 * next build creates what is missing.
 */
import type { Db } from "./db";
import { currentIndexes, type CurrentIndex } from "./migrations";
import { SCHEMA, type TableName } from "./schema";
import { SQLITE_BACKFILL_CACHE_KIB, SQLITE_CACHE_KIB } from "./sqlite";

/**
 * The indexes the writer's own statements read, kept during a backfill (each named in the schema; a test holds the
 * names to it):
 * - `assets_asset_key`, `holdings_asset_key`: current holders (an asset's latest registration, its latest holdings row
 *   after it) and a trade's asset kind as registered (store/derived.ts);
 * - `trades_trade`, `trades_linked`: the linked trades, kept and recomputed by trade id and by link (derived.ts);
 * - `cross_border_trades_trade`: a trade's destination in the daily totals (derived.ts);
 * - `freezes_asset_key`, `pledge_locks_asset_key`: whether an asset is frozen or pledged now, `asset_locks` (derived.ts);
 * - `evidence_batches_status`, `receipt_batches_status_key`: the manifest verifiers' queue (manifest-queue.ts);
 * - `licences_licence`, `licence_revocations_licence`, `receipt_operators_pair`: the receipt verifier's reads of the
 *   licences and operators a receipt names (receipt-store.ts).
 * Everything else of the handler tables serves the API only.
 */
export const WRITER_INDEXES: ReadonlySet<string> = new Set([
  "assets_asset_key",
  "holdings_asset_key",
  "trades_trade",
  "trades_linked",
  "cross_border_trades_trade",
  "freezes_asset_key",
  "pledge_locks_asset_key",
  "evidence_batches_status",
  "receipt_batches_status_key",
  "licences_licence",
  "licence_revocations_licence",
  "receipt_operators_pair",
]);

/** The `meta` key whose row says the deferrable indexes are missing on purpose (its value: when they were dropped). */
export const DEFERRED_INDEXES_KEY = "backfill_indexes_deferred";

/** Tables whose rows the event handlers write (the rows a backfill brings). */
export const HANDLER_TABLES = (Object.keys(SCHEMA) as TableName[]).filter((t) => {
  const def = SCHEMA[t];
  return def.kind === "event" && def.writer === "handler";
});

/** The indexes a first backfill goes without (current DDL, from the migrations). */
export function deferrableIndexes(): CurrentIndex[] {
  const handled = new Set<string>(HANDLER_TABLES);
  return currentIndexes().filter((i) => handled.has(i.table) && !WRITER_INDEXES.has(i.name));
}

/** Whether the store's deferrable indexes are missing on purpose (the `meta` row). */
export async function indexesDeferred(db: Db): Promise<boolean> {
  return (await db.get("SELECT value FROM meta WHERE key = ?", [DEFERRED_INDEXES_KEY])) !== undefined;
}

/** No checkpoint and no row in any handler table. */
async function holdsNoRows(db: Db): Promise<boolean> {
  if (await db.get("SELECT 1 AS x FROM checkpoints LIMIT 1")) return false;
  for (const t of HANDLER_TABLES) if (await db.get(`SELECT 1 AS x FROM ${t} LIMIT 1`)) return false;
  return true;
}

/**
 * At the start of an indexer: records the first backfill of a store that holds no indexed rows, and returns whether
 * the store is in one (now, or since an earlier start): its tables then go without their deferrable indexes from
 * their first rows ({@link dropDeferrableIndexes}) until {@link buildDeferredIndexes}. `recordNew: false` (an indexer
 * told to keep every index) records none, but a first backfill already recorded still goes on: its missing indexes
 * and the derived tables it left to the head are built there.
 */
export async function deferIndexesIfEmpty(db: Db, options: { recordNew?: boolean } = {}): Promise<boolean> {
  const deferred = await db.transaction(async (tx) => {
    if (await indexesDeferred(tx)) return true;
    if (options.recordNew === false || !(await holdsNoRows(tx))) return false;
    await tx.run("INSERT INTO meta (key, value) VALUES (?, ?)", [DEFERRED_INDEXES_KEY, new Date().toISOString()]);
    return true;
  });
  if (deferred && db.dialect === "sqlite") await db.exec(`PRAGMA cache_size = -${SQLITE_BACKFILL_CACHE_KIB}`);
  return deferred;
}

/**
 * During a first backfill, in the transaction that writes the first rows of `tables`: drops their deferrable indexes
 * (those already gone are skipped: a restart during the backfill asks again).
 */
export async function dropDeferrableIndexes(tx: Db, tables: Iterable<string>): Promise<void> {
  const written = new Set(tables);
  for (const i of deferrableIndexes()) if (written.has(i.table)) await tx.exec(`DROP INDEX IF EXISTS ${i.name}`);
}

/** The names of the store's indexes. */
async function existingIndexes(db: Db): Promise<Set<string>> {
  const rows =
    db.dialect === "sqlite"
      ? await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")
      : await db.all<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()");
  return new Set(rows.map((r) => r.name));
}

/**
 * PostgreSQL builds the indexes on this many pool connections at once (a transaction each): one after another, the
 * 88 builds of a 30,000-event backfill took ~0.23 s, most of it per-statement work that a second core can share.
 */
const PG_BUILDERS = 3;

/** Options of {@link buildDeferredIndexes}. */
export interface BuildDeferredIndexesOptions {
  /**
   * The rest of the first backfill's end (the index store's fill of the derived tables), which must have succeeded
   * before the `meta` row goes: SQLite runs it before the builds, PostgreSQL beside them, on a connection of its own.
   */
  beside?: () => Promise<void>;
}

/**
 * Builds every deferred index that is missing, then deletes the `meta` row. Returns how many it built. SQLite: one
 * transaction. PostgreSQL: a few transactions at once, the row deleted once all have committed, so a failure leaves
 * the row and some indexes built; the next build creates the rest.
 *
 * On PostgreSQL `beside` runs while the indexes are built: the fill is one statement after another on one connection,
 * and left a core idle at the head when it ran first (at 30,000 events the fill took 0.19–0.20 s and the builds
 * 0.24–0.28 s after it; side by side, both took 0.37–0.41 s). It reads the event tables being indexed and writes
 * the derived tables, which keep their indexes: its reads do not conflict with CREATE INDEX's lock.
 */
export async function buildDeferredIndexes(db: Db, options: BuildDeferredIndexesOptions = {}): Promise<number> {
  const existing = await existingIndexes(db);
  const list = deferrableIndexes().filter((i) => !existing.has(i.name));
  if (db.dialect === "sqlite") {
    await options.beside?.();
    await db.exec(`PRAGMA cache_size = -${SQLITE_CACHE_KIB}`); // the full cache again: for the build's sorts and the API
    await db.transaction(async (tx) => {
      for (const i of list) await tx.exec(i.sql);
      await tx.run("DELETE FROM meta WHERE key = ?", [DEFERRED_INDEXES_KEY]);
    });
    return list.length;
  }
  const parts = Array.from({ length: PG_BUILDERS }, (_, k) => list.filter((_, i) => i % PG_BUILDERS === k));
  // every part settled before a failure is thrown: a retry must not race a build still running
  const outcomes = await Promise.allSettled([
    ...(options.beside ? [options.beside()] : []),
    ...parts.map((part) =>
      db.transaction(async (tx) => {
        for (const i of part) await tx.exec(i.sql);
      }),
    ),
  ]);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failed) throw failed.reason;
  await db.run("DELETE FROM meta WHERE key = ?", [DEFERRED_INDEXES_KEY]);
  return list.length;
}
