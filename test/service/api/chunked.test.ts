/**
 * The aggregate reports read their window in key-ordered chunks (queries/chunked.ts): every row exactly once, the
 * event loop free between chunks, and a 503 `timeout` instead of an answer past the time limit.
 */
import { expect } from "chai";
import { ApiError } from "../../../service/src/api/errors";
import { forEachChunk } from "../../../service/src/api/queries/chunked";
import { activity } from "../../../service/src/api/queries/activity";
import { priceStats } from "../../../service/src/api/queries/stats";
import { createSqliteDb, insertValues, migrate, rebuildDerived, type Db } from "../../../service/src/store";
import { marketRows } from "../../helpers/synthetic-market";

describe("Aggregate reports in chunks", function () {
  this.timeout(60_000);
  let db: Db;
  before(async () => {
    db = createSqliteDb(":memory:");
    await migrate(db);
    await db.transaction(async (tx) => {
      for (const c of marketRows({ trades: 12_345, items: 0 })) await insertValues(tx, c.table, c.columns, c.values);
    });
    await rebuildDerived(db);
  });
  after(async () => db.close());

  it("should read every row once, in key order, with the event loop free between chunks", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const seen: number[] = [];
    let ticksDuring = 0;
    try {
      await forEachChunk<{ chain_id: number; block_number: number; log_index: number }>(
        db,
        { select: "SELECT t.chain_id, t.block_number, t.log_index FROM trades t", alias: "t", where: [], params: [] },
        (rows) => {
          ticksDuring = ticks;
          for (const r of rows) seen.push(r.block_number * 10 + r.log_index);
        },
      );
    } finally {
      clearInterval(timer);
    }
    expect(seen).to.have.length(12_345);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).to.equal(12_345);
    expect(ticksDuring, "timers ran between chunks").to.be.greaterThan(0);
  });

  it("should count what one GROUP BY counts", async () => {
    const groups = await priceStats(db, { groupBy: "exchange" });
    const expected = await db.all<{ exchange: string; n: number; c: number }>(
      "SELECT exchange, COUNT(*) AS n, SUM(confidential) AS c FROM trades GROUP BY exchange ORDER BY exchange",
    );
    expect(groups.map((g) => [g.group, g.tradeCount, g.confidentialCount])).to.deep.equal(expected.map((e) => [e.exchange, e.n, e.c]));
    const periods = await activity(db, { period: "year" });
    expect(periods.reduce((n, p) => n + p.trades, 0)).to.equal(12_345);
    expect(periods.reduce((n, p) => n + p.registrations, 0)).to.equal((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM assets"))!.n);
  });

  it("should give up with a 503 timeout once past its time limit", async () => {
    const run = forEachChunk(db, { select: "SELECT t.chain_id, t.block_number, t.log_index FROM trades t", alias: "t", where: [], params: [], limitMs: 0 }, () => undefined);
    const e = await run.then(() => undefined, (x: unknown) => x);
    expect(e).to.be.instanceOf(ApiError);
    expect((e as ApiError).status).to.equal(503);
    expect((e as ApiError).code).to.equal("timeout");
  });
});
