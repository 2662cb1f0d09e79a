/// <reference lib="webworker" />
/** Runs the lineage graph's layout off the main thread. */
import { layOut, type LayoutInput } from "./graph-layout";

self.onmessage = (e: MessageEvent<LayoutInput>) => {
  const started = performance.now();
  const out = layOut(e.data);
  self.postMessage({ ...out, ms: performance.now() - started });
};
