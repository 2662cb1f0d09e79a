/**
 * The planner's statistics follow the index's growth (store/statistics.ts): refreshed once the index has grown by
 * half since the last refresh (and by at least 5,000 rows), on both backends.
 */
import { expect } from "chai";
import { insertValues, type Db } from "../../../service/src/store";
import { createStatisticsKeeper, type StatisticsKeeper } from "../../../service/src/store/statistics";
import { BACKENDS } from "../../helpers/backends";
import { marketRows } from "../../helpers/synthetic-market";

/** Whether the planner has statistics of `trades`. */
async function analysed(db: Db): Promise<boolean> {
  if (db.dialect === "sqlite") {
    const stat = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'");
    if (!stat?.n) return false;
    return ((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'trades'"))?.n ?? 0) > 0;
  }
  const r = await db.get<{ t: number }>("SELECT reltuples AS t FROM pg_class WHERE oid = 'trades'::regclass");
  return Number(r?.t) > 0;
}

/** The row count the planner's statistics hold for `table` (undefined: none). */
async function statRows(db: Db, table: string): Promise<number | undefined> {
  if (db.dialect === "sqlite") {
    const r = await db.get<{ stat: string }>("SELECT stat FROM sqlite_stat1 WHERE tbl = ? LIMIT 1", [table]);
    return r ? Number(r.stat.split(" ")[0]) : undefined;
  }
  const r = await db.get<{ t: number }>("SELECT reltuples AS t FROM pg_class WHERE oid = ?::regclass", [table]);
  return r && Number(r.t) >= 0 ? Number(r.t) : undefined;
}

async function count(db: Db, table: string): Promise<number> {
  return (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
}

/** Writes a 3,000-trade market straight into the tables (no statistics refreshed); the number of rows. */
async function fillMarket(db: Db): Promise<number> {
  let written = 0;
  for (const c of marketRows({ trades: 3000, items: 0 })) {
    await insertValues(db, c.table, c.columns, c.values);
    written += c.values.length;
  }
  return written;
}

for (const backend of BACKENDS) {
  describe(`Planner statistics (${backend.name})`, function () {
    this.timeout(60_000);

    /** Runs `test` on a fresh store with a keeper whose failed refreshes fail the test. */
    async function withKeeper(test: (db: Db, keeper: StatisticsKeeper) => Promise<void>): Promise<void> {
      const opened = await backend.open();
      try {
        await test(
          opened.db,
          createStatisticsKeeper(opened.db, (e) => {
            throw e;
          }),
        );
      } finally {
        await opened.cleanup();
      }
    }

    it("should refresh the statistics once the index has grown enough, and not for every small write", async () => {
      await withKeeper(async (db, keeper) => {
        const written = await fillMarket(db);
        expect(written).to.be.greaterThan(5000);
        await keeper.wrote(100);
        expect(await analysed(db), "refreshed after 100 rows").to.equal(false);
        await keeper.wrote(written - 100);
        expect(await analysed(db), "refreshed once the growth is due").to.equal(true);
      });
    });

    it("should hold the refreshes (a first backfill) whatever the growth, and refresh once released", async () => {
      await withKeeper(async (db, keeper) => {
        keeper.hold();
        const written = await fillMarket(db);
        await keeper.wrote(written, ["trades"]);
        await keeper.wrote(written, ["trades"]);
        expect(await analysed(db), "held").to.equal(false);
        await keeper.release();
        expect(await statRows(db, "trades"), "released: trades").to.equal(await count(db, "trades"));
        expect(await statRows(db, "holdings"), "released, the first refresh: every table").to.equal(await count(db, "holdings"));

        // released again with nothing (or too little) written since: nothing to refresh
        const before = await count(db, "trades");
        await db.run("DELETE FROM trades WHERE log_index % 2 = 0");
        await keeper.release();
        keeper.hold();
        await keeper.wrote(100, ["trades"]);
        await keeper.release();
        expect(await statRows(db, "trades"), "too little written since").to.equal(before);
        // and the growth rule is back
        await keeper.wrote(written, ["trades"]);
        expect(await statRows(db, "trades"), "grown again").to.equal(await count(db, "trades"));
      });
    });

    it("should refresh every table the first time, then only the tables written since", async () => {
      await withKeeper(async (db, keeper) => {
        const written = await fillMarket(db);
        await keeper.wrote(written, ["trades"]);
        const holdings = await count(db, "holdings");
        expect(holdings).to.be.greaterThan(0);
        expect(await statRows(db, "trades"), "first refresh: trades").to.equal(await count(db, "trades"));
        expect(await statRows(db, "holdings"), "first refresh: every table").to.equal(holdings);

        // both tables change; only trades is named by the next writes
        await db.run("DELETE FROM trades WHERE log_index % 2 = 0");
        await db.run("DELETE FROM holdings WHERE log_index % 2 = 0");
        await keeper.wrote(written, ["trades"]);
        expect(await statRows(db, "trades"), "written since: refreshed").to.equal(await count(db, "trades"));
        expect(await statRows(db, "holdings"), "not written since: left alone").to.equal(holdings);

        // a write that names no table makes every table due again
        await keeper.wrote(written);
        expect(await statRows(db, "holdings"), "a write naming no table: every table").to.equal(await count(db, "holdings"));
      });
    });
  });
}
