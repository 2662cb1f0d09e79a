/**
 * The indexer process's HTTP face (ROLE=indexer): /health for what it indexes, nothing else. The API is served
 * by the readers (ROLE=api).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { evaluateHealth, type RetryObservations } from "../api/health";
import type { HealthOptions } from "../api/types";
import type { IndexerStatus } from "../indexer/types";

/** A request handler answering GET /health (200 or 503 with the report) and 404 elsewhere. */
export function healthOnlyApp(status: () => IndexerStatus, options: HealthOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const observed: RetryObservations = new Map(); // times retrying spells across requests, as the API's handler does
  const report = () => evaluateHealth(status(), options, Date.now(), observed);
  return (req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && url === "/health") {
      const r = report();
      res.writeHead(r.status === "ok" ? 200 : 503, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(r));
      return;
    }
    res.writeHead(404, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ error: { code: "not_found", message: "this is the indexer process (ROLE=indexer): it answers GET /health only; the API is served by ROLE=api processes" } }));
  };
}
