/** Shapes of the API answers the pages read (docs/api.md). */
import type { EventRef } from "./api";

export interface Asset {
  assetId: string;
  contentDigest: string;
  registrationNumber: string;
  registry: string;
  exchange: string;
  exchangeCode: string;
  kind: string;
  source: string;
  level: string;
  metadataDigest: string;
  metadataCid: string;
  consentDigest: string | null;
  parents: string[];
  holder: string;
  registeredHolder: string;
  status: string;
  frozen: boolean;
  pledged: boolean;
  registered: EventRef;
}

export interface Licence {
  licenceId: string;
  assetId: string;
  grantee: string;
  grantor: string;
  right: string;
  scopeDigest: string;
  start: number;
  end: number;
  effectiveEnd: number;
  exclusive: boolean;
  sublicensable: boolean;
  revocable: boolean;
  tradeId: string | null;
  granted: EventRef;
  revocation: { by: string; byRegulator: boolean; revokedAt: number; reason: string; event: EventRef } | null;
  state: string;
}

export interface Trade {
  tradeId: string;
  assetId: string;
  exchange: string;
  seller: string;
  buyer: string;
  right: string;
  licenceId: string | null;
  price: string | null;
  currency: string | null;
  confidential: boolean;
  priceCommitment: string | null;
  contractDigest: string;
  venue: string;
  linkedTradeId: string | null;
  event: EventRef;
  linkedTrade?: Trade | null;
  linkedBy?: Trade[];
}

export interface Pledge {
  pledgeId: string;
  assetId: string;
  lender: string;
  holder: string;
  amount: string;
  currency: string;
  start: number;
  end: number;
  status: string;
  registered: EventRef;
  closed: { status: string; by: string; reason: string; event: EventRef } | null;
}

export interface Batch {
  root: string;
  exchange: string;
  assetId: string | null;
  leafCount: number;
  manifestCid: string;
  manifestStatus: string;
  manifestError: string | null;
  anchored: EventRef;
}

export interface Provenance {
  asset: Asset;
  asOf: number;
  rights: {
    holdings: { from: string; to: string; kind: string; tradeId: string | null; event: EventRef }[];
    holders: { holder: string; since: EventRef; until: EventRef | null }[];
    licences: Licence[];
  };
  trades: Trade[];
  pledges: Pledge[];
  freezes: { frozen: boolean; regulator: string; reason: string; event: EventRef }[];
  evidence: { batches: Batch[]; items: { itemDigest: string; label: string | null; leafIndex: number; batchRoot: string; anchored: EventRef }[] };
}

export interface LineageGraph {
  assetId: string;
  depth: number;
  nodes: { assetId: string; registrationNumber: string | null; kind: string | null; level: string | null; exchangeCode: string | null; depth: number }[];
  edges: {
    child: string;
    parent: string;
    basis: "holder" | "licence" | "unknown";
    licence: { licenceId: string; grantor: string; grantee: string; start: number; end: number; granted: EventRef } | null;
    registered: EventRef | null;
  }[];
  truncated: { up: boolean; down: boolean };
}

export interface Occurrence {
  itemDigest: string;
  assetId: string;
  hasAsset: boolean;
  label: string | null;
  leafIndex: number;
  leaf: string;
  proof: string[];
  batch: Batch;
  valid: boolean;
}
