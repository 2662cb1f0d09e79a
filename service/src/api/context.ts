/**
 * Per-app context handed to every route handler, and the finality bookkeeping every response carries.
 */
import type { EvidenceTreeCache } from "./queries/evidence-tree-cache";
import type { ApiContentStore, ChainStatus, IndexerStatus, PublicChain, ReadDb } from "./types";

/** What a route handler can use. */
export interface ApiContext {
  db: ReadDb;
  indexerStatus: () => IndexerStatus;
  contentStore?: ApiContentStore;
  evidenceTrees: EvidenceTreeCache;
  now: () => number;
  /** The API version (GET /v1/config). */
  apiVersion: string;
  /** Chains as browsers are told about them (GET /v1/config). */
  publicChains: readonly PublicChain[];
  /** Base URL of the public page (certificate links and QR codes). */
  publicUrl: string;
}

/** The indexed head a response reflects, per chain. */
export interface HeadMeta {
  chainId: number;
  /** Highest indexed block: the response reflects the chain up to here. */
  indexedBlock: number;
  /** Latest block the node reported (null before the first poll). */
  chainHead: number | null;
  /** chainHead - indexedBlock (null when unknown). */
  lag: number | null;
  confirmations: number;
  /** Timestamp of indexedBlock, when known. */
  indexedBlockTime: number | null;
  /** Entries at or below this block are final: min(indexedBlock, chainHead - confirmations). */
  finalBlock: number;
}

/** `meta` of every response. */
export interface ResponseMeta {
  heads: HeadMeta[];
}

/** Builds the `meta` block from a status snapshot. */
export function headMeta(status: IndexerStatus): ResponseMeta {
  return { heads: status.chains.map(headOf) };
}

function headOf(c: ChainStatus): HeadMeta {
  return {
    chainId: c.chainId,
    indexedBlock: c.indexedBlock,
    chainHead: c.chainHead,
    lag: c.chainHead === null ? null : Math.max(0, c.chainHead - c.indexedBlock),
    confirmations: c.confirmations,
    indexedBlockTime: c.indexedBlockTime ?? null,
    finalBlock: finalBlockOf(c),
  };
}

/** Highest final indexed block: min(indexedBlock, chainHead - confirmations); without a head, indexedBlock - confirmations. */
function finalBlockOf(c: ChainStatus): number {
  const byHead = c.finalizedBlock ?? (c.chainHead === null ? c.indexedBlock - c.confirmations : c.chainHead - c.confirmations);
  return Math.min(c.indexedBlock, byHead);
}

/** Decides whether an entry of `chainId` at `blockNumber` is final under a status snapshot. */
export type FinalityCheck = (chainId: number, blockNumber: number) => boolean;

/** A finality check over one status snapshot (so a whole response uses one head). */
export function finalityOf(status: IndexerStatus): FinalityCheck {
  const finalBlock = new Map(status.chains.map((c) => [c.chainId, finalBlockOf(c)]));
  return (chainId, blockNumber) => blockNumber <= (finalBlock.get(chainId) ?? -1);
}
