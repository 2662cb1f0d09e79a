/**
 * ReceiptAnchor: anchored receipt batches and licensees' operators (api/queries/receipts.ts). The receipts and their
 * violations are indexed by the receipt verifier (indexer/receipt-manifests.ts) once a batch's manifest rebuilds
 * the anchored root.
 */
import { defineHandlers, flag, into, num, str } from "./handler";

export const receiptHandlers = defineHandlers("ReceiptAnchor", {
  ReceiptsAnchored: into("receipt_batches", (a) => [str(a, "root"), str(a, "submitter"), num(a, "leafCount"), str(a, "manifestCid")]),
  ReceiptOperatorSet: into("receipt_operators", (a) => [str(a, "licensee"), str(a, "operator"), flag(a, "authorised")]),
});
