/**
 * The planner's statistics. Both planners choose between the indexes of a list by how many rows they expect; with
 * no or stale statistics (a store filled by a backfill) SQLite guesses and PostgreSQL waits for autovacuum, and a
 * query can walk a whole table by the wrong index (issue 10: 424 ms before, 2 ms after ANALYZE). The indexer's store
 * refreshes them each time the index has grown by half since the last refresh ({@link createStatisticsKeeper}).
 */
import type { Db } from "./db";
import { EVENT_TABLES } from "./schema";

/** The derived tables (store/derived.ts): planned like the event tables they stand for. */
const DERIVED_TABLES = ["current_holders", "linked_trades", "trade_days", "price_days", "activity_days"] as const;

/** Rows SQLite's ANALYZE samples per index: enough for the planner's choices, bounded in time at any size. */
const SQLITE_ANALYSIS_LIMIT = 4000;

/** Refreshes the planner's statistics of every event table (SQLite `ANALYZE` with a sample limit, PostgreSQL `ANALYZE`). */
export async function refreshStatistics(db: Db): Promise<void> {
  if (db.dialect === "sqlite") {
    await db.exec(`PRAGMA analysis_limit = ${SQLITE_ANALYSIS_LIMIT}; ANALYZE`);
    return;
  }
  // by name, so that only this store's schema (the search_path's) is analysed
  await db.exec(`ANALYZE ${[...EVENT_TABLES, ...DERIVED_TABLES].join(", ")}`);
}

/** Counts rows written and refreshes the statistics when the index has grown by half since the last refresh. */
export interface StatisticsKeeper {
  /** Records `rows` written (after their commit); refreshes when due. Never throws: a failed refresh is retried later. */
  wrote(rows: number): Promise<void>;
}

/** Smallest growth worth a refresh. */
const MIN_GROWTH = 5000;

/** A keeper over `db`; `onError` hears a failed refresh. */
export function createStatisticsKeeper(db: Db, onError: (e: unknown) => void = () => undefined): StatisticsKeeper {
  let atLastRefresh = 0;
  let since = 0;
  let running: Promise<void> | undefined;
  return {
    async wrote(rows) {
      since += rows;
      if (running || since < Math.max(MIN_GROWTH, atLastRefresh / 2)) return;
      const total = atLastRefresh + since;
      running = refreshStatistics(db).then(
        () => {
          atLastRefresh = total;
          since = 0;
        },
        onError,
      );
      try {
        await running;
      } finally {
        running = undefined;
      }
    },
  };
}
