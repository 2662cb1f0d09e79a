/**
 * The planner's statistics. Both planners choose between the indexes of a list by how many rows they expect; with
 * no or stale statistics (a store filled by a backfill) SQLite guesses and PostgreSQL waits for autovacuum, and a
 * query can walk a whole table by the wrong index (issue 10: 424 ms before, 2 ms after ANALYZE). The indexer's store
 * refreshes them each time the index has grown by half since the last refresh ({@link createStatisticsKeeper}): the
 * first time every table, then the tables written since (a table no row was written to has the statistics it had).
 */
import type { Db } from "./db";
import { DERIVED_SOURCE_TABLES, DERIVED_TABLES, EVENT_TABLES } from "./schema";

/** Rows SQLite's ANALYZE samples per index: enough for the planner's choices, bounded in time at any size. */
const SQLITE_ANALYSIS_LIMIT = 4000;

const ALL_TABLES: readonly string[] = [...EVENT_TABLES, ...DERIVED_TABLES];

/**
 * Refreshes the planner's statistics (SQLite `ANALYZE` with a sample limit, PostgreSQL `ANALYZE`) of every event and
 * derived table, or of `tables` (names of event tables; the derived tables follow their sources).
 */
export async function refreshStatistics(db: Db, tables?: ReadonlySet<string>): Promise<void> {
  const names = tables
    ? ALL_TABLES.filter((t) => tables.has(t) || ((DERIVED_TABLES as readonly string[]).includes(t) && [...tables].some((s) => DERIVED_SOURCE_TABLES.has(s))))
    : ALL_TABLES;
  if (names.length === 0) return;
  if (db.dialect === "sqlite") {
    await db.exec(`PRAGMA analysis_limit = ${SQLITE_ANALYSIS_LIMIT}; ${tables ? names.map((t) => `ANALYZE ${t}`).join("; ") : "ANALYZE"}`);
    return;
  }
  // By name, so that only this store's schema (the search_path's) is analysed; in one transaction, as outside one
  // each table's statistics were committed (and the WAL flushed) on their own.
  await db.transaction((tx) => tx.exec(`ANALYZE ${names.join(", ")}`));
}

/** Counts rows written and refreshes the statistics when the index has grown by half since the last refresh. */
export interface StatisticsKeeper {
  /**
   * Records `rows` written (after their commit) to `tables` (default: any); refreshes when due: the first refresh of
   * the process every table, later ones the tables written since the last. Never throws: a failed refresh is retried
   * later.
   */
  wrote(rows: number, tables?: Iterable<string>): Promise<void>;
  /**
   * Holds the refreshes (a first backfill without its secondary indexes, store/backfill-indexes.ts: statistics of
   * tables still growing, refreshed on the writer's heels, are stale at the head anyway) while the writes are counted.
   */
  hold(): void;
  /** Ends a hold: refreshes now if the growth since the last refresh made one due (the first time, every table). Never throws. */
  release(): Promise<void>;
}

/** Smallest growth worth a refresh. */
const MIN_GROWTH = 5000;

/** A keeper over `db`; `onError` hears a failed refresh. */
export function createStatisticsKeeper(db: Db, onError: (e: unknown) => void = () => undefined): StatisticsKeeper {
  let atLastRefresh = 0;
  let since = 0;
  let running: Promise<void> | undefined;
  /** Tables written since the last refresh; undefined: every table is due (no refresh yet, or a write naming none). */
  let written: Set<string> | undefined;
  let held = false;
  const due = (): boolean => since >= Math.max(MIN_GROWTH, atLastRefresh / 2);
  const refresh = async (): Promise<void> => {
    const total = atLastRefresh + since;
    const tables = written;
    written = new Set();
    running = refreshStatistics(db, tables).then(
      () => {
        atLastRefresh = total;
        since = 0;
      },
      (e) => {
        written = undefined; // retried later, for every table
        onError(e);
      },
    );
    try {
      await running;
    } finally {
      running = undefined;
    }
  };
  return {
    async wrote(rows, tables) {
      since += rows;
      if (!tables) written = undefined;
      else if (written) for (const t of tables) written.add(t);
      if (held || running || !due()) return;
      await refresh();
    },
    hold() {
      held = true;
    },
    async release() {
      held = false;
      if (running) await running; // settles, never rejects (a failure goes to onError)
      if (due()) await refresh();
    },
  };
}
