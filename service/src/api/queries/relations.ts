/**
 * Who is connected to whom, for the participant pages: the recognitions an exchange holds now (whom it
 * recognises, who recognises it — the latest recognise/withdraw row of each pair wins), and the licences a merchant
 * was granted or granted to others, each judged at the indexed head's chain time.
 */
import type { FinalityCheck } from "../context";
import type { ReadDb } from "../types";
import { licencesOf, type LicenceView } from "./rights";
import { bool, eventCols, eventRef, placeholders, type EventRef, type EventRow } from "./rows";

/** A recognition in force. */
export interface RecognitionEdge {
  recogniser: string;
  subject: string;
  /** `exchange` (whole-exchange recognition) or `merchant` (single merchant). */
  subjectKind: string;
  /** The row that made it so. */
  since: EventRef;
}

/** An exchange's recognitions now. */
export interface ExchangeRecognitions {
  exchange: string;
  /** Exchanges and merchants this exchange recognises. */
  recognises: RecognitionEdge[];
  /** Exchanges that recognise this exchange's onboarding as a whole. */
  recognisedBy: RecognitionEdge[];
}

interface RecognitionRow extends EventRow {
  recogniser: string;
  subject: string;
  subject_kind: string;
  active: number | boolean;
}

/** Latest row per (recogniser, subject) wins; only active pairs are kept. */
function current(rows: readonly RecognitionRow[], isFinal: FinalityCheck): RecognitionEdge[] {
  const latest = new Map<string, RecognitionRow>();
  for (const r of rows) latest.set(`${r.recogniser}|${r.subject}`, r); // rows come in chain order
  return [...latest.values()]
    .filter((r) => bool(r.active))
    .map((r) => ({ recogniser: r.recogniser, subject: r.subject, subjectKind: r.subject_kind, since: eventRef(r, isFinal) }));
}

/** The recognitions of `exchange` (an address). */
export async function exchangeRecognitions(db: ReadDb, exchange: string, isFinal: FinalityCheck): Promise<ExchangeRecognitions> {
  const cols = `${eventCols("r")}, r.recogniser, r.subject, r.subject_kind, r.active`;
  const [given, received] = await Promise.all([
    db.all<RecognitionRow>(`SELECT ${cols} FROM recognitions r WHERE r.recogniser = ? ORDER BY r.block_number, r.log_index`, [exchange]),
    db.all<RecognitionRow>(`SELECT ${cols} FROM recognitions r WHERE r.subject = ? ORDER BY r.block_number, r.log_index`, [exchange]),
  ]);
  return { exchange, recognises: current(given, isFinal), recognisedBy: current(received, isFinal) };
}

/** Most assets whose licences one merchant request reads. */
export const MERCHANT_LICENCE_ASSETS = 200;

/** Licences granted to or by `account`, newest grant first, with their state at `asOf`. */
export async function licencesOfAccount(
  db: ReadDb,
  account: string,
  asOf: number,
  isFinal: FinalityCheck,
): Promise<{ licences: LicenceView[]; truncated: boolean }> {
  const assets = await db.all<{ asset_id: string }>(
    `SELECT DISTINCT asset_id FROM licences WHERE grantee = ? OR grantor = ? LIMIT ${MERCHANT_LICENCE_ASSETS + 1}`,
    [account, account],
  );
  const truncated = assets.length > MERCHANT_LICENCE_ASSETS;
  const licences: LicenceView[] = [];
  for (const a of assets.slice(0, MERCHANT_LICENCE_ASSETS)) {
    for (const l of await licencesOf(db, a.asset_id, asOf, isFinal)) if (l.grantee === account || l.grantor === account) licences.push(l);
  }
  licences.sort((a, b) => b.granted.blockNumber - a.granted.blockNumber || b.granted.logIndex - a.granted.logIndex);
  return { licences, truncated };
}

/** Registration numbers of asset ids (for labelling lists). */
export async function registrationNumbers(db: ReadDb, ids: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 200) {
    const chunk = unique.slice(i, i + 200);
    const rows = await db.all<{ asset_id: string; registration_number: string }>(
      `SELECT asset_id, registration_number FROM assets WHERE asset_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) out[r.asset_id] ??= r.registration_number;
  }
  return out;
}
