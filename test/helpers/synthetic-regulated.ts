/**
 * Regulated-use, lifecycle and consent rows in the store's own row shapes, beside the synthetic market
 * (synthetic-market.ts), for the query-plan test: receipt batches with receipts and violations, receipt operators,
 * assessments with responses and withdrawals, assessor grants and policies, cross-border terms of market trades,
 * lifecycle events (status changes, objections, resolutions) and consent events. Deterministic; its rows sit in
 * blocks above the market's (from {@link REGULATED_FIRST_BLOCK}), so both fill one store.
 */
import { createHash } from "node:crypto";
import { writtenColumns, type SqlValue } from "../../service/src/store";
import type { EventTableName } from "../../service/src/store/schema";
import { SYNTHETIC_CHAIN, syntheticAssetId, syntheticExchange, syntheticMerchant, syntheticTradeId, type RowChunk } from "./synthetic-market";

/** The first block of the regulated rows (above any market the tests build). */
export const REGULATED_FIRST_BLOCK = 5_000_000;
const BASE_TIME = 1_767_225_600;
const C = {
  receipts: "0x5fbdb2315678afecb367f032d93f642f64180aa6",
  assessments: "0x5fbdb2315678afecb367f032d93f642f64180aa7",
  trades: "0x5fbdb2315678afecb367f032d93f642f64180aa4",
  registry: "0x5fbdb2315678afecb367f032d93f642f64180aa2",
  lifecycle: "0x5fbdb2315678afecb367f032d93f642f64180aa8",
  participants: "0x5fbdb2315678afecb367f032d93f642f64180aa1",
};
const REGULATOR = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const CODES = ["unknown-licence", "wrong-licensee", "purpose-mismatch", "outside-window", "after-revocation"] as const;
const KINDS = ["quality", "compliance", "valuation", "security"] as const;
const DESTINATIONS = ["HK", "SG", "DE", "US"] as const;
const CONSENT = ["registration-reassigned", "merchant-moved", "asset-deidentified", "derivation-approved"] as const;

const hex32 = (s: string): string => `0x${createHash("sha256").update(s).digest("hex")}`;

/** Receipt batch `n`'s root. */
export const syntheticReceiptRoot = (n: number): string => hex32(`receipt-batch:${n}`);
/** Receipt `n`'s leaf hash. */
export const syntheticReceiptLeaf = (n: number): string => hex32(`receipt-leaf:${n}`);
/** Licence `n` of the receipts. */
export const syntheticReceiptLicence = (n: number): string => hex32(`receipt-licence:${n}`);
/** Assessment `n`'s id. */
export const syntheticAssessmentId = (n: number): string => hex32(`assessment:${n}`);

/** Sizes. */
export interface RegulatedOptions {
  /** Receipts, ten per batch; every other one with a violation. */
  receipts: number;
  assessments: number;
  crossBorder: number;
  /** Lifecycle rows: status changes, objections and their resolutions. */
  lifecycle: number;
  consent: number;
  /** Assets, merchants and exchanges of the market the rows refer to. */
  assets: number;
  merchants: number;
  exchanges: number;
}

/** The rows, table by table, in chain order within each table. */
export function* regulatedRows(o: RegulatedOptions): Generator<RowChunk> {
  let block = REGULATED_FIRST_BLOCK;
  let log = 0;
  const ev = (contract: string, sameLog = false): SqlValue[] => {
    if (!sameLog) {
      log++;
      if (log === 10) (block++, (log = 0));
    }
    return [SYNTHETIC_CHAIN, contract, block, log, hex32(`regulated-tx:${block}`), BASE_TIME + block * 2];
  };
  const out = new Map<EventTableName, SqlValue[][]>();
  const add = (table: EventTableName, row: SqlValue[]): void => {
    const cols = writtenColumns(table);
    if (row.length !== cols.length) throw new Error(`${table}: ${row.length} values for ${cols.length} columns`);
    let list = out.get(table);
    if (!list) out.set(table, (list = []));
    list.push(row);
  };
  const asset = (n: number): string => syntheticAssetId(n % o.assets);
  const merchant = (n: number): string => syntheticMerchant(n % o.merchants);

  for (let m = 0; m < 20; m++) add("receipt_operators", [...ev(C.receipts), merchant(m), merchant(m + 1), 1]);
  for (let b = 0; b * 10 < o.receipts; b++) {
    const root = syntheticReceiptRoot(b);
    const submitter = merchant(b);
    const e = ev(C.receipts);
    add("receipt_batches", [...e, root, submitter, 10, `bafkreceipts${b}`]);
    for (let k = 0; k < 10; k++) {
      const i = b * 10 + k;
      const licence = syntheticReceiptLicence(i % 500);
      const licensee = merchant(i % 37);
      const licensor = merchant(i % 41 + 1);
      const violating = i % 2 === 0;
      add("receipts", [
        ...e, root, k, licence, licensee, submitter, asset(i), licensor, hex32(`purpose:${i % 9}`), hex32(`inputs:${i}`), hex32(`input:${i}`),
        hex32(`output:${i}`), hex32(`parameters:${i}`), BASE_TIME + i, BASE_TIME + i + 60, syntheticReceiptLeaf(i), `0x${"ab".repeat(32 * 4)}`, violating ? 1 : 0,
      ]);
      if (violating) add("receipt_violations", [...e, root, k, CODES[i % CODES.length]!, "synthetic finding", licence, asset(i), licensor, licensee, submitter]);
    }
  }
  for (let m = 0; m < 30; m++) add("assessor_grants", [...ev(C.assessments), merchant(m), REGULATOR, 15, 1]);
  for (let x = 0; x < o.exchanges; x++) add("assessment_policies", [...ev(C.assessments), syntheticExchange(x), 3, 1]);
  for (let a = 0; a < o.assessments; a++) {
    const id = syntheticAssessmentId(a);
    const kind = KINDS[a % 4]!;
    add("assessments", [
      ...ev(C.assessments), id, asset(a), merchant(a % 30), kind, a % 7 === 0 ? "fail" : "pass", kind === "valuation" ? "1000000" : null,
      kind === "valuation" ? "CNY" : null, hex32(`report:${a}`), `bafkreport${a}`, BASE_TIME + 365 * 86400,
    ]);
    if (a % 10 === 1) add("assessment_responses", [...ev(C.assessments), id, asset(a), merchant(a), hex32(`response:${a}`), `bafkresponse${a}`]);
    if (a % 25 === 2) add("assessment_withdrawals", [...ev(C.assessments), id, asset(a), REGULATOR, 1, "withdrawn"]);
  }
  for (let t = 0; t < o.crossBorder; t++) {
    add("cross_border_trades", [...ev(C.trades), syntheticTradeId(t * 3), asset(t), t % 5 === 0 ? "security-assessment" : "standard-contract", t % 2 ? hex32(`filing:${t}`) : null, DESTINATIONS[t % 4]!]);
  }
  for (let i = 0; i < o.lifecycle; i++) {
    const a = asset(i);
    const kind = i % 3;
    if (kind === 0) add("lifecycle_events", [...ev(C.registry), a, "status", "registered", BASE_TIME + 1000 * 86400, null, REGULATOR, null, null, null, null, null, null, null, null, null, null, null]);
    else if (kind === 1) add("lifecycle_events", [...ev(C.lifecycle), a, "objection", null, null, null, merchant(i), hex32(`objection:${i}`), null, null, i % 2, hex32(`grounds:${i}`), null, `bafkobjection${i}`, null, null, null, null]);
    else add("lifecycle_events", [...ev(C.lifecycle), a, "resolution", null, null, null, REGULATOR, hex32(`objection:${i - 1}`), i % 4 === 0 ? 1 : 0, 1, null, null, null, null, "reviewed", null, null, null]);
  }
  for (let i = 0; i < o.consent; i++) {
    const k = CONSENT[i % CONSENT.length]!;
    const subject = k === "merchant-moved" ? merchant(i) : asset(i);
    add("consent_events", [...ev(C.participants), k, subject, merchant(i + 3), merchant(i + 5), REGULATOR, hex32(`consent:${i}`), null]);
  }
  for (const [table, values] of out) yield { table, columns: writtenColumns(table), values };
}
