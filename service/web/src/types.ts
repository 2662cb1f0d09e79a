/**
 * Shapes of the API answers the pages read: the API's own view types, imported as types only (erased from the
 * bundle), so the page and the API cannot drift apart unnoticed.
 */
export type { AssetView as Asset } from "../../src/api/queries/assets";
export type { LicenceView as Licence } from "../../src/api/queries/rights";
export type { TradeCore as Trade, TradeView } from "../../src/api/queries/trades";
export type { PledgeView as Pledge } from "../../src/api/queries/pledges";
export type { BatchView as Batch, ItemProofView as Occurrence } from "../../src/api/queries/evidence";
export type { ProvenanceReport as Provenance } from "../../src/api/queries/provenance";
export type { LineageGraph } from "../../src/api/queries/lineage-graph";
