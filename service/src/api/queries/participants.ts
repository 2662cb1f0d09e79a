/**
 * Participants: exchanges and merchants with their current status (latest status row wins, active when none),
 * and recognition computed exactly as ParticipantRegistry.recognitionPath does.
 */
import type { ColumnsOf, RowOf, StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { paginate, type Page, eventPositionKeys } from "../pagination";
import type { ReadDb, SqlValue } from "../types";
import { hyphenated, spellings } from "../validation";
import { bool, eventCols, eventRef, type EventRef } from "./rows";

/** A status change of an exchange or merchant. */
export interface StatusChange {
  status: string;
  by: string;
  byRegulator: boolean;
  reason: string;
  event: EventRef;
}

/** An exchange as the API returns it. */
export interface ExchangeView {
  address: string;
  code: string;
  name: string;
  status: string;
  regulator: string;
  accredited: EventRef;
}

/** The notice, validity term and renewal window (days) an exchange applies to its registrations (RegistrationLifecycle). */
export interface RegistrationTermsView {
  noticeDays: number;
  /** 0: no end. */
  termDays: number;
  renewalWindowDays: number;
  set: EventRef;
}

/** A merchant as the API returns it. */
export interface MerchantView {
  address: string;
  homeExchange: string;
  category: string;
  credentialDigest: string;
  /** Own status (active / suspended / offboarded). */
  status: string;
  /** Own status active and home exchange active (ParticipantRegistry.isActiveMerchant). */
  active: boolean;
  onboarded: EventRef;
}

/** Path of a recognition, as RECOGNITION_PATH in service/src/digest/enums.ts. */
export type RecognitionPathName = "none" | "home" | "whole-exchange" | "single-merchant";

/** Answer to "is merchant M recognised at exchange B, and through which path?". */
export interface RecognitionView {
  merchant: string;
  exchange: string;
  recognised: boolean;
  path: RecognitionPathName;
  /** The facts the path was decided from. */
  exchangeStatus: string;
  merchantStatus: string;
  homeExchange: string | null;
  homeExchangeStatus: string;
  recognisesHomeExchange: boolean;
  recognisesMerchant: boolean;
  /** Why it is not recognised, when it is not. */
  reason: string | null;
}

// status rows are correlated on the chain and the emitting registry of the record they change
const EX_STATUS = (alias: string): string =>
  `COALESCE((SELECT s.status FROM exchange_status_changes s WHERE s.exchange = ${alias}.exchange AND s.chain_id = ${alias}.chain_id AND s.contract = ${alias}.contract ORDER BY s.block_number DESC, s.log_index DESC LIMIT 1), 'active')`;
// offboarded by the regulator after this onboarding row (consent_events) wins over any status row
const M_STATUS = `CASE WHEN EXISTS (SELECT 1 FROM consent_events c WHERE c.subject = m.merchant AND c.kind = 'merchant-offboarded' AND c.chain_id = m.chain_id AND c.contract = m.contract AND (c.block_number > m.block_number OR (c.block_number = m.block_number AND c.log_index > m.log_index))) THEN 'offboarded' ELSE COALESCE((SELECT s.status FROM merchant_status_changes s WHERE s.merchant = m.merchant AND s.chain_id = m.chain_id AND s.contract = m.contract ORDER BY s.block_number DESC, s.log_index DESC LIMIT 1), 'active') END`;

// the home follows the merchant's consented moves and the regulator's re-homings (consent_events)
const M_HOME = `COALESCE((SELECT c.party FROM consent_events c WHERE c.subject = m.merchant AND c.kind IN ('merchant-moved', 'merchant-rehomed') AND c.chain_id = m.chain_id AND c.contract = m.contract ORDER BY c.block_number DESC, c.log_index DESC LIMIT 1), m.home_exchange)`;

type ExchangeRow = StoredRow<"exchanges"> & { status: string };
type MerchantRow = StoredRow<"merchants"> & { status: string; home_status: string | null };

const EX_SELECT = `SELECT * FROM (SELECT ${eventCols("e")}, e.exchange, e.code, e.name, e.regulator, ${EX_STATUS("e")} AS status FROM exchanges e) x`;
const M_SELECT = `SELECT * FROM (SELECT ${eventCols("m")}, m.merchant, ${M_HOME} AS home_exchange, m.category, m.credential_digest, ${M_STATUS} AS status,
  (SELECT ${EX_STATUS("h")} FROM exchanges h WHERE h.exchange = ${M_HOME} AND h.chain_id = m.chain_id AND h.contract = m.contract LIMIT 1) AS home_status FROM merchants m) x`;

function exchangeView(r: ExchangeRow, isFinal: FinalityCheck): ExchangeView {
  return { address: r.exchange, code: r.code, name: r.name, status: r.status, regulator: r.regulator, accredited: eventRef(r, isFinal) };
}

function merchantView(r: MerchantRow, isFinal: FinalityCheck): MerchantView {
  return {
    address: r.merchant,
    homeExchange: r.home_exchange,
    category: hyphenated(r.category),
    credentialDigest: r.credential_digest,
    status: r.status,
    active: r.status === "active" && r.home_status === "active",
    onboarded: eventRef(r, isFinal),
  };
}

const KEYS = eventPositionKeys("x");

/** Lists exchanges in accreditation order. */
export async function listExchanges(
  db: ReadDb,
  f: { status?: string; limit?: number; cursor?: string },
  isFinal: FinalityCheck,
): Promise<Page<ExchangeView>> {
  const where = f.status ? ["x.status = ?"] : [];
  return paginate<ExchangeRow, ExchangeView>({
    db, select: EX_SELECT, where, params: f.status ? [f.status] : [], keys: KEYS, direction: "asc",
    limit: f.limit, cursor: f.cursor, map: (r) => exchangeView(r, isFinal),
  });
}

/** One exchange (by address or code) with its status history, or undefined. */
export async function getExchange(
  db: ReadDb,
  key: { address?: string; code?: string },
  isFinal: FinalityCheck,
): Promise<(ExchangeView & { statusHistory: StatusChange[]; registrationTerms: RegistrationTermsView | null }) | undefined> {
  const r = key.address
    ? await db.get<ExchangeRow>(`${EX_SELECT} WHERE x.exchange = ? LIMIT 1`, [key.address])
    : await db.get<ExchangeRow>(`${EX_SELECT} WHERE x.code = ? LIMIT 1`, [key.code ?? ""]);
  if (!r) return undefined;
  const hist = await db.all<RowOf<"exchange_status_changes", "status" | "regulator" | "reason">>(
    `SELECT ${eventCols("s")}, s.status, s.regulator, s.reason FROM exchange_status_changes s WHERE s.exchange = ? ORDER BY s.block_number, s.log_index`,
    [r.exchange],
  );
  const terms = await db.get<RowOf<"lifecycle_events", "notice_days" | "term_days" | "window_days">>(
    `SELECT ${eventCols("t")}, t.notice_days, t.term_days, t.window_days FROM lifecycle_events t
     WHERE t.event = 'terms' AND t.actor = ? AND t.chain_id = ? ORDER BY t.block_number DESC, t.log_index DESC LIMIT 1`,
    [r.exchange, r.chain_id],
  );
  return {
    ...exchangeView(r, isFinal),
    statusHistory: hist.map((h) => ({ status: h.status, by: h.regulator, byRegulator: true, reason: h.reason, event: eventRef(h, isFinal) })),
    registrationTerms: terms
      ? { noticeDays: Number(terms.notice_days), termDays: Number(terms.term_days), renewalWindowDays: Number(terms.window_days), set: eventRef(terms, isFinal) }
      : null,
  };
}

/** Lists merchants in onboarding order. */
export async function listMerchants(
  db: ReadDb,
  f: { exchange?: string; status?: string; category?: string; limit?: number; cursor?: string },
  isFinal: FinalityCheck,
): Promise<Page<MerchantView>> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.status) (where.push("x.status = ?"), params.push(f.status));
  if (f.category) (where.push("x.category IN (?, ?)"), params.push(...spellings(f.category)));
  return paginate<MerchantRow, MerchantView>({
    db, select: M_SELECT, where, params, keys: KEYS, direction: "asc", fixed: f.exchange ? [{ sql: "x.home_exchange", value: f.exchange }] : [],
    limit: f.limit, cursor: f.cursor, map: (r) => merchantView(r, isFinal),
  });
}

/** One merchant with its status history and the exchanges that recognise it now, or undefined. */
export async function getMerchant(
  db: ReadDb,
  address: string,
  isFinal: FinalityCheck,
): Promise<(MerchantView & { statusHistory: StatusChange[]; recognisedAt: { exchange: string; path: RecognitionPathName }[] }) | undefined> {
  const r = await db.get<MerchantRow>(`${M_SELECT} WHERE x.merchant = ? LIMIT 1`, [address]);
  if (!r) return undefined;
  const hist = await db.all<RowOf<"merchant_status_changes", "status" | "by_account" | "by_regulator" | "reason">>(
    `SELECT ${eventCols("s")}, s.status, s.by_account, s.by_regulator, s.reason FROM merchant_status_changes s WHERE s.merchant = ? ORDER BY s.block_number, s.log_index`,
    [address],
  );
  const exchanges = await db.all<ColumnsOf<"exchanges", "exchange">>("SELECT DISTINCT exchange FROM exchanges ORDER BY exchange");
  const recognisedAt: { exchange: string; path: RecognitionPathName }[] = [];
  for (const e of exchanges) {
    const rec = await recognition(db, address, e.exchange);
    if (rec.recognised) recognisedAt.push({ exchange: e.exchange, path: rec.path });
  }
  return {
    ...merchantView(r, isFinal),
    statusHistory: hist.map((h) => ({ status: h.status, by: h.by_account, byRegulator: bool(h.by_regulator), reason: h.reason, event: eventRef(h, isFinal) })),
    recognisedAt,
  };
}

/** Which participant registry a recognition is judged in: a chain and, optionally, one deployment. */
export interface RegistryScope {
  chainId?: number;
  /** ParticipantRegistry address. */
  registry?: string;
}

function scopeSql(alias: string, scope: RegistryScope): { sql: string; params: SqlValue[] } {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  if (scope.chainId !== undefined) (parts.push(`${alias}.chain_id = ?`), params.push(scope.chainId));
  if (scope.registry !== undefined) (parts.push(`${alias}.contract = ?`), params.push(scope.registry));
  return { sql: parts.map((p) => ` AND ${p}`).join(""), params };
}

async function exchangeStatus(db: ReadDb, exchange: string, scope: RegistryScope): Promise<string> {
  const sc = scopeSql("e", scope);
  const r = await db.get<{ status: string }>(`SELECT ${EX_STATUS("e")} AS status FROM exchanges e WHERE e.exchange = ?${sc.sql} LIMIT 1`, [exchange, ...sc.params]);
  return r?.status ?? "none";
}

async function recognises(db: ReadDb, recogniser: string, subject: string, kind: "exchange" | "merchant", scope: RegistryScope): Promise<boolean> {
  const sc = scopeSql("r", scope);
  const r = await db.get<ColumnsOf<"recognitions", "active">>(
    `SELECT r.active FROM recognitions r WHERE r.recogniser = ? AND r.subject = ? AND r.subject_kind = ?${sc.sql} ORDER BY r.block_number DESC, r.log_index DESC LIMIT 1`,
    [recogniser, subject, kind, ...sc.params],
  );
  return bool(r?.active ?? 0);
}

/**
 * Recognition of `merchant` at `exchange`, in the contract's order of checks. Without a scope, the merchant's
 * onboarding row decides the chain and registry (the first one indexed when it was onboarded in several).
 */
export async function recognition(db: ReadDb, merchant: string, exchange: string, scopeIn: RegistryScope = {}): Promise<RecognitionView> {
  const msc = scopeSql("m", scopeIn);
  const m = await db.get<ColumnsOf<"merchants", "home_exchange" | "chain_id" | "contract"> & { status: string }>(
    `SELECT ${M_HOME} AS home_exchange, m.chain_id, m.contract, ${M_STATUS} AS status FROM merchants m WHERE m.merchant = ?${msc.sql} ORDER BY m.block_number, m.log_index LIMIT 1`,
    [merchant, ...msc.params],
  );
  const scope: RegistryScope = m ? { chainId: Number(m.chain_id), registry: m.contract } : scopeIn;
  const exStatus = await exchangeStatus(db, exchange, scope);
  const mStatus = m?.status ?? "none";
  const home = m?.home_exchange ?? null;
  const homeStatus = home ? await exchangeStatus(db, home, scope) : "none";
  const byExchange = home ? await recognises(db, exchange, home, "exchange", scope) : false;
  const byMerchant = await recognises(db, exchange, merchant, "merchant", scope);
  let path: RecognitionPathName = "none";
  let reason: string | null = null;
  if (exStatus !== "active") reason = exStatus === "none" ? "exchange is not accredited" : "exchange is suspended";
  else if (mStatus !== "active") reason = mStatus === "none" ? "merchant is not onboarded" : "merchant is suspended";
  else if (home === exchange) path = "home";
  else if (homeStatus !== "active") reason = "merchant's home exchange is suspended";
  else if (byExchange) path = "whole-exchange";
  else if (byMerchant) path = "single-merchant";
  else reason = "exchange recognises neither the merchant's home exchange nor the merchant";
  return {
    merchant,
    exchange,
    recognised: path !== "none",
    path,
    exchangeStatus: exStatus,
    merchantStatus: mStatus,
    homeExchange: home,
    homeExchangeStatus: homeStatus,
    recognisesHomeExchange: byExchange,
    recognisesMerchant: byMerchant,
    reason,
  };
}
