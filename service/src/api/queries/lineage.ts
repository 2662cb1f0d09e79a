/**
 * Lineage: walk asset_parents up (ancestors) and down (descendants) breadth first, to a depth limit and a node
 * cap, one query per level.
 */
import type { ColumnsOf } from "../../store/schema";
import type { ReadDb } from "../types";
import { placeholders } from "./rows";

/** An edge of the lineage graph: `child` derives from `parent`. */
export interface LineageEdge {
  child: string;
  parent: string;
}

/** One side of an asset's lineage. */
export interface LineageSide {
  /** Asset ids reached, with their distance from the asset. */
  nodes: { assetId: string; registrationNumber: string | null; depth: number }[];
  edges: LineageEdge[];
  /** True when the depth limit or node cap stopped the walk with more to go. */
  truncated: boolean;
}

/** Most nodes one side returns. */
const LINEAGE_NODE_CAP = 500;

/** Walks `direction` from `assetId` up to `depth` levels. */
export async function walkLineage(db: ReadDb, assetId: string, direction: "up" | "down", depth: number): Promise<LineageSide> {
  const seen = new Map<string, number>([[assetId, 0]]);
  const edges: LineageEdge[] = [];
  let frontier = [assetId];
  let truncated = false;
  const from = direction === "up" ? "asset_id" : "parent_id";
  for (let level = 1; frontier.length > 0; level++) {
    const rows = await db.all<ColumnsOf<"asset_parents", "asset_id" | "parent_id">>(
      `SELECT DISTINCT asset_id, parent_id FROM asset_parents WHERE ${from} IN (${placeholders(frontier.length)})`,
      frontier,
    );
    if (level > depth) {
      truncated = rows.length > 0;
      break;
    }
    const next: string[] = [];
    for (const r of rows) {
      edges.push({ child: r.asset_id, parent: r.parent_id });
      const reached = direction === "up" ? r.parent_id : r.asset_id;
      if (!seen.has(reached)) {
        if (seen.size > LINEAGE_NODE_CAP) {
          truncated = true;
          continue;
        }
        seen.set(reached, level);
        next.push(reached);
      }
    }
    frontier = next;
  }
  seen.delete(assetId);
  const ids = [...seen.keys()];
  const numbers = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const rows = await db.all<ColumnsOf<"assets", "asset_id" | "registration_number">>(
      `SELECT asset_id, registration_number FROM assets WHERE asset_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) numbers.set(r.asset_id, r.registration_number);
  }
  return {
    nodes: ids.map((id) => ({ assetId: id, registrationNumber: numbers.get(id) ?? null, depth: seen.get(id) ?? 0 })),
    edges,
    truncated,
  };
}
