/**
 * Ownership-proof verification: the signature recovers the claimed holder, the statement says what the request
 * says, and the holder held the asset at the block (latest holding row at or before it).
 */
import { verifyMessage, verifyTypedData } from "ethers";
import {
  OWNERSHIP_STATEMENT_HEADER,
  OWNERSHIP_TYPES,
  ownershipDomain,
  ownershipTypedMessage,
  parseOwnershipStatement,
} from "../../digest/ownership-statement";
import type { ColumnsOf, RowOf } from "../../store/schema";
import type { FinalityCheck } from "../context";
import type { IndexerStatus, ReadDb } from "../types";
import { eventCols, eventRef, type EventRef } from "./rows";

/** A verification request (validated). */
export interface OwnershipRequest {
  assetId: string;
  holder: string;
  block?: number;
  chainId?: number;
  statement: string;
  signature: string;
  scheme: "eip191" | "eip712";
}

/** One reason a proof fails. */
export interface OwnershipReason {
  code:
    | "asset_not_found"
    | "block_not_indexed"
    | "statement_malformed"
    | "statement_mismatch"
    | "signature_invalid"
    | "signer_mismatch"
    | "holder_mismatch";
  message: string;
}

/** The verdict. */
export interface OwnershipVerdict {
  valid: boolean;
  reasons: OwnershipReason[];
  assetId: string;
  holder: string;
  chainId: number | null;
  /** The block judged (the indexed head when none was given). */
  block: number | null;
  /** Address the signature recovers, when it parses. */
  signer: string | null;
  /** Who held the asset at `block`, per the index. */
  holderAtBlock: string | null;
  /** The holding change that made `holderAtBlock` the holder. */
  holderSince: EventRef | null;
  /** True when `block` is final (<= indexed head - confirmations). */
  final: boolean;
}

function recover(req: OwnershipRequest, chainId: number): string {
  if (req.scheme === "eip191") return verifyMessage(req.statement, req.signature).toLowerCase();
  const types = { OwnershipStatement: [...OWNERSHIP_TYPES.OwnershipStatement] };
  return verifyTypedData(ownershipDomain(chainId), types, ownershipTypedMessage(req), req.signature).toLowerCase();
}

/** Verifies an ownership proof against the index. */
export async function verifyOwnership(
  db: ReadDb,
  status: IndexerStatus,
  req: OwnershipRequest,
  isFinal: FinalityCheck,
): Promise<OwnershipVerdict> {
  const reasons: OwnershipReason[] = [];
  const verdict: OwnershipVerdict = {
    valid: false, reasons, assetId: req.assetId, holder: req.holder, chainId: null, block: null,
    signer: null, holderAtBlock: null, holderSince: null, final: false,
  };
  const asset = await db.get<ColumnsOf<"assets", "chain_id">>(
    `SELECT chain_id FROM assets WHERE asset_id = ?${req.chainId === undefined ? "" : " AND chain_id = ?"} ORDER BY block_number LIMIT 1`,
    req.chainId === undefined ? [req.assetId] : [req.assetId, req.chainId],
  );
  if (!asset) {
    reasons.push({ code: "asset_not_found", message: `asset ${req.assetId} is not registered${req.chainId === undefined ? "" : ` on chain ${req.chainId}`}` });
    return verdict;
  }
  const chainId = Number(asset.chain_id);
  verdict.chainId = chainId;
  const head = status.chains.find((c) => c.chainId === chainId)?.indexedBlock ?? -1;
  const block = req.block ?? head;
  verdict.block = block;
  verdict.final = isFinal(chainId, block);
  if (block > head) reasons.push({ code: "block_not_indexed", message: `block ${block} is beyond the indexed head ${head}` });

  const fields = parseOwnershipStatement(req.statement);
  if (!fields) {
    reasons.push({ code: "statement_malformed", message: `statement must start with the line "${OWNERSHIP_STATEMENT_HEADER}"` });
  } else {
    const expect: [string, string][] = [
      ["Asset", req.assetId],
      ["Holder", req.holder],
      ["Chain", String(chainId)],
      ["Block", req.block === undefined ? "latest" : String(req.block)],
    ];
    for (const [key, want] of expect) {
      const got = fields[key];
      if (got === undefined) reasons.push({ code: "statement_malformed", message: `statement has no "${key}:" line` });
      else if (got.toLowerCase() !== want.toLowerCase())
        reasons.push({ code: "statement_mismatch", message: `statement says ${key} ${got}, request says ${want}` });
    }
  }

  try {
    verdict.signer = recover(req, chainId);
    if (verdict.signer !== req.holder)
      reasons.push({ code: "signer_mismatch", message: `signature recovers ${verdict.signer}, not the holder ${req.holder}` });
  } catch (e) {
    reasons.push({ code: "signature_invalid", message: `signature does not recover an address: ${e instanceof Error ? e.message.split(" (")[0] : "invalid"}` });
  }

  const h = await db.get<RowOf<"holdings", "to_address">>(
    `SELECT ${eventCols("h")}, h.to_address FROM holdings h WHERE h.asset_id = ? AND h.chain_id = ? AND h.block_number <= ?
     ORDER BY h.block_number DESC, h.log_index DESC LIMIT 1`,
    [req.assetId, chainId, block],
  );
  verdict.holderAtBlock = h?.to_address ?? null;
  verdict.holderSince = h ? eventRef(h, isFinal) : null;
  if (verdict.holderAtBlock !== req.holder)
    reasons.push({
      code: "holder_mismatch",
      message: verdict.holderAtBlock
        ? `at block ${block} the asset was held by ${verdict.holderAtBlock}, not ${req.holder}`
        : `the asset was not registered at block ${block}`,
    });
  verdict.valid = reasons.length === 0;
  return verdict;
}
