/**
 * The reports from per-day totals (api/queries/day-totals.ts over store/derived.ts): for every window — none, whole
 * days, edges inside days, a window within one day, open ends — and every grouping and filter, the price statistics
 * and the activity counts equal what a direct computation over every row of the window gives (the price quartiles
 * within the stated relative accuracy of the exact ones, everything else exactly).
 */
import { expect } from "chai";
import { activity, type ActivityPeriod } from "../../../service/src/api/queries/activity";
import { periodLabel, priceStats, quartile, type GroupStats, type StatsFilters } from "../../../service/src/api/queries/stats";
import { insertValues, rebuildDerived, type Db } from "../../../service/src/store";
import { splitWindow } from "../../../service/src/api/queries/day-totals";
import { marketRows, syntheticExchange } from "../../helpers/synthetic-market";
import { expectStatsWithin } from "../../helpers/price-accuracy";
import { BACKENDS } from "./fixture";

const DAY = 86_400;
const BLOCK_SECONDS = 2000; // the synthetic market's blocks stretched over about three weeks

interface TradeFact {
  block_time: number;
  exchange: string;
  right: string;
  venue: string;
  kind: string | null;
  destination: string | null;
  price: string | null;
  currency: string | null;
  confidential: number;
}

/** The statistics computed directly from every trade (the reference). */
function reference(trades: readonly TradeFact[], f: StatsFilters): GroupStats[] {
  const scope = f.scope ?? "domestic";
  const groups = new Map<string, { total: number; confidential: number; prices: Map<string, bigint[]> }>();
  for (const t of trades) {
    if (f.from !== undefined && t.block_time < f.from) continue;
    if (f.to !== undefined && t.block_time >= f.to) continue;
    if (f.right !== undefined && t.right !== f.right) continue;
    if (f.venue !== undefined && t.venue !== f.venue) continue;
    if (f.exchange !== undefined && t.exchange !== f.exchange) continue;
    if (f.kind !== undefined && t.kind !== f.kind) continue;
    if (scope === "domestic" && t.destination !== null) continue;
    if (scope === "cross-border" && t.destination === null) continue;
    const key =
      f.groupBy === "kind" ? (t.kind ?? "unknown") : f.groupBy === "exchange" ? t.exchange : f.groupBy === "destination" ? (t.destination ?? "domestic") : periodLabel(t.block_time, f.period ?? "month");
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { total: 0, confidential: 0, prices: new Map() }));
    g.total++;
    if (t.confidential === 1 || t.price === null || t.currency === null) {
      g.confidential++;
      continue;
    }
    const list = g.prices.get(t.currency) ?? [];
    list.push(BigInt(t.price));
    g.prices.set(t.currency, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([group, g]) => ({
      group,
      tradeCount: g.total,
      confidentialCount: g.confidential,
      currencies: [...g.prices.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, v]) => {
          const s = [...v].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
          return { currency, count: s.length, volume: s.reduce((n, x) => n + x, 0n).toString(), min: quartile(s, 0), q1: quartile(s, 1), median: quartile(s, 2), q3: quartile(s, 3), max: quartile(s, 4) };
        }),
    }));
}

describe("splitWindow", () => {
  it("should split a window into whole days and the partial days at its edges", () => {
    expect(splitWindow(undefined, undefined)).to.deep.equal({ days: { where: [], params: [] }, edges: [] });
    expect(splitWindow(2 * DAY, 5 * DAY)).to.deep.equal({ days: { where: ["d.day >= ?", "d.day < ?"], params: [2, 5] }, edges: [] });
    expect(splitWindow(2 * DAY - 10, 5 * DAY + 7)).to.deep.equal({
      days: { where: ["d.day >= ?", "d.day < ?"], params: [2, 5] },
      edges: [{ from: 2 * DAY - 10, to: 2 * DAY }, { from: 5 * DAY, to: 5 * DAY + 7 }],
    });
    expect(splitWindow(3 * DAY + 5, 3 * DAY + 9)).to.deep.equal({ days: null, edges: [{ from: 3 * DAY + 5, to: 3 * DAY + 9 }] });
    expect(splitWindow(3 * DAY + 5, 4 * DAY + 9)).to.deep.equal({ days: null, edges: [{ from: 3 * DAY + 5, to: 4 * DAY }, { from: 4 * DAY, to: 4 * DAY + 9 }] });
    expect(splitWindow(3 * DAY + 5, undefined)).to.deep.equal({ days: { where: ["d.day >= ?"], params: [4] }, edges: [{ from: 3 * DAY + 5, to: 4 * DAY }] });
    expect(splitWindow(9, 9)).to.deep.equal({ days: null, edges: [] });
  });
});

for (const backend of BACKENDS) {
  describe(`Reports from per-day totals (${backend.name})`, function () {
    this.timeout(120_000);
    let db: Db;
    let close: () => Promise<void>;
    let trades: TradeFact[];
    let start: number;
    let end: number;

    before(async () => {
      const opened = await backend.open();
      db = opened.db;
      close = opened.close;
      await db.transaction(async (tx) => {
        for (const c of marketRows({ trades: 4000, items: 3000, batchSize: 100 })) {
          const t = c.columns.indexOf("block_time");
          const b = c.columns.indexOf("block_number");
          for (const row of c.values) row[t] = 1_767_225_600 + Number(row[b]) * BLOCK_SECONDS;
          await insertValues(tx, c.table, c.columns, c.values);
        }
        // every 7th block's trades cross a border (its own log positions, as the contract logs them beside the trade)
        await tx.run(
          `INSERT INTO cross_border_trades (chain_id, contract, block_number, log_index, tx_hash, block_time, trade_id, asset_id, mechanism, filing_digest, destination)
           SELECT chain_id, contract, block_number, log_index + 1000, tx_hash, block_time, trade_id, asset_id, 'standard-contract', NULL,
             CASE WHEN block_number % 3 = 0 THEN 'HK' ELSE 'SG' END FROM trades WHERE block_number % 7 = 0`,
        );
        // prices beyond 2^53 in a second currency (×10^24: up to ~10^28 minor units), and some free transfers
        await tx.run(`UPDATE trades SET price = price || '000000000000000000000000', currency = 'USD' WHERE block_number % 11 = 0 AND price IS NOT NULL`);
        await tx.run(`UPDATE trades SET price = '0' WHERE block_number % 13 = 0 AND price IS NOT NULL`);
      });
      await rebuildDerived(db);
      trades = await db.all<TradeFact>(
        `SELECT t.block_time, t.exchange, t."right", t.venue, t.price, t.currency, t.confidential, x.destination,
           (SELECT a.kind FROM assets a WHERE a.chain_id = t.chain_id AND a.asset_id = t.asset_id AND (a.block_number < t.block_number OR (a.block_number = t.block_number AND a.log_index < t.log_index))
            ORDER BY a.block_number DESC, a.log_index DESC LIMIT 1) AS kind
         FROM trades t LEFT JOIN cross_border_trades x ON x.chain_id = t.chain_id AND x.contract = t.contract AND x.trade_id = t.trade_id`,
      );
      trades = trades.map((t) => ({ ...t, block_time: Number(t.block_time), confidential: Number(t.confidential) }));
      start = Math.min(...trades.map((t) => t.block_time));
      end = Math.max(...trades.map((t) => t.block_time));
      expect(Math.floor(end / DAY) - Math.floor(start / DAY)).to.be.greaterThan(10);
      expect(trades.filter((t) => t.destination !== null).length).to.be.greaterThan(100);
      expect(trades.filter((t) => t.currency === "USD" && t.confidential === 0 && BigInt(t.price ?? 0) > 2n ** 53n).length).to.be.greaterThan(100);
      expect(trades.filter((t) => t.price === "0" && t.confidential === 0).length).to.be.greaterThan(50);
    });
    after(async () => close?.());

    /** Windows: none, whole days, inside days at both ends, within one day, and open at either end. */
    const windows = (): { from?: number; to?: number }[] => {
      const d0 = Math.ceil(start / DAY) * DAY;
      return [
        {},
        { from: d0 + 2 * DAY, to: d0 + 7 * DAY },
        { from: d0 + 2 * DAY - 3333, to: d0 + 7 * DAY + 4444 },
        { from: d0 + 3 * DAY + 1000, to: d0 + 3 * DAY + 50_000 },
        { from: d0 + 5 * DAY + 777 },
        { to: d0 + 4 * DAY + 999 },
        { from: d0 + DAY - 1, to: d0 + 6 * DAY + 1 }, // a second either side of whole days
        { from: d0 + 4 * DAY, to: d0 + 4 * DAY + 1 }, // the first second of a day
        { from: d0 + 4 * DAY - 1, to: d0 + 4 * DAY }, // the last second of a day
      ];
    };

    it("should give the price statistics a direct computation over every trade of the window gives (quartiles within the stated accuracy)", async () => {
      const filters: Omit<StatsFilters, "from" | "to">[] = [
        { groupBy: "exchange" },
        { groupBy: "kind" },
        { groupBy: "period", period: "day" },
        { groupBy: "period", period: "week" },
        { groupBy: "destination", scope: "all" },
        { groupBy: "destination", scope: "cross-border" },
        { groupBy: "kind", right: "processing", venue: "off-exchange" },
        { groupBy: "period", period: "month", exchange: syntheticExchange(1), kind: "resource", scope: "all" },
      ];
      let compared = 0;
      for (const w of windows()) {
        for (const f of filters) {
          const q = { ...f, ...w };
          const got = await priceStats(db, q);
          expectStatsWithin(got, reference(trades, q), JSON.stringify(q));
          compared += got.length;
        }
      }
      expect(compared).to.be.greaterThan(100);
    });

    it("should give the activity counts a direct count of every row of the window gives", async () => {
      const rows = async (table: string, extra = ""): Promise<{ block_time: number; exchange: string | null; v: number }[]> =>
        (await db.all<{ block_time: number; exchange: string | null; v: number }>(`SELECT block_time, ${table === "pledges" ? "NULL" : "exchange"} AS exchange, ${extra || "1"} AS v FROM ${table}`)).map(
          (r) => ({ block_time: Number(r.block_time), exchange: r.exchange, v: Number(r.v) }),
        );
      const sources: [keyof ActivityPeriod, Awaited<ReturnType<typeof rows>>][] = [
        ["registrations", await rows("assets")],
        ["trades", await rows("trades")],
        ["confidentialTrades", await rows("trades", "confidential")],
        ["pledges", await rows("pledges")],
        ["evidenceBatches", await rows("evidence_batches")],
        ["evidenceItems", await rows("evidence_batches", "leaf_count")],
      ];
      for (const w of windows()) {
        for (const f of [{ period: "day" as const }, { period: "week" as const, exchange: syntheticExchange(2) }, { period: "year" as const }]) {
          const expected = new Map<string, ActivityPeriod>();
          for (const [counter, list] of sources) {
            for (const r of list) {
              if ((w.from !== undefined && r.block_time < w.from) || (w.to !== undefined && r.block_time >= w.to)) continue;
              if (f.exchange !== undefined && r.exchange !== f.exchange) continue;
              const label = periodLabel(r.block_time, f.period);
              const p = expected.get(label) ?? { period: label, registrations: 0, trades: 0, confidentialTrades: 0, pledges: 0, evidenceBatches: 0, evidenceItems: 0 };
              (p[counter] as number) += r.v;
              expected.set(label, p);
            }
          }
          const want = [...expected.values()].filter((p) => Object.values(p).some((v) => typeof v === "number" && v !== 0)).sort((a, b) => (a.period < b.period ? -1 : 1));
          expect(await activity(db, { ...f, ...w }), JSON.stringify({ ...f, ...w })).to.deep.equal(want);
        }
      }
    });
  });
}
