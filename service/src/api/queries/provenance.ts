/**
 * The provenance report of an asset (来源可溯): lineage up and down, rights timeline (holders, licences with terms
 * and revocations), trades, pledges, freezes and evidence — every entry with its transaction, block and time.
 */
import type { RowOf } from "../../store/schema";
import type { FinalityCheck } from "../context";
import type { ReadDb } from "../types";
import { getAsset, type AssetView } from "./assets";
import { derivationsOf, type DerivationView } from "./derivations";
import { statusHistory, type StatusHistoryEntry } from "./lifecycle";
import { batchesOfAsset, itemsOfAsset, type BatchView } from "./evidence";
import { walkLineage, type LineageSide } from "./lineage";
import { pledgesOfAsset, type PledgeView } from "./pledges";
import { holderPeriods, holdingChanges, indexedChainTime, licencesOf, type HolderPeriod, type HoldingChange, type LicenceView } from "./rights";
import { eventCols, eventRef, bool, type EventRef } from "./rows";
import { tradesOfAsset, type TradeView } from "./trades";

/** A freeze or unfreeze. */
export interface FreezeEntry {
  frozen: boolean;
  regulator: string;
  reason: string;
  event: EventRef;
}

/** The whole report. */
export interface ProvenanceReport {
  asset: AssetView;
  /** Chain time the licence states are judged at (indexed head's block time). */
  asOf: number;
  lineage: { depth: number; up: LineageSide; down: LineageSide };
  /** What authorised each derivation: from this asset's parents, and into its children. */
  derivations: { fromParents: DerivationView[]; intoChildren: DerivationView[] };
  /** The registration's history: notice, objections, in force, renewals, changes, cancellation. */
  statusHistory: StatusHistoryEntry[];
  rights: { holdings: HoldingChange[]; holders: HolderPeriod[]; licences: LicenceView[] };
  trades: TradeView[];
  pledges: PledgeView[];
  freezes: FreezeEntry[];
  evidence: {
    /** Batches anchored for this asset as a whole. */
    batches: BatchView[];
    /** Items of valid batches whose leaf references this asset. */
    items: { itemDigest: string; label: string | null; leafIndex: number; batchRoot: string; anchored: EventRef }[];
  };
}

/** Builds the report, or undefined for an unknown asset. */
export async function provenance(
  db: ReadDb,
  assetId: string,
  depth: number,
  isFinal: FinalityCheck,
  now: number,
): Promise<ProvenanceReport | undefined> {
  const asset = await getAsset(db, assetId, isFinal);
  if (!asset) return undefined;
  const asOf = (await indexedChainTime(db, asset.registered.chainId)) ?? Math.floor(now / 1000);
  const [up, down, holdings, licences, trades, pledges, freezeRows, batches, items, derivations, history] = await Promise.all([
    walkLineage(db, assetId, "up", depth),
    walkLineage(db, assetId, "down", depth),
    holdingChanges(db, assetId, isFinal),
    licencesOf(db, assetId, asOf, isFinal),
    tradesOfAsset(db, assetId, isFinal),
    pledgesOfAsset(db, assetId, isFinal),
    db.all<RowOf<"freezes", "frozen" | "regulator" | "reason">>(
      `SELECT ${eventCols("f")}, f.frozen, f.regulator, f.reason FROM freezes f WHERE f.asset_id = ? ORDER BY f.block_number, f.log_index`,
      [assetId],
    ),
    batchesOfAsset(db, assetId, isFinal),
    itemsOfAsset(db, assetId, isFinal),
    derivationsOf(db, assetId, isFinal),
    statusHistory(db, assetId, isFinal),
  ]);
  return {
    asset,
    asOf,
    lineage: { depth, up, down },
    derivations,
    statusHistory: history ?? [],
    rights: { holdings, holders: holderPeriods(holdings), licences },
    trades,
    pledges,
    freezes: freezeRows.map((f) => ({ frozen: bool(f.frozen), regulator: f.regulator, reason: f.reason, event: eventRef(f, isFinal) })),
    evidence: { batches, items },
  };
}
