/**
 * Rights in force at a unix time or a block: the holder (latest holding row at or before it), the licences in
 * force then (granted by then, start <= t < end, not revoked by then), and whether the asset was frozen or
 * pledged.
 */
import type { ColumnsOf, RowOf } from "../../store/schema";
import type { FinalityCheck } from "../context";
import type { ReadDb } from "../types";
import { bool, eventCols, eventRef, type EventRef } from "./rows";
import { blockTimeAt } from "../../store/block-time";
import { licencesOf, licenceStateAt, type LicenceView } from "./rights";

/** The point in time asked about. */
export type RightsPoint = { at: number } | { block: number };

/** Rights of an asset at a point in time. */
export interface RightsAtView {
  assetId: string;
  /** The unix time judged (the block's timestamp when asked by block). */
  time: number;
  /** The block judged, when asked by block. */
  block: number | null;
  /** True when asked by block and the block's own timestamp was not kept: `time` is the latest indexed time at or before it. */
  timeApproximate: boolean;
  /** Null before registration. */
  holder: { address: string; since: EventRef } | null;
  licences: LicenceView[];
  frozen: boolean;
  pledged: boolean;
}

type HolderRow = RowOf<"holdings", "to_address">;

/** Computes the rights of `assetId` (registered on `chainId`) at `point`. */
export async function rightsAt(
  db: ReadDb,
  assetId: string,
  chainId: number,
  point: RightsPoint,
  isFinal: FinalityCheck,
): Promise<RightsAtView> {
  let time: number;
  let block: number | null = null;
  let approx = false;
  let bound: string;
  let boundValue: number;
  if ("block" in point) {
    block = point.block;
    bound = "block_number <= ?";
    boundValue = point.block;
    const exact = await blockTimeAt(db, chainId, point.block);
    if (exact !== undefined) time = exact;
    else {
      approx = true;
      const r = await db.get<{ t: number | null }>(
        // block times only grow with the block: the latest row at or below it, by the key
        "SELECT block_time AS t FROM holdings WHERE chain_id = ? AND block_number <= ? ORDER BY chain_id DESC, block_number DESC, log_index DESC LIMIT 1",
        [chainId, point.block],
      );
      time = Number(r?.t ?? 0);
    }
  } else {
    time = point.at;
    bound = "block_time <= ?";
    boundValue = point.at;
  }
  const latest = async <T>(sql: string): Promise<T | undefined> =>
    db.get<T>(`${sql} AND ${bound} ORDER BY block_number DESC, log_index DESC LIMIT 1`, [assetId, chainId, boundValue]);

  // independent reads, in flight together (PostgreSQL's pool runs them at once)
  const [h, f, p, granted] = await Promise.all([
    latest<HolderRow>(`SELECT ${eventCols("h")}, h.to_address FROM holdings h WHERE h.asset_id = ? AND h.chain_id = ?`),
    latest<ColumnsOf<"freezes", "frozen">>("SELECT frozen FROM freezes WHERE asset_id = ? AND chain_id = ?"),
    latest<ColumnsOf<"pledge_locks", "pledged">>("SELECT pledged FROM pledge_locks WHERE asset_id = ? AND chain_id = ?"),
    block !== null ? licencesOf(db, assetId, time, isFinal, block) : licencesOf(db, assetId, time, isFinal),
  ]);
  const licences: LicenceView[] = block !== null ? granted : granted.filter((l) => l.granted.blockTime <= time);
  // a licence id re-granted later replaces the earlier grant: keep the latest grant per id as of the point
  const latestGrant = new Map<string, LicenceView>();
  for (const l of licences) latestGrant.set(l.licenceId, l);
  const inForce = [...latestGrant.values()]
    .map((l) => {
      // a revocation after the point does not count yet
      const revocation = l.revocation && (block !== null ? l.revocation.event.blockNumber <= block : l.revocation.event.blockTime <= time) ? l.revocation : null;
      return { ...l, revocation, state: licenceStateAt({ ...l, revocation }, time) };
    })
    .filter((l) => l.state === "in_force");

  return {
    assetId,
    time,
    block,
    timeApproximate: approx,
    holder: h && h.to_address !== `0x${"0".repeat(40)}` ? { address: h.to_address, since: eventRef(h, isFinal) } : null,
    licences: inForce,
    frozen: bool(f?.frozen ?? 0),
    pledged: bool(p?.pledged ?? 0),
  };
}
