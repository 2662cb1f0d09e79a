/**
 * EvidenceAnchor: anchored batches (api/queries/evidence.ts). Their items are indexed by the manifest verifier
 * (indexer/manifests.ts) once the batch's manifest rebuilds the anchored root.
 */
import { defineHandlers, into, num, orNull, str } from "./handler";

export const evidenceHandlers = defineHandlers("EvidenceAnchor", {
  EvidenceAnchored: into("evidence_batches", (a) => [str(a, "root"), str(a, "exchange"), orNull(str(a, "assetId")), num(a, "leafCount"), str(a, "manifestCid")]),
});
