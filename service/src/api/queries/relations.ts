/**
 * Who is connected to whom, for the participant pages: the recognitions an exchange holds now (whom it
 * recognises, who recognises it — the latest recognise/withdraw row of each pair wins), and the licences a merchant
 * was granted or granted to others, each judged at the indexed head's chain time.
 */
import type { FinalityCheck } from "../context";
import type { ReadDb } from "../types";
import { eventPositionKeys, paginate, type Page, asRead } from "../pagination";
import { licencePage, LICENCE_COLS, type LicenceRow, type LicenceView } from "./rights";
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

/**
 * Licences granted to or by `account`, newest grant first, a page at a time, with their state at `asOf`: the grants
 * by grantee and by grantor are two ordered index reads merged (licences_grantee_key, licences_grantor_key), and
 * each grant's revocation is read by licence id — so a page costs the same however many licences the account's
 * assets have.
 */
export async function licencesOfAccount(
  db: ReadDb,
  account: string,
  asOf: number,
  isFinal: FinalityCheck,
  p: { limit?: number; cursor?: string } = {},
): Promise<Page<LicenceView>> {
  const page = await paginate<LicenceRow, LicenceRow>({
    db,
    select: `SELECT ${LICENCE_COLS} FROM licences l`,
    where: [],
    params: [],
    anyOf: [
      { fixed: [{ sql: "l.grantee", value: account }] },
      { fixed: [{ sql: "l.grantor", value: account }] },
    ],
    keys: eventPositionKeys("l"),
    direction: "desc",
    limit: p.limit,
    cursor: p.cursor,
    map: asRead,
  });
  return { ...page, items: await licencePage(db, page.items, asOf, isFinal) };
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
