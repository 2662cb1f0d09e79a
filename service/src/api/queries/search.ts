/**
 * One search box: a registration number (check character verified), a content digest / asset id, a trade id, an
 * evidence item digest or batch root, a transaction hash, a merchant or account address, an exchange code or name.
 * Each key is recognised by its shape and looked up where that shape can live; the answer says what it was taken as.
 */
import { parseRegistrationNumber } from "../../digest/registration-number";
import type { ReadDb, SqlValue } from "../types";
import { prefixParams, prefixRange } from "./assets";
import { num } from "./rows";

/** What a hit is. */
export type SearchHitType = "asset" | "trade" | "transaction" | "merchant" | "exchange" | "account" | "evidence-item" | "evidence-batch" | "pledge";

/** One thing the query names. */
export interface SearchHit {
  type: SearchHitType;
  /** The id to open it by: asset id, trade id, tx hash, address, exchange code, item digest, batch root, pledge id. */
  id: string;
  /** A short human label (registration number, exchange name …). */
  label: string;
  /** For a transaction: what it did, in log order. */
  events?: { what: string; ref: string; blockNumber: number; logIndex: number }[];
}

/** The answer. */
export interface SearchResult {
  query: string;
  /** The shapes the query was read as, e.g. `registration-number`, `hash`, `address`, `code-or-name`. */
  readAs: string[];
  hits: SearchHit[];
  /** Why nothing could match, when the query itself is wrong (e.g. a registration number's check character). */
  problem: string | null;
}

/** Most hits returned for a name search. */
const SEARCH_NAME_LIMIT = 20;

// Every indexed table whose rows a transaction's own logs wrote, with the column naming what it touched. `what` is
// a name, or (`whatSql`) an expression naming each row (lifecycle and consent rows name their event). Receipts and
// violations are not listed: the verifier writes them later under their batch's log (`receipts-anchored`).
const TX_TABLES: readonly { table: string; what: string; ref: string; whatSql?: string }[] = [
  { table: "exchanges", what: "exchange-accredited", ref: "exchange" },
  { table: "exchange_status_changes", what: "exchange-status", ref: "exchange" },
  { table: "merchants", what: "merchant-onboarded", ref: "merchant" },
  { table: "merchant_status_changes", what: "merchant-status", ref: "merchant" },
  { table: "recognitions", what: "recognition", ref: "subject" },
  { table: "assets", what: "asset-registered", ref: "asset_id" },
  { table: "holdings", what: "holding-changed", ref: "asset_id" },
  { table: "freezes", what: "asset-freeze", ref: "asset_id" },
  { table: "licences", what: "licence-granted", ref: "asset_id" },
  { table: "licence_revocations", what: "licence-revoked", ref: "asset_id" },
  { table: "trades", what: "trade-recorded", ref: "trade_id" },
  { table: "pledges", what: "pledge-registered", ref: "pledge_id" },
  { table: "pledge_status_changes", what: "pledge-status", ref: "pledge_id" },
  { table: "evidence_batches", what: "evidence-anchored", ref: "root" },
  { table: "cross_border_trades", what: "cross-border-trade", ref: "trade_id" },
  { table: "receipt_batches", what: "receipts-anchored", ref: "root" },
  { table: "receipt_operators", what: "receipt-operator", ref: "licensee" },
  { table: "assessor_grants", what: "assessor-categories", ref: "merchant" },
  { table: "assessments", what: "assessment-attached", ref: "assessment_id" },
  { table: "assessment_responses", what: "assessment-responded", ref: "assessment_id" },
  { table: "assessment_withdrawals", what: "assessment-withdrawn", ref: "assessment_id" },
  { table: "assessment_policies", what: "assessment-policy", ref: "exchange" },
  { table: "lifecycle_events", what: "lifecycle", whatSql: "'lifecycle-' || event", ref: "COALESCE(asset_id, '')" },
  { table: "consent_events", what: "consent", whatSql: "'consent-' || kind", ref: "subject" },
];

/** Resolves a search query. */
export async function search(db: ReadDb, raw: string): Promise<SearchResult> {
  const query = raw.trim();
  const out: SearchResult = { query, readAs: [], hits: [], problem: null };
  const hex64 = /^(0x)?[0-9a-fA-F]{64}$/.test(query) ? `0x${query.replace(/^0x/, "")}`.toLowerCase() : undefined;
  const addr = /^0x[0-9a-fA-F]{40}$/.test(query) ? query.toLowerCase() : undefined;

  if (/^[A-Za-z0-9]{2,4}-\d{4}-[A-Za-z]{2}-\d{8,10}-[0-9A-Za-z]$/.test(query)) {
    out.readAs.push("registration-number");
    try {
      parseRegistrationNumber(query);
      const rows = await db.all<{ asset_id: string; registration_number: string }>(
        "SELECT asset_id, registration_number FROM assets WHERE registration_number = ? LIMIT 1",
        [query.toUpperCase()],
      );
      for (const r of rows) out.hits.push({ type: "asset", id: r.asset_id, label: r.registration_number });
    } catch (e) {
      out.problem = (e as Error).message;
    }
    return out;
  }
  if (hex64) {
    out.readAs.push("hash");
    await hashHits(db, hex64, out.hits);
    return out;
  }
  if (addr) {
    out.readAs.push("address");
    await addressHits(db, addr, out.hits);
    return out;
  }
  if (/^\d{1,78}$/.test(query) && BigInt(query) < 1n << 256n) {
    out.readAs.push("decimal-id");
    const id = `0x${BigInt(query).toString(16).padStart(64, "0")}`;
    for (const r of await db.all<{ trade_id: string }>("SELECT trade_id FROM trades WHERE trade_id = ? LIMIT 1", [id]))
      out.hits.push({ type: "trade", id: r.trade_id, label: query });
    for (const r of await db.all<{ pledge_id: string }>("SELECT pledge_id FROM pledges WHERE pledge_id = ? LIMIT 1", [id]))
      out.hits.push({ type: "pledge", id: r.pledge_id, label: `#${query}` });
  }
  if (/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(query) && /[A-Za-z]/.test(query) && query.includes("-")) {
    out.readAs.push("registration-number-prefix");
    const rows = await db.all<{ asset_id: string; registration_number: string }>(
      `SELECT asset_id, registration_number FROM assets WHERE ${prefixRange("registration_number")} ORDER BY registration_number LIMIT ?`,
      [...prefixParams(query.toUpperCase()), SEARCH_NAME_LIMIT],
    );
    for (const r of rows) out.hits.push({ type: "asset", id: r.asset_id, label: r.registration_number });
  }
  if (query.length >= 2 && query.length <= 100) {
    out.readAs.push("code-or-name");
    const rows = await db.all<{ exchange: string; code: string; name: string }>(
      `SELECT exchange, code, name FROM exchanges WHERE code = ? OR LOWER(name) LIKE ? ORDER BY CASE WHEN code = ? THEN 0 ELSE 1 END, code LIMIT ?`,
      [query.toUpperCase(), `%${escapeLike(query.toLowerCase())}%`, query.toUpperCase(), SEARCH_NAME_LIMIT],
    );
    for (const r of rows) out.hits.push({ type: "exchange", id: r.code, label: `${r.name} (${r.code})` });
  }
  return out;
}

function escapeLike(s: string): string {
  // LIKE has no portable ESCAPE default; the wildcard characters are simply not searchable by name
  return s.replace(/[%_]/g, "");
}

async function hashHits(db: ReadDb, h: string, hits: SearchHit[]): Promise<void> {
  const one = async <T>(sql: string, params: SqlValue[]): Promise<T[]> => db.all<T>(sql, params);
  for (const r of await one<{ asset_id: string; registration_number: string }>(
    "SELECT asset_id, registration_number FROM assets WHERE asset_id = ? LIMIT 1",
    [h],
  ))
    hits.push({ type: "asset", id: r.asset_id, label: r.registration_number });
  for (const r of await one<{ trade_id: string }>("SELECT trade_id FROM trades WHERE trade_id = ? LIMIT 1", [h]))
    hits.push({ type: "trade", id: r.trade_id, label: r.trade_id });
  for (const r of await one<{ item_digest: string; n: number | string }>(
    "SELECT item_digest, COUNT(*) AS n FROM evidence_items WHERE item_digest = ? GROUP BY item_digest",
    [h],
  ))
    hits.push({ type: "evidence-item", id: r.item_digest, label: `${num(r.n)}` });
  for (const r of await one<{ root: string; leaf_count: number | string }>(
    "SELECT root, leaf_count FROM evidence_batches WHERE root = ? LIMIT 1",
    [h],
  ))
    hits.push({ type: "evidence-batch", id: r.root, label: `${num(r.leaf_count)}` });
  for (const r of await one<{ pledge_id: string }>("SELECT pledge_id FROM pledges WHERE pledge_id = ? LIMIT 1", [h]))
    hits.push({ type: "pledge", id: r.pledge_id, label: r.pledge_id });
  const tx = await transactionEvents(db, h);
  if (tx.length > 0) hits.push({ type: "transaction", id: h, label: h, events: tx });
}

/** What a transaction wrote to the index, in log order (empty when the index has no row from it). */
async function transactionEvents(db: ReadDb, txHash: string): Promise<NonNullable<SearchHit["events"]>> {
  const sql = TX_TABLES.map(
    (t) => `SELECT ${t.whatSql ?? `'${t.what}'`} AS what, ${t.ref} AS ref, block_number, log_index FROM ${t.table} WHERE tx_hash = ?`,
  ).join(" UNION ALL ");
  const rows = await db.all<{ what: string; ref: string; block_number: number | string; log_index: number | string }>(
    `SELECT * FROM (${sql}) x ORDER BY block_number, log_index`,
    TX_TABLES.map(() => txHash),
  );
  return rows.map((r) => ({ what: r.what, ref: r.ref, blockNumber: num(r.block_number), logIndex: num(r.log_index) }));
}

async function addressHits(db: ReadDb, a: string, hits: SearchHit[]): Promise<void> {
  for (const r of await db.all<{ code: string; name: string }>("SELECT code, name FROM exchanges WHERE exchange = ? LIMIT 1", [a]))
    hits.push({ type: "exchange", id: r.code, label: `${r.name} (${r.code})` });
  for (const r of await db.all<{ merchant: string }>("SELECT merchant FROM merchants WHERE merchant = ? LIMIT 1", [a]))
    hits.push({ type: "merchant", id: r.merchant, label: r.merchant });
  if (hits.length > 0) return;
  // not a participant: an account that held an asset, or was a party to a trade, a licence or a pledge
  const seen = await db.get<{ one: number }>(
    `SELECT 1 AS one FROM holdings WHERE to_address = ?
     UNION ALL SELECT 1 FROM trades WHERE seller = ? OR buyer = ?
     UNION ALL SELECT 1 FROM licences WHERE grantee = ?
     UNION ALL SELECT 1 FROM pledges WHERE lender = ? LIMIT 1`,
    [a, a, a, a, a],
  );
  if (seen) hits.push({ type: "account", id: a, label: a });
}
