/**
 * Where an evidence lookup's time goes: the steps of service/src/api/queries/evidence.ts `itemProofs` timed one by
 * one in-process against the populated store (same SQL text, same tree code), for a sample of digests, each
 * step on a cold tree (as on a cache miss) and the proof walk on the built tree (as on a hit); with stored proofs
 * (evidence_items.proof, migration 2) also the parse + fold of the stored proof, which replaces the tree.
 */
import { parseStoredProof } from "../../service/src/api/queries/evidence";
import { buildTreeFromLeaves, processProof, treeProof, treeRoot } from "../../service/src/api/queries/evidence-tree-cache";
import { eventCols } from "../../service/src/api/queries/rows";
import type { Db } from "../../service/src/store";
import { summarise } from "./load";

const ITEM_COLS = `${eventCols("i")}, i.batch_root, i.leaf_index, i.tree_index, i.item_digest, i.asset_id, i.label, i.leaf_hash`;
const BATCH_COLS = `${eventCols("b")}, b.root, b.exchange, b.asset_id, b.leaf_count, b.manifest_cid, b.manifest_status, b.manifest_error`;

export async function profileLookup(db: Db, sample: [string, string][], count: number, stored: boolean): Promise<Record<string, Record<string, number>>> {
  const steps = {
    itemQuery: [] as number[],
    batchQuery: [] as number[],
    ...(stored ? { storedProofParse: [] as number[] } : {}),
    leavesQuery: [] as number[],
    treeBuild: [] as number[],
    proofWalk: [] as number[],
    missQuery: [] as number[],
  } as Record<string, number[]>;
  // itemProofs (evidence.ts, 2026-11-28 06:10): item rows by digest (no join), then the batch by root
  const itemSql = `SELECT ${ITEM_COLS}${stored ? ", i.proof" : ""} FROM evidence_items i WHERE i.item_digest = ?
     ORDER BY i.block_number, i.log_index, i.leaf_index LIMIT 100`;
  for (let k = 0; k < count; k++) {
    const [digest] = sample[Math.floor(Math.random() * sample.length)];
    let t = performance.now();
    const rows = await db.all<{ chain_id: number; batch_root: string; tree_index: number; leaf_hash: string; proof?: string }>(itemSql, [digest]);
    steps.itemQuery.push(performance.now() - t);
    const r = rows[0];
    if (stored) {
      t = performance.now();
      const proof = parseStoredProof(r.proof!);
      if (processProof(r.leaf_hash, proof) !== r.batch_root) throw new Error("profile: stored proof does not fold to the root");
      steps.storedProofParse.push(performance.now() - t);
    }
    t = performance.now();
    await db.get(`SELECT ${BATCH_COLS} FROM evidence_batches b WHERE b.root = ? ORDER BY b.block_number LIMIT 1`, [r.batch_root]);
    steps.batchQuery.push(performance.now() - t);
    t = performance.now();
    const leaves = await db.all<{ tree_index: number; leaf_hash: string }>("SELECT tree_index, leaf_hash FROM evidence_items WHERE chain_id = ? AND batch_root = ?", [
      Number(r.chain_id),
      r.batch_root,
    ]);
    steps.leavesQuery.push(performance.now() - t);
    t = performance.now();
    const tree = buildTreeFromLeaves(leaves.map((l) => ({ treeIndex: Number(l.tree_index), leafHash: l.leaf_hash })));
    if (treeRoot(tree) !== r.batch_root) throw new Error("profile: root mismatch");
    steps.treeBuild.push(performance.now() - t);
    t = performance.now();
    treeProof(tree, Number(r.tree_index));
    steps.proofWalk.push(performance.now() - t);
    t = performance.now();
    await db.all(itemSql, ["0x" + k.toString(16).padStart(64, "f")]);
    steps.missQuery.push(performance.now() - t);
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [name, v] of Object.entries(steps)) out[name] = summarise(Float64Array.from(v));
  return out;
}
