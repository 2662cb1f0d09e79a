/**
 * The lineage graph (lazily loaded): ancestors above, derived products below, laid out by dagre in a worker
 * (graph-layout.ts) and drawn as SVG.
 * Every node is a link (keyboard-focusable); every edge says what authorised the derivation.
 */
import { useEffect, useState } from "preact/hooks";
import { t, term } from "../i18n";
import type { LineageGraph } from "../types";
import type { LayoutOutput } from "./graph-layout";
import { layoutOf, NODE_H, NODE_W } from "./graph-layout-client";

/** The layout of `graph`; undefined until the worker answers. */
function useLayout(graph: LineageGraph): LayoutOutput | Error | undefined {
  const [layout, setLayout] = useState<LayoutOutput | Error>();
  useEffect(() => {
    let live = true;
    layoutOf(graph).then(
      (l) => live && setLayout(l),
      (e: Error) => live && setLayout(e),
    );
    return () => {
      live = false;
    };
  }, [graph]);
  return layout;
}

export function LineageGraphView({ graph }: { graph: LineageGraph }) {
  const layout = useLayout(graph);
  if (!layout) return <p class="muted">{t("loading")}</p>;
  if (layout instanceof Error) return <p class="error">{layout.message}</p>;
  const width = Math.max(layout.width, NODE_W + 16);
  const height = Math.max(layout.height, NODE_H + 16);
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
            const pts = layout.edges[`${e.parent}|${e.child}`];
            if (!pts || pts.length === 0) return null;
            const d = pts.map((p: { x: number; y: number }, i: number) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
            // the basis is drawn by the line's style (legend below); the derivations table says it in words
            return <path key={e.parent + e.child} class={`edge ${e.basis}`} d={d} marker-end="url(#arrow)" />;
          })}
          {graph.nodes.map((n) => {
            const p = layout.nodes[n.assetId];
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
      <figcaption class="muted small">
        {t("lineage.caption")}{" "}
        <span class="legend">
          <svg width="28" height="8" aria-hidden="true"><line x1="0" y1="4" x2="28" y2="4" class="edge holder" /></svg> {t("basis.holder")}
          {" · "}
          <svg width="28" height="8" aria-hidden="true"><line x1="0" y1="4" x2="28" y2="4" class="edge licence" /></svg> {t("basis.licence")}
          {" · "}
          <svg width="28" height="8" aria-hidden="true"><line x1="0" y1="4" x2="28" y2="4" class="edge unknown" /></svg> {t("basis.unknown")}
        </span>
      </figcaption>
    </figure>
  );
}
