/**
 * The registration lifecycle (lifecycle_events): an asset's status history, and objections with their resolution.
 */
import type { StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { leadingFilter, type Page, newestEvents, asRead } from "../pagination";
import type { ReadDb } from "../types";
import { bool, eventCols, eventRef, type EventRef, conditions } from "./rows";

/** One step of an asset's registration history. */
export interface StatusHistoryEntry {
  /** registration, status, objection, resolution, notice_closed, renewal, validity_limit, change, correction, cancellation_request, cancellation. */
  event: string;
  /** The status from this step on (status steps, and the registration itself). */
  status: string | null;
  /** End of the notice or validity from this step on (unix seconds), when the step sets it; null for none. */
  validUntil: number | null;
  previousValidUntil: number | null;
  /** Who acted: the objector, the resolver, the renewer, the holder or exchange or regulator. */
  actor: string | null;
  objectionId: string | null;
  upheld: boolean | null;
  byRegulator: boolean | null;
  ownEarlierRight: boolean | null;
  /** Grounds digest (objection) or new metadata digest (change, correction). */
  digest: string | null;
  /** The earlier right's digest an objection claims. */
  earlierRightDigest: string | null;
  metadataCid: string | null;
  reason: string | null;
  /** Where the step was recorded on chain. */
  at: EventRef;
}

/** An objection (异议) and, once resolved, its resolution. */
export interface ObjectionView {
  objectionId: string;
  assetId: string;
  objector: string;
  groundsDigest: string;
  ownEarlierRight: boolean;
  earlierRightDigest: string | null;
  /** moot: never resolved, and the registration was refused (on another objection) or cancelled meanwhile. */
  state: "open" | "upheld" | "dismissed" | "moot";
  lodged: EventRef;
  resolution: { by: string; byRegulator: boolean; upheld: boolean; reason: string; event: EventRef } | null;
}

/** Filters of {@link listObjections}. */
export interface ObjectionFilters {
  asset?: string;
  objector?: string;
  state?: ObjectionView["state"];
  ownEarlierRight?: boolean;
  chainId?: number;
  limit?: number;
  cursor?: string;
}

type LifecycleRow = StoredRow<"lifecycle_events">;
const nullableBool = (v: unknown): boolean | null => (v === null || v === undefined ? null : bool(v));
const nullableNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v) || null);

function toEntry(r: LifecycleRow, isFinal: FinalityCheck): StatusHistoryEntry {
  return {
    event: r.event,
    status: r.status,
    validUntil: ["status", "notice_closed", "renewal", "validity_limit"].includes(r.event) ? nullableNum(r.valid_until) : null,
    previousValidUntil: nullableNum(r.previous_valid_until),
    actor: r.actor,
    objectionId: r.objection_id,
    upheld: nullableBool(r.upheld),
    byRegulator: nullableBool(r.by_regulator),
    ownEarlierRight: nullableBool(r.own_earlier_right),
    digest: r.digest,
    earlierRightDigest: r.ref_digest,
    metadataCid: r.cid,
    reason: r.reason,
    at: eventRef(r, isFinal),
  };
}

/**
 * An asset's registration history, oldest first: the registration itself, then every lifecycle event (status
 * changes, objections and resolutions, renewals, changes and corrections, cancellation). Undefined for an unknown
 * asset.
 */
export async function statusHistory(db: ReadDb, assetId: string, isFinal: FinalityCheck): Promise<StatusHistoryEntry[] | undefined> {
  const reg = await db.all<StoredRow<"assets">>(`SELECT * FROM assets WHERE asset_id = ? ORDER BY block_number, log_index LIMIT 1`, [assetId]);
  const first = reg[0];
  if (!first) return undefined;
  const rows = await db.all<LifecycleRow>(
    `SELECT * FROM lifecycle_events WHERE asset_id = ? AND chain_id = ? ORDER BY block_number, log_index`,
    [assetId, first.chain_id],
  );
  const registration: StatusHistoryEntry = {
    event: "registration",
    status: "registered",
    validUntil: null,
    previousValidUntil: null,
    actor: first.exchange,
    objectionId: null,
    upheld: null,
    byRegulator: null,
    ownEarlierRight: null,
    digest: first.metadata_digest,
    earlierRightDigest: null,
    metadataCid: first.metadata_cid,
    reason: null,
    at: eventRef(first, isFinal),
  };
  return [registration, ...rows.map((r) => toEntry(r, isFinal))];
}

/** Row `alias` comes after the objection `o` in the log. */
const AFTER_OBJECTION = (alias: string) =>
  `(${alias}.block_number > o.block_number OR (${alias}.block_number = o.block_number AND ${alias}.log_index > o.log_index))`;

/** An objection is moot when never resolved and its registration was refused or cancelled since — by the lifecycle
 * (注销) or by the regulator for bad faith (consent_events registration-cancelled, the digest freed). */
const SELECT_OBJECTIONS = `SELECT * FROM (SELECT ${eventCols("o")}, o.event, o.asset_id, o.objection_id, o.actor, o.digest, o.own_earlier_right, o.ref_digest,
  COALESCE((SELECT CASE WHEN r.upheld = 1 THEN 'upheld' ELSE 'dismissed' END FROM lifecycle_events r
    WHERE r.chain_id = o.chain_id AND r.contract = o.contract AND r.objection_id = o.objection_id AND r.event = 'resolution' LIMIT 1),
    (SELECT 'moot' FROM lifecycle_events s WHERE s.chain_id = o.chain_id AND s.asset_id = o.asset_id AND s.event = 'status'
      AND s.status IN ('refused', 'cancelled') AND ${AFTER_OBJECTION("s")} LIMIT 1),
    (SELECT 'moot' FROM consent_events c WHERE c.chain_id = o.chain_id AND c.subject = o.asset_id AND c.kind = 'registration-cancelled'
      AND ${AFTER_OBJECTION("c")} LIMIT 1), 'open') AS state
  FROM lifecycle_events o WHERE o.event = 'objection') x`;

type ObjectionRow = LifecycleRow & { state: ObjectionView["state"] };

async function objectionViews(db: ReadDb, rows: ObjectionRow[], isFinal: FinalityCheck): Promise<ObjectionView[]> {
  const resolvedIds = rows.filter((r) => r.state !== "open").map((r) => r.objection_id as string);
  const resolutions = resolvedIds.length
    ? await db.all<LifecycleRow>(
        `SELECT * FROM lifecycle_events WHERE event = 'resolution' AND objection_id IN (${resolvedIds.map(() => "?").join(", ")})`,
        resolvedIds,
      )
    : [];
  const byId = new Map(resolutions.map((r) => [`${r.chain_id}:${r.contract}:${r.objection_id}`, r]));
  return rows.map((r) => {
    const res = byId.get(`${r.chain_id}:${r.contract}:${r.objection_id}`);
    return {
      objectionId: r.objection_id as string,
      assetId: r.asset_id as string,
      objector: r.actor as string,
      groundsDigest: r.digest as string,
      ownEarlierRight: bool(r.own_earlier_right),
      earlierRightDigest: r.ref_digest,
      state: r.state,
      lodged: eventRef(r, isFinal),
      resolution: res
        ? { by: res.actor as string, byRegulator: bool(res.by_regulator), upheld: bool(res.upheld), reason: res.reason ?? "", event: eventRef(res, isFinal) }
        : null,
    };
  });
}

/** Objections, newest first. */
export async function listObjections(db: ReadDb, f: ObjectionFilters, isFinal: FinalityCheck): Promise<Page<ObjectionView>> {
  const { where, params, eq } = conditions();
  // an asset's or an objector's objections by their key-ordered index, else every objection by the event's
  const { fixed, rest } = leadingFilter([
    ["x.asset_id", f.asset],
    ["x.actor", f.objector],
    ["x.event", "objection"],
  ]);
  for (const [col, v] of rest) eq(col, v);
  eq("x.state", f.state);
  eq("x.chain_id", f.chainId);
  if (f.ownEarlierRight !== undefined) eq("x.own_earlier_right", f.ownEarlierRight ? 1 : 0);
  const page = await newestEvents<ObjectionRow, ObjectionRow>({
    db,
    select: SELECT_OBJECTIONS,
    where,
    params,
    limit: f.limit,
    cursor: f.cursor,
    map: asRead,
    fixed,
  });
  return { ...page, items: await objectionViews(db, page.items, isFinal) };
}
