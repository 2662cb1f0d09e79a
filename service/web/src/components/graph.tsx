/**
 * The lineage graph (lazily loaded): ancestors above, derived products below, laid out by dagre and drawn as SVG.
 * Every node is a link (keyboard-focusable); every edge says what authorised the derivation.
 */
import dagre from "@dagrejs/dagre";
import { t, term } from "../i18n";
import type { LineageGraph } from "../types";

const NODE_W = 190;
const NODE_H = 46;

export function LineageGraphView({ graph }: { graph: LineageGraph }) {
  const g = new dagre.graphlib.Graph();
  // longest-path ranking: lineage is already layered by generation, and network-simplex costs seconds at 200 nodes
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 48, marginx: 8, marginy: 8, ranker: "longest-path" });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.assetId, { width: NODE_W, height: NODE_H });
  for (const e of graph.edges) if (g.hasNode(e.parent) && g.hasNode(e.child)) g.setEdge(e.parent, e.child);
  performance.mark("lineage-layout-start");
  dagre.layout(g);
  performance.measure("lineage-layout", "lineage-layout-start");
  const size = g.graph();
  const width = Math.max(size.width ?? 0, NODE_W + 16);
  const height = Math.max(size.height ?? 0, NODE_H + 16);
  return (
    <figure class="graph" data-testid="lineage-graph">
      <div class="graph-scroll">
        <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="group" aria-label={t("lineage.aria", { n: graph.nodes.length })}>
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" />
            </marker>
          </defs>
          {graph.edges.map((e) => {
            const pts = g.hasEdge(e.parent, e.child) ? g.edge(e.parent, e.child).points : [];
            if (!pts || pts.length === 0) return null;
            const d = pts.map((p: { x: number; y: number }, i: number) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
            const mid = pts[Math.floor(pts.length / 2)]!;
            return (
              <g key={e.parent + e.child} class={`edge ${e.basis}`}>
                <title>{`${t(`basis.${e.basis}`)}${e.licence ? ` ${e.licence.licenceId}` : ""}`}</title>
                <path d={d} marker-end="url(#arrow)" />
                <text x={mid.x + 4} y={mid.y}>
                  {e.basis === "licence" ? t("basis.short.licence") : e.basis === "holder" ? t("basis.short.holder") : "?"}
                </text>
              </g>
            );
          })}
          {graph.nodes.map((n) => {
            const p = g.node(n.assetId);
            if (!p) return null;
            const self = n.depth === 0;
            return (
              <a key={n.assetId} href={`/asset/${n.assetId}`} class={`node ${self ? "self" : ""}`} aria-current={self ? "page" : undefined}>
                <title>{`${n.registrationNumber ?? n.assetId} · ${term(n.kind)}`}</title>
                <rect x={p.x - NODE_W / 2} y={p.y - NODE_H / 2} width={NODE_W} height={NODE_H} rx={6} />
                <text x={p.x} y={p.y - 4} text-anchor="middle" class="num">
                  {n.registrationNumber ?? `${n.assetId.slice(0, 12)}…`}
                </text>
                <text x={p.x} y={p.y + 13} text-anchor="middle" class="sub">
                  {term(n.kind)}
                  {n.exchangeCode ? ` · ${n.exchangeCode}` : ""}
                </text>
              </a>
            );
          })}
        </svg>
      </div>
      <figcaption class="muted small">{t("lineage.caption")}</figcaption>
    </figure>
  );
}
