/**
 * An asset's lineage as a graph to draw: ancestors and descendants several levels each way, each node with the facts
 * a reader needs beside it, and each edge with what authorised the derivation when the child was registered — the
 * registrant held the parent, or held the processing licence for it (DataAssetRegistry._checkLineage), named here
 * with its grant transaction.
 */
import { licenceIdOf } from "../../digest/ids";
import type { FinalityCheck } from "../context";
import type { ReadDb } from "../types";
import { walkLineage } from "./lineage";
import { eventCols, eventRef, placeholders, type EventRef, type EventRow } from "./rows";

/** One asset in the graph. */
export interface LineageGraphNode {
  assetId: string;
  registrationNumber: string | null;
  kind: string | null;
  level: string | null;
  exchangeCode: string | null;
  /** Levels from the asset: negative for ancestors, positive for descendants, 0 for the asset itself. */
  depth: number;
}

/** How the child's registrant was entitled to derive from the parent. */
export type LineageBasis = "holder" | "licence" | "unknown";

/** One derivation: `child` was made from `parent`. */
export interface LineageGraphEdge {
  child: string;
  parent: string;
  basis: LineageBasis;
  /** The processing licence that authorised it (basis `licence`). */
  licence: { licenceId: string; grantor: string; grantee: string; start: number; end: number; granted: EventRef } | null;
  /** The child's registration, where the check was made. */
  registered: EventRef | null;
}

/** The graph. */
export interface LineageGraph {
  assetId: string;
  depth: number;
  nodes: LineageGraphNode[];
  edges: LineageGraphEdge[];
  truncated: { up: boolean; down: boolean };
}

interface NodeRow extends EventRow {
  asset_id: string;
  registration_number: string;
  kind: string;
  level: string;
  exchange_code: string;
  holder: string;
}

/** Builds the graph, or undefined for an unknown asset. */
export async function lineageGraph(db: ReadDb, assetId: string, depth: number, isFinal: FinalityCheck): Promise<LineageGraph | undefined> {
  const [up, down] = await Promise.all([walkLineage(db, assetId, "up", depth), walkLineage(db, assetId, "down", depth)]);
  const depthOf = new Map<string, number>([[assetId, 0]]);
  for (const n of up.nodes) depthOf.set(n.assetId, -n.depth);
  for (const n of down.nodes) if (!depthOf.has(n.assetId)) depthOf.set(n.assetId, n.depth);
  const rows = await nodeRows(db, [...depthOf.keys()]);
  if (!rows.has(assetId)) return undefined;
  const nodes: LineageGraphNode[] = [...depthOf.entries()].map(([id, d]) => {
    const r = rows.get(id);
    return {
      assetId: id,
      registrationNumber: r?.registration_number ?? null,
      kind: r?.kind ?? null,
      level: r?.level ?? null,
      exchangeCode: r?.exchange_code ?? null,
      depth: d,
    };
  });
  const seen = new Set<string>();
  const edges: LineageGraphEdge[] = [];
  for (const e of [...up.edges, ...down.edges]) {
    const key = `${e.child}|${e.parent}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push(await authorise(db, e.child, e.parent, rows.get(e.child), isFinal));
  }
  return { assetId, depth, nodes, edges, truncated: { up: up.truncated, down: down.truncated } };
}

async function nodeRows(db: ReadDb, ids: string[]): Promise<Map<string, NodeRow>> {
  const out = new Map<string, NodeRow>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const rows = await db.all<NodeRow>(
      `SELECT ${eventCols("a")}, a.asset_id, a.registration_number, a.kind, a.level, a.exchange_code, a.holder
       FROM assets a WHERE a.asset_id IN (${placeholders(chunk.length)}) ORDER BY a.block_number DESC, a.log_index DESC`,
      chunk,
    );
    for (const r of rows) out.set(r.asset_id, r); // first registration wins (rows come newest first)
  }
  return out;
}

async function authorise(db: ReadDb, child: string, parent: string, c: NodeRow | undefined, isFinal: FinalityCheck): Promise<LineageGraphEdge> {
  const edge: LineageGraphEdge = { child, parent, basis: "unknown", licence: null, registered: c ? eventRef(c, isFinal) : null };
  if (!c) return edge;
  const block = Number(c.block_number);
  const logIndex = Number(c.log_index);
  const before = "(x.block_number < ? OR (x.block_number = ? AND x.log_index < ?))";
  const holder = await db.get<{ to_address: string }>(
    `SELECT x.to_address FROM holdings x WHERE x.asset_id = ? AND ${before} ORDER BY x.block_number DESC, x.log_index DESC LIMIT 1`,
    [parent, block, block, logIndex],
  );
  if (holder?.to_address === c.holder) return { ...edge, basis: "holder" };
  const licenceId = licenceIdOf(parent, c.holder, "processing");
  const grant = await db.get<EventRow & { grantor: string; grantee: string; start_time: number | string; end_time: number | string }>(
    `SELECT ${eventCols("x")}, x.grantor, x.grantee, x.start_time, x.end_time FROM licences x
     WHERE x.licence_id = ? AND ${before} ORDER BY x.block_number DESC, x.log_index DESC LIMIT 1`,
    [licenceId, block, block, logIndex],
  );
  if (!grant) return edge;
  const t = Number(c.block_time);
  const revoked = await db.get<{ one: number }>(
    `SELECT 1 AS one FROM licence_revocations x WHERE x.licence_id = ? AND ${before} AND (x.block_number > ? OR (x.block_number = ? AND x.log_index > ?)) LIMIT 1`,
    [licenceId, block, block, logIndex, grant.block_number, grant.block_number, grant.log_index],
  );
  const start = Number(grant.start_time);
  const end = Number(grant.end_time);
  if (revoked || t < start || t >= end) return edge;
  return {
    ...edge,
    basis: "licence",
    licence: { licenceId, grantor: grant.grantor, grantee: grant.grantee, start, end, granted: eventRef(grant, isFinal) },
  };
}
