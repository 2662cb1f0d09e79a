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

type HoldingRow = RowOf<"holdings", "from_address" | "to_address" | "kind" | "trade_id">;
type LicenceRow = StoredRow<"licences">;
type RevocationRow = RowOf<"licence_revocations", "licence_id" | "by_account" | "by_regulator" | "revoked_at" | "reason">;

/** Holding changes of an asset, oldest first. */
export async function holdingChanges(db: ReadDb, assetId: string, isFinal: FinalityCheck): Promise<HoldingChange[]> {
  const rows = await db.all<HoldingRow>(
    `SELECT ${eventCols("h")}, h.from_address, h.to_address, h.kind, h.trade_id FROM holdings h
     WHERE h.asset_id = ? ORDER BY h.block_number, h.log_index`,
    [assetId],
  );
  return rows.map((r) => ({ from: r.from_address, to: r.to_address, kind: r.kind, tradeId: r.trade_id ?? null, event: eventRef(r, isFinal) }));
}

/** Holder periods from holding changes. */
export function holderPeriods(changes: readonly HoldingChange[]): HolderPeriod[] {
  return changes
    .filter((c) => c.kind !== "burn")
    .map((c, i, all) => ({ holder: c.to, since: c.event, until: all[i + 1]?.event ?? null }));
}

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
  const grants = await db.all<LicenceRow>(
    `SELECT ${eventCols("l")}, l.licence_id, l.asset_id, l.grantee, l.grantor, l."right", l.scope_digest, l.start_time,
       l.end_time, l.exclusive, l.sublicensable, l.revocable, l.trade_id
     FROM licences l WHERE l.asset_id = ?${bound} ORDER BY l.block_number, l.log_index`,
    params,
  );
  const revs = await db.all<RevocationRow>(
    `SELECT ${eventCols("l")}, l.licence_id, l.by_account, l.by_regulator, l.revoked_at, l.reason
     FROM licence_revocations l WHERE l.asset_id = ?${bound} ORDER BY l.block_number, l.log_index`,
    params,
  );
  const pos = (r: EventRow): [number, number] => [Number(r.block_number), Number(r.log_index)];
  const after = (a: EventRow, b: EventRow): boolean => {
    const [ab, al] = pos(a);
    const [bb, bl] = pos(b);
    return ab > bb || (ab === bb && al > bl);
  };
  return grants.map((g, i) => {
    const next = grants.slice(i + 1).find((n) => n.licence_id === g.licence_id);
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
