/**
 * The provenance report of an asset (来源可溯): lineage up and down, rights timeline (holders, licences with terms
 * and revocations), trades, pledges, freezes and evidence — every entry with its transaction, block and time.
 *
 * An asset can have 100,000 trades, so the long sections are paged (issue 10): trades, holders, licences, evidence
 * items and evidence batches each come a page at a time, oldest first, by keyset cursor over the section's index
 * (`<table>_asset_key`, store/schema.ts). The whole report carries the first page of each and their next cursors;
 * `/v1/assets/{id}/provenance/{section}` pages on.
 */
import type { RowOf } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { eventPositionKeys, paginate, type KeyColumn, type Page, asRead } from "../pagination";
import type { ReadDb } from "../types";
import { assessmentsOfAsset, type AssessmentView } from "./assessments";
import { getAsset, type AssetView } from "./assets";
import { derivationsOf, type DerivationView } from "./derivations";
import { statusHistory, type StatusHistoryEntry } from "./lifecycle";
import { batchView, BATCH_COLS, ITEM_COLS, type BatchRow, type BatchView, type ItemRow } from "./evidence";
import { walkLineage, type LineageSide } from "./lineage";
import { pledgesOfAsset, type PledgeView } from "./pledges";
import { indexedChainTime, licencePage, LICENCE_COLS, type HolderPeriod, type HoldingChange, type LicenceRow, type LicenceView } from "./rights";
import { eventCols, eventRef, bool, type EventRef } from "./rows";
import { TRADE_COLS, withLinks, type TradeRow, type TradeView } from "./trades";

/** A freeze or unfreeze. */
export interface FreezeEntry {
  frozen: boolean;
  regulator: string;
  reason: string;
  event: EventRef;
}

/** An evidence item of valid batches that references the asset (no proof: look it up by digest for that). */
export interface ProvenanceItem {
  itemDigest: string;
  label: string | null;
  leafIndex: number;
  batchRoot: string;
  anchored: EventRef;
}

/** A holding change with the holder period it starts. */
export interface HolderEntry extends HoldingChange {
  /** When the next holding change ended this holder's period; null while it lasts. */
  until: EventRef | null;
}

/** The paged sections of a report. */
export const PROVENANCE_SECTIONS = ["trades", "holders", "licences", "evidence", "batches"] as const;
/** A paged section's name. */
export type ProvenanceSection = (typeof PROVENANCE_SECTIONS)[number];

/** Next cursors of the report's paged sections (null: the report holds them all). */
export type ProvenancePages = Record<ProvenanceSection, string | null>;

/** The whole report: every paged section's first page. */
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
  /** Third-party assessments, oldest first, judged at `asOf`. */
  assessments: AssessmentView[];
  evidence: {
    /** Batches anchored for this asset as a whole. */
    batches: BatchView[];
    /** Items of valid batches whose leaf references this asset. */
    items: ProvenanceItem[];
  };
  /** `page.nextCursor` of each paged section: pass it to `/v1/assets/{id}/provenance/{section}?cursor=`. */
  pages: ProvenancePages;
  /** Page size of the paged sections in this report. */
  pageLimit: number;
}

/** Most pledges and freezes a report lists (an asset has a handful). */
const SMALL_SECTION_LIMIT = 200;

/** Builds the report, or undefined for an unknown asset. */
export async function provenance(
  db: ReadDb,
  assetId: string,
  depth: number,
  isFinal: FinalityCheck,
  now: number,
  pageLimit?: number,
): Promise<ProvenanceReport | undefined> {
  const asset = await getAsset(db, assetId, isFinal);
  if (!asset) return undefined;
  const asOf = await reportTime(db, asset, now);
  const first = { limit: pageLimit };
  const [up, down, holders, licences, trades, pledges, freezeRows, batches, items, derivations, history, assessments] = await Promise.all([
    walkLineage(db, assetId, "up", depth),
    walkLineage(db, assetId, "down", depth),
    holdersPage(db, assetId, first, isFinal),
    licencesPage(db, assetId, first, asOf, isFinal),
    tradesPage(db, assetId, first, isFinal),
    pledgesOfAsset(db, assetId, isFinal, SMALL_SECTION_LIMIT),
    db.all<RowOf<"freezes", "frozen" | "regulator" | "reason">>(
      `SELECT ${eventCols("f")}, f.frozen, f.regulator, f.reason FROM freezes f WHERE f.asset_id = ?
       ORDER BY f.chain_id, f.block_number, f.log_index LIMIT ${SMALL_SECTION_LIMIT}`,
      [assetId],
    ),
    batchesPage(db, assetId, first, isFinal),
    itemsPage(db, assetId, first, isFinal),
    derivationsOf(db, assetId, isFinal),
    statusHistory(db, assetId, isFinal),
    assessmentsOfAsset(db, assetId, isFinal, asOf),
  ]);
  return {
    asset,
    asOf,
    lineage: { depth, up, down },
    derivations,
    statusHistory: history ?? [],
    rights: {
      holdings: holders.items.map(({ until, ...change }) => (void until, change)),
      holders: holders.items.filter((h) => h.kind !== "burn").map((h) => ({ holder: h.to, since: h.event, until: h.until })),
      licences: licences.items,
    },
    trades: trades.items,
    pledges,
    freezes: freezeRows.map((f) => ({ frozen: bool(f.frozen), regulator: f.regulator, reason: f.reason, event: eventRef(f, isFinal) })),
    assessments,
    evidence: { batches: batches.items, items: items.items },
    pages: {
      trades: trades.nextCursor,
      holders: holders.nextCursor,
      licences: licences.nextCursor,
      evidence: items.nextCursor,
      batches: batches.nextCursor,
    },
    pageLimit: trades.limit,
  };
}

/** The chain time licence states are judged at: the asset's chain's indexed head time. */
export async function reportTime(db: ReadDb, asset: AssetView, now: number): Promise<number> {
  return (await indexedChainTime(db, asset.registered.chainId)) ?? Math.floor(now / 1000);
}

/** Paging of one section. */
export interface SectionPaging {
  limit?: number;
  cursor?: string;
}

const KEYS = (alias: string): KeyColumn[] => eventPositionKeys(alias);

/** An asset's trades, oldest first, with their links. */
export async function tradesPage(db: ReadDb, assetId: string, p: SectionPaging, isFinal: FinalityCheck): Promise<Page<TradeView>> {
  const page = await paginate<TradeRow, TradeRow>({
    db, select: `SELECT ${TRADE_COLS} FROM trades t`, where: [], params: [], fixed: [{ sql: "t.asset_id", value: assetId }],
    keys: KEYS("t"), direction: "asc", limit: p.limit, cursor: p.cursor, map: asRead,
  });
  return { ...page, items: await withLinks(db, page.items, isFinal) };
}

type HoldingRow = RowOf<"holdings", "from_address" | "to_address" | "kind" | "trade_id">;
const HOLDING_SELECT = `SELECT ${eventCols("h")}, h.from_address, h.to_address, h.kind, h.trade_id FROM holdings h`;

/** An asset's holding changes, oldest first, each with the end of the holder period it starts. */
export async function holdersPage(db: ReadDb, assetId: string, p: SectionPaging, isFinal: FinalityCheck): Promise<Page<HolderEntry>> {
  const page = await paginate<HoldingRow, HoldingRow>({
    db, select: HOLDING_SELECT, where: [], params: [], fixed: [{ sql: "h.asset_id", value: assetId }],
    keys: KEYS("h"), direction: "asc", limit: p.limit, cursor: p.cursor, map: asRead,
  });
  const last = page.items[page.items.length - 1];
  // the period of the page's last holder ends at the next change, on the next page
  const after = last
    ? await db.get<HoldingRow>(
        `${HOLDING_SELECT} WHERE h.asset_id >= ? AND h.asset_id <= ? AND (h.asset_id, h.chain_id, h.block_number, h.log_index) > (?, ?, ?, ?)
         ORDER BY h.asset_id, h.chain_id, h.block_number, h.log_index LIMIT 1`,
        [assetId, assetId, assetId, Number(last.chain_id), Number(last.block_number), Number(last.log_index)],
      )
    : undefined;
  const rows = page.items;
  return {
    ...page,
    items: rows.map((r, i) => {
      const next = i + 1 < rows.length ? rows[i + 1] : after;
      return {
        from: r.from_address,
        to: r.to_address,
        kind: r.kind,
        tradeId: r.trade_id ?? null,
        event: eventRef(r, isFinal),
        until: next ? eventRef(next, isFinal) : null,
      };
    }),
  };
}

/** An asset's licence grants, oldest first, with their revocations and state at `asOf`. */
export async function licencesPage(db: ReadDb, assetId: string, p: SectionPaging, asOf: number, isFinal: FinalityCheck): Promise<Page<LicenceView>> {
  const page = await paginate<LicenceRow, LicenceRow>({
    db, select: `SELECT ${LICENCE_COLS} FROM licences l`, where: [], params: [], fixed: [{ sql: "l.asset_id", value: assetId }],
    keys: KEYS("l"), direction: "asc", limit: p.limit, cursor: p.cursor, map: asRead,
  });
  return { ...page, items: await licencePage(db, page.items, asOf, isFinal) };
}

/**
 * Evidence items that reference an asset, oldest anchoring first. Items are only ever written for a batch whose
 * manifest rebuilt its root (indexer/manifests.ts), and a valid batch stays valid, so every row is of a valid batch.
 */
export async function itemsPage(db: ReadDb, assetId: string, p: SectionPaging, isFinal: FinalityCheck): Promise<Page<ProvenanceItem>> {
  return paginate<ItemRow, ProvenanceItem>({
    db, select: `SELECT ${ITEM_COLS} FROM evidence_items i`, where: [], params: [], fixed: [{ sql: "i.asset_id", value: assetId }],
    keys: [...KEYS("i"), { sql: "i.leaf_index", field: "leaf_index" }], direction: "asc", limit: p.limit, cursor: p.cursor,
    map: (r) => ({ itemDigest: r.item_digest, label: r.label ?? null, leafIndex: Number(r.leaf_index), batchRoot: r.batch_root, anchored: eventRef(r, isFinal) }),
  });
}

/** Evidence batches anchored for an asset as a whole, oldest first. */
export async function batchesPage(db: ReadDb, assetId: string, p: SectionPaging, isFinal: FinalityCheck): Promise<Page<BatchView>> {
  return paginate<BatchRow, BatchView>({
    db, select: `SELECT ${BATCH_COLS} FROM evidence_batches b`, where: [], params: [], fixed: [{ sql: "b.asset_id", value: assetId }],
    keys: KEYS("b"), direction: "asc", limit: p.limit, cursor: p.cursor, map: (r) => batchView(r, isFinal),
  });
}
