/**
 * Every list, search and report query the API runs is answered from an index on both backends (issue 10): on a store
 * with enough rows that the planners care (statistics refreshed as the indexer refreshes them), each SQL statement
 * behind a set of requests covering every list endpoint and filter, first and later pages, and the reports (their
 * whole days from the per-day totals, the partial days at a window's edges from the rows) is explained, and no plan
 * reads a large table whole (SQLite: `SCAN <table>` without an index, or an index scan that sorts what it read;
 * PostgreSQL: `Seq Scan` of a large table).
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import request from "supertest";
import { createApi, type IndexerStatus, type ReadDb } from "../../../service/src/api";
import { EVENT_TABLES, insertValues, rebuildDerived, refreshStatistics, type Db, type SqlValue } from "../../../service/src/store";
import {
  marketRows,
  syntheticAssetId,
  syntheticBatchRoot,
  syntheticExchange,
  syntheticItemDigest,
  syntheticMerchant,
  syntheticTradeId,
  SYNTHETIC_CHAIN,
} from "../../helpers/synthetic-market";
import {
  regulatedRows,
  syntheticAssessmentId,
  syntheticReceiptLeaf,
  syntheticReceiptLicence,
  syntheticReceiptRoot,
  REGULATED_FIRST_BLOCK,
} from "../../helpers/synthetic-regulated";
import { BACKENDS, quietLogger } from "./fixture";

/**
 * Tables large enough that reading one whole is the cost the issue measured: those with at least this many rows in
 * the test's store (the planners rightly read a table of a few hundred rows whole).
 */
const LARGE_ROWS = 5000;


interface Recorded {
  sql: string;
  params: readonly SqlValue[];
  path: string;
}

function recording(db: Db, log: Recorded[], current: () => string): ReadDb {
  return {
    dialect: db.dialect,
    all: (sql, params = []) => (log.push({ sql, params, path: current() }), db.all(sql, params)),
    get: (sql, params = []) => (log.push({ sql, params, path: current() }), db.get(sql, params)),
  };
}

/** The statement with its parameters inlined (PostgreSQL's EXPLAIN of a parameterised statement needs values). */
function inline(sql: string, params: readonly SqlValue[]): string {
  let i = 0;
  return sql.replace(/\?/g, () => {
    const v = params[i++];
    if (v === null || v === undefined) return "NULL";
    if (typeof v === "number" || typeof v === "bigint") return String(v);
    return `'${v.replace(/'/g, "''")}'`;
  });
}

/** The table each name in a statement's FROM and JOIN clauses stands for (SQLite's plans name aliases). */
function tablesByName(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?/gi)) {
    const table = m[1] as string;
    out.set(table, table);
    if (m[2] && !/^(WHERE|JOIN|ON|ORDER|GROUP|LIMIT|LEFT|INNER|UNION)$/i.test(m[2])) out.set(m[2], table);
  }
  return out;
}

/** What is wrong with a SQLite plan of `sql`, or null. */
function sqliteProblem(LARGE: readonly string[], sql: string, rows: { detail: string }[]): string | null {
  const tables = tablesByName(sql);
  const large = (name: string): boolean => LARGE.includes(tables.get(name) ?? name);
  const sorts = rows.some((x) => /TEMP B-TREE FOR ORDER BY/.test(x.detail));
  for (const r of rows) {
    const full = /^SCAN (\w+)$/.exec(r.detail);
    if (full && large(full[1] as string)) return r.detail;
    const byIndex = /^SCAN (\w+) USING (?:COVERING )?INDEX/.exec(r.detail);
    if (byIndex && large(byIndex[1] as string) && sorts) return `${r.detail}, then sorted`;
  }
  return null;
}

/** What is wrong with a PostgreSQL plan (JSON), or null. */
function postgresProblem(LARGE: readonly string[], plan: unknown): string | null {
  const walk = (node: Record<string, unknown>): string | null => {
    if (node["Node Type"] === "Seq Scan" && LARGE.includes(String(node["Relation Name"]))) return `Seq Scan on ${String(node["Relation Name"])}`;
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) {
      const p = walk(child);
      if (p) return p;
    }
    return null;
  };
  return walk((plan as { Plan: Record<string, unknown> }[])[0]!.Plan);
}

/** 2026-01-01T00:00:00Z: the synthetic market's first block time (its rows lie within its first day). */
const SYNTHETIC_START = 1_767_225_600;
/** The last trade's block time (read in `before`). */
let LAST_TRADE_TIME = SYNTHETIC_START;

/** The transaction hash of a regulated block (synthetic-regulated.ts). */
const regulatedTx = (block: number): string => `0x${createHash("sha256").update(`regulated-tx:${block}`).digest("hex")}`;

/** A request per list endpoint and filter (the test asks for the second page of each list that has one). */
function requests(): string[] {
  const hot = syntheticAssetId(0);
  const asset = syntheticAssetId(17);
  const m = syntheticMerchant(3);
  const x = syntheticExchange(1);
  return [
    "/v1/assets",
    "/v1/assets?kind=product",
    "/v1/assets?source=public",
    "/v1/assets?level=important",
    `/v1/assets?holder=${m}`,
    `/v1/assets?exchange=${x}`,
    "/v1/assets?status=frozen",
    "/v1/assets?status=frozen&limit=2",
    "/v1/assets?status=pledged",
    `/v1/assets?status=frozen&exchange=${x}`,
    `/v1/assets?status=pledged&holder=${m}`,
    "/v1/assets?q=EX1-2026",
    `/v1/assets?chainId=${SYNTHETIC_CHAIN}`,
    `/v1/assets/${asset}`,
    `/v1/assets/by-digest/${asset}`,
    `/v1/assets/${hot}/provenance`,
    `/v1/assets/${asset}/provenance`,
    `/v1/assets/${hot}/provenance/trades`,
    `/v1/assets/${hot}/provenance/holders`,
    `/v1/assets/${hot}/provenance/licences`,
    `/v1/assets/${syntheticAssetId(3)}/provenance/evidence`,
    `/v1/assets/${asset}/rights`,
    `/v1/assets/${syntheticAssetId(70)}/lineage`,
    "/v1/trades",
    `/v1/trades?asset=${hot}`,
    `/v1/trades?seller=${m}`,
    `/v1/trades?buyer=${m}`,
    `/v1/trades?party=${m}`,
    `/v1/trades?exchange=${x}`,
    "/v1/trades?venue=off-exchange",
    "/v1/trades?right=processing",
    "/v1/trades?linked=true",
    `/v1/trades?linked=true&exchange=${x}`,
    `/v1/trades?linked=true&party=${m}`,
    `/v1/trades/${syntheticTradeId(99)}`,
    "/v1/pledges",
    `/v1/pledges?asset=${hot}`,
    `/v1/pledges?lender=${m}`,
    `/v1/pledges?holder=${m}`,
    "/v1/exchanges",
    "/v1/merchants",
    `/v1/merchants?exchange=${x}`,
    `/v1/merchants/${m}`,
    `/v1/recognition?merchant=${m}&exchange=${x}`,
    `/v1/exchanges/${x}/recognitions`,
    `/v1/accounts/${m}/licences`,
    `/v1/evidence/items/${syntheticItemDigest(1234)}`,
    `/v1/evidence/batches/${syntheticBatchRoot(5)}`,
    `/v1/evidence/batches/${syntheticBatchRoot(5)}/items`,
    `/v1/search?q=${syntheticTradeId(5)}`,
    `/v1/search?q=${m}`,
    `/v1/search?q=0x${"ab".repeat(32)}`,
    "/v1/search?q=EX2-2026-PR",
    // regulated use, lifecycle and consent lists (synthetic-regulated.ts)
    "/v1/receipts",
    `/v1/receipts?licence=${syntheticReceiptLicence(7)}`,
    `/v1/receipts?asset=${syntheticAssetId(17)}`,
    `/v1/receipts?licensee=${syntheticMerchant(5)}`,
    `/v1/receipts?batch=${syntheticReceiptRoot(9)}`,
    "/v1/receipts?violating=true",
    "/v1/receipts/batches",
    `/v1/receipts/batches?submitter=${syntheticMerchant(9)}`,
    "/v1/receipts/batches?status=pending",
    `/v1/receipts/leaf/${syntheticReceiptLeaf(33)}`,
    `/v1/receipts/${syntheticReceiptRoot(3)}/4`,
    "/v1/violations",
    `/v1/violations?licensor=${syntheticMerchant(3)}`,
    `/v1/violations?licensee=${syntheticMerchant(4)}`,
    `/v1/violations?asset=${syntheticAssetId(18)}`,
    `/v1/violations?licence=${syntheticReceiptLicence(8)}`,
    "/v1/violations?code=outside-window",
    "/v1/assessments",
    `/v1/assessments?asset=${syntheticAssetId(21)}`,
    `/v1/assessments?assessor=${syntheticMerchant(6)}`,
    "/v1/assessments?kind=valuation",
    `/v1/assessments/${syntheticAssessmentId(44)}`,
    "/v1/assessors",
    `/v1/assessment-policies/${x}?asset=${syntheticAssetId(21)}`,
    "/v1/cross-border-trades",
    `/v1/cross-border-trades?asset=${syntheticAssetId(22)}`,
    "/v1/cross-border-trades?destination=SG",
    "/v1/cross-border-trades?mechanism=security-assessment",
    `/v1/assets/${syntheticAssetId(23)}/status-history`,
    "/v1/objections",
    `/v1/objections?asset=${syntheticAssetId(25)}`,
    `/v1/objections?objector=${syntheticMerchant(25)}`,
    "/v1/objections?state=open",
    "/v1/objections?ownEarlierRight=true",
    "/v1/consent-events",
    `/v1/consent-events?subject=${syntheticAssetId(26)}`,
    "/v1/consent-events?kind=merchant-moved",
    // transaction search over the regulated, lifecycle and consent tables too
    `/v1/search?q=${regulatedTx(REGULATED_FIRST_BLOCK + 10)}`,
    // the reports: whole days from the per-day totals, partial days at a window's edges by the time indexes (the
    // store's rows lie within its first ~6 hours: windows of minutes, as a window's edge is a share of a day's rows)
    "/v1/stats/prices?groupBy=exchange",
    `/v1/stats/prices?groupBy=kind&from=${SYNTHETIC_START + 3601}&to=${SYNTHETIC_START + 3601 + 300}`,
    `/v1/stats/prices?groupBy=period&period=day&right=processing&from=${LAST_TRADE_TIME - 600}`,
    "/v1/stats/activity",
    `/v1/stats/activity?period=day&from=${SYNTHETIC_START + 3601}&to=${SYNTHETIC_START + 3601 + 300}`,
    `/v1/stats/activity?exchange=${x}&to=${SYNTHETIC_START + 600}`,
  ];
}

for (const backend of BACKENDS) {
  describe(`Query plans on a large store (${backend.name})`, function () {
    this.timeout(300_000);
    let db: Db;
    let close: () => Promise<void>;
    const log: Recorded[] = [];
    let path = "";
    let app: ReturnType<typeof createApi>;
    const LARGE: string[] = [];
    const status: IndexerStatus = {
      chains: [{ chainId: SYNTHETIC_CHAIN, indexedBlock: 1e6, indexedBlockTime: 1_800_000_000, chainHead: 1e6, confirmations: 0, lastProgressAt: Date.now(), eventsPerSecond: 0 }],
    };

    before(async () => {
      const opened = await backend.open();
      db = opened.db;
      close = opened.close;
      await db.transaction(async (tx) => {
        for (const c of marketRows({ trades: 30_000, items: 30_000, batchSize: 100, assets: 10_000 })) await insertValues(tx, c.table, c.columns, c.values);
        const regulated = { receipts: 12_000, assessments: 6000, crossBorder: 6000, lifecycle: 9000, consent: 6000, assets: 10_000, merchants: 200, exchanges: 4 };
        for (const c of regulatedRows(regulated)) await insertValues(tx, c.table, c.columns, c.values);
      });
      await rebuildDerived(db);
      await refreshStatistics(db);
      LAST_TRADE_TIME = Number((await db.get<{ t: number }>("SELECT MAX(block_time) AS t FROM trades"))!.t);
      for (const t of EVENT_TABLES) {
        const n = await db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${t}`);
        if (Number(n?.n) >= LARGE_ROWS) LARGE.push(t);
      }
      expect(LARGE).to.include.members(["trades", "holdings", "licences", "assets", "evidence_items"]);
      expect(LARGE).to.include.members(["receipts", "receipt_violations", "assessments", "cross_border_trades", "lifecycle_events", "consent_events"]);
      app = createApi({ db: recording(db, log, () => path), indexerStatus: () => status, logger: quietLogger });
    });
    after(async () => close?.());

    it("should answer every list, search and report request from indexes, first and later pages alike", async () => {
      for (const p of requests()) {
        path = p;
        const res = await request(app).get(p);
        expect(res.status, `${p}: ${JSON.stringify(res.body).slice(0, 300)}`).to.be.oneOf([200, 404]);
        const next = (res.body as { page?: { nextCursor: string | null } }).page?.nextCursor;
        if (next) {
          path = `${p}${p.includes("?") ? "&" : "?"}cursor=${next}`;
          expect((await request(app).get(path)).status, path).to.equal(200);
        }
      }
      const seen = new Set<string>();
      const problems: string[] = [];
      let explained = 0;
      for (const r of log) {
        // "WHERE 1 = 0": a probe for a column, reading nothing
        if (seen.has(r.sql) || / WHERE 1 = 0$/.test(r.sql)) continue;
        seen.add(r.sql);
        explained++;
        const problem =
          db.dialect === "sqlite"
            ? sqliteProblem(LARGE, r.sql, await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${r.sql}`, r.params))
            : postgresProblem(LARGE, (await db.all<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${inline(r.sql, r.params)}`))[0]!["QUERY PLAN"]);
        if (problem) problems.push(`${r.path}\n    ${problem}\n    ${r.sql.replace(/\s+/g, " ").slice(0, 400)}`);
      }
      expect(explained).to.be.greaterThan(40);
      expect(problems, problems.join("\n")).to.deep.equal([]);
    });

    it("should find the problems it looks for (a filter no index serves is reported)", async () => {
      const sql = "SELECT * FROM trades t WHERE t.contract_digest = ? ORDER BY t.price LIMIT 5";
      const problem =
        db.dialect === "sqlite"
          ? sqliteProblem(LARGE, sql, await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ["0x00"]))
          : postgresProblem(LARGE, (await db.all<{ "QUERY PLAN": unknown }>(`EXPLAIN (FORMAT JSON) ${inline(sql, ["0x00"])}`))[0]!["QUERY PLAN"]);
      expect(problem).to.match(/trades|SCAN t/);
    });
  });
}
