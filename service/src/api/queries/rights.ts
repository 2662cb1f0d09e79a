/**
 * Rights: the holding history, licences with their terms and revocations, and the rights in force at a given time
 * or block — all derived from append-only rows (latest row wins).
 */
import type { RowOf, StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import type { ReadDb } from "../types";
import { hyphenated } from "../validation";
import { bool, eventCols, eventRef, type EventRef, type EventRow } from "./rows";

/** One change of the holding right. */
export interface HoldingChange {
  from: string;
  to: string;
  /** mint (registration), trade, transfer, burn. */
  kind: string;
  tradeId: string | null;
  event: EventRef;
}

/** A holder over a period. */
export interface HolderPeriod {
  holder: string;
  since: EventRef;
  /** When the next holder took over; null for the current holder. */
  until: EventRef | null;
}

/** State of a licence at a point in time. */
export type LicenceState = "pending" | "in_force" | "expired" | "revoked";

/** A licence grant with its terms and its revocation, if any. */
export interface LicenceView {
  licenceId: string;
  assetId: string;
  grantee: string;
  grantor: string;
  right: string;
  scopeDigest: string;
  /** First second in force (unix). */
  start: number;
  /** First second no longer in force, as granted (exclusive). */
  end: number;
  /** min(end, revokedAt). */
  effectiveEnd: number;
  exclusive: boolean;
  sublicensable: boolean;
  revocable: boolean;
  /** Trade that granted it, or null for a direct grant. */
  tradeId: string | null;
  granted: EventRef;
  revocation: { by: string; byRegulator: boolean; revokedAt: number; reason: string; event: EventRef } | null;
  /** State at `asOf`. */
  state: LicenceState;
}

/** A licence grant row as stored. */
export type LicenceRow = StoredRow<"licences">;
type RevocationRow = RowOf<"licence_revocations", "licence_id" | "by_account" | "by_regulator" | "revoked_at" | "reason">;

/** State of licence `l` at unix time `t`. */
export function licenceStateAt(l: Pick<LicenceView, "start" | "end" | "revocation">, t: number): LicenceState {
  if (l.revocation && l.revocation.revokedAt <= t) return "revoked";
  if (t < l.start) return "pending";
  if (t >= l.end) return "expired";
  return "in_force";
}

/**
 * Licence grants of an asset (optionally only those granted at or before `maxBlock`), oldest first, each paired
 * with the first revocation of the same licence id after it and before its next grant.
 */
export async function licencesOf(
  db: ReadDb,
  assetId: string,
  asOf: number,
  isFinal: FinalityCheck,
  maxBlock?: number,
): Promise<LicenceView[]> {
  const bound = maxBlock === undefined ? "" : " AND l.block_number <= ?";
  const params = maxBlock === undefined ? [assetId] : [assetId, maxBlock];
  const [grants, revs] = await Promise.all([
    db.all<LicenceRow>(`SELECT ${LICENCE_COLS} FROM licences l WHERE l.asset_id = ?${bound} ORDER BY l.chain_id, l.block_number, l.log_index`, params),
    db.all<RevocationRow>(
      `SELECT ${REVOCATION_COLS} FROM licence_revocations l WHERE l.asset_id = ?${bound} ORDER BY l.chain_id, l.block_number, l.log_index`,
      params,
    ),
  ]);
  return pairRevocations(grants, grants, revs, asOf, isFinal);
}

/** The columns of a licence grant row (alias `l`). */
export const LICENCE_COLS = `${eventCols("l")}, l.licence_id, l.asset_id, l.grantee, l.grantor, l."right", l.scope_digest, l.start_time,
       l.end_time, l.exclusive, l.sublicensable, l.revocable, l.trade_id`;
const REVOCATION_COLS = `${eventCols("l")}, l.licence_id, l.by_account, l.by_regulator, l.revoked_at, l.reason`;

/**
 * Licence views of `grants` (a page), each paired with its revocation: `sameIds` are every grant of the page's
 * licence ids and `revs` every revocation of them, in chain order — read by licence id (indexed), so a page costs
 * what it shows.
 */
export async function licencePage(db: ReadDb, grants: LicenceRow[], asOf: number, isFinal: FinalityCheck): Promise<LicenceView[]> {
  if (grants.length === 0) return [];
  const ids = [...new Set(grants.map((g) => g.licence_id))];
  const marks = ids.map(() => "?").join(", ");
  const [sameIds, revs] = await Promise.all([
    db.all<LicenceRow>(`SELECT ${LICENCE_COLS} FROM licences l WHERE l.licence_id IN (${marks})`, ids),
    db.all<RevocationRow>(`SELECT ${REVOCATION_COLS} FROM licence_revocations l WHERE l.licence_id IN (${marks})`, ids),
  ]);
  const order = (a: EventRow, b: EventRow): number =>
    Number(a.chain_id) - Number(b.chain_id) || Number(a.block_number) - Number(b.block_number) || Number(a.log_index) - Number(b.log_index);
  return pairRevocations(grants, sameIds.sort(order), revs.sort(order), asOf, isFinal);
}

/** `grants` as views, each with the first revocation of its id after it and before the id's next grant in `all`. */
function pairRevocations(grants: LicenceRow[], all: LicenceRow[], revs: RevocationRow[], asOf: number, isFinal: FinalityCheck): LicenceView[] {
  const pos = (r: EventRow): [number, number] => [Number(r.block_number), Number(r.log_index)];
  const after = (a: EventRow, b: EventRow): boolean => {
    const [ab, al] = pos(a);
    const [bb, bl] = pos(b);
    return ab > bb || (ab === bb && al > bl);
  };
  return grants.map((g) => {
    const next = all.find((n) => n.licence_id === g.licence_id && Number(n.chain_id) === Number(g.chain_id) && after(n, g));
    const rev = revs.find((r) => r.licence_id === g.licence_id && after(r, g) && (!next || after(next, r)));
    const revocation = rev
      ? {
          by: rev.by_account,
          byRegulator: bool(rev.by_regulator),
          revokedAt: Number(rev.revoked_at),
          reason: rev.reason,
          event: eventRef(rev, isFinal),
        }
      : null;
    const start = Number(g.start_time);
    const end = Number(g.end_time);
    const view: LicenceView = {
      licenceId: g.licence_id,
      assetId: g.asset_id,
      grantee: g.grantee,
      grantor: g.grantor,
      right: hyphenated(g.right),
      scopeDigest: g.scope_digest,
      start,
      end,
      effectiveEnd: revocation ? Math.min(end, revocation.revokedAt) : end,
      exclusive: bool(g.exclusive),
      sublicensable: bool(g.sublicensable),
      revocable: bool(g.revocable),
      tradeId: g.trade_id ?? null,
      granted: eventRef(g, isFinal),
      revocation,
      state: "pending",
    };
    view.state = licenceStateAt(view, asOf);
    return view;
  });
}

/** The time the chain had reached: the indexed block's timestamp (max over chains), or undefined before any. */
export async function indexedChainTime(db: ReadDb, chainId?: number): Promise<number | undefined> {
  const row = await db.get<{ t: number | string | null }>(
    chainId === undefined ? "SELECT MAX(block_time) AS t FROM checkpoints" : "SELECT MAX(block_time) AS t FROM checkpoints WHERE chain_id = ?",
    chainId === undefined ? [] : [chainId],
  );
  return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
}
