/**
 * The lineage graph's layout (dagre, layered top to bottom, longest-path ranking: the layers are generations),
 * computed in a Web Worker so the page's main thread draws everything else meanwhile.
 */
import dagre from "@dagrejs/dagre";

/** What the layout needs. */
export interface LayoutInput {
  nodes: string[];
  edges: { parent: string; child: string }[];
  nodeWidth: number;
  nodeHeight: number;
}

/** Where everything goes. */
export interface LayoutOutput {
  width: number;
  height: number;
  nodes: Record<string, { x: number; y: number }>;
  edges: Record<string, { x: number; y: number }[]>;
}

/** Lays the graph out (pure; run in the worker). Edge keys are `parent|child`. */
export function layOut(i: LayoutInput): LayoutOutput {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 48, marginx: 8, marginy: 8, ranker: "longest-path" });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of i.nodes) g.setNode(n, { width: i.nodeWidth, height: i.nodeHeight });
  for (const e of i.edges) if (g.hasNode(e.parent) && g.hasNode(e.child)) g.setEdge(e.parent, e.child);
  dagre.layout(g);
  const nodes: LayoutOutput["nodes"] = {};
  for (const n of g.nodes()) {
    const p = g.node(n);
    nodes[n] = { x: p.x, y: p.y };
  }
  const edges: LayoutOutput["edges"] = {};
  for (const e of g.edges()) edges[`${e.v}|${e.w}`] = g.edge(e).points ?? [];
  const size = g.graph();
  return { width: size.width ?? 0, height: size.height ?? 0, nodes, edges };
}
