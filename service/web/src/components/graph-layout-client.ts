/**
 * Asks the layout worker to lay a lineage graph out, once per graph: the asset page starts it as soon as the
 * lineage arrives, and the graph component (loaded lazily) picks up the same answer.
 */
import type { LineageGraph } from "../types";
import type { LayoutInput, LayoutOutput } from "./graph-layout";

export const NODE_W = 190;
export const NODE_H = 46;

const layouts = new WeakMap<LineageGraph, Promise<LayoutOutput>>();

/** The layout of `graph` (computed in a worker, cached per graph object). */
export function layoutOf(graph: LineageGraph): Promise<LayoutOutput> {
  let p = layouts.get(graph);
  if (!p) {
    p = new Promise<LayoutOutput>((resolve, reject) => {
      const worker = new Worker(new URL("./graph-layout.worker.ts", import.meta.url), { type: "module" });
      worker.onmessage = (e: MessageEvent<LayoutOutput & { ms: number }>) => {
        performance.measure("lineage-layout", { start: performance.now() - e.data.ms, duration: e.data.ms });
        resolve(e.data);
        worker.terminate();
      };
      worker.onerror = (e) => {
        reject(new Error(`graph layout failed: ${e.message}`));
        worker.terminate();
      };
      const input: LayoutInput = {
        nodes: graph.nodes.map((n) => n.assetId),
        edges: graph.edges.map((e) => ({ parent: e.parent, child: e.child })),
        nodeWidth: NODE_W,
        nodeHeight: NODE_H,
      };
      worker.postMessage(input);
    });
    layouts.set(graph, p);
  }
  return p;
}
