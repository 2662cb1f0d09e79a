/**
 * The read-only HTTP API: `createApi` builds the express app with every router under /v1, the OpenAPI document at
 * /v1/openapi.json, /health and /metrics.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express } from "express";
import type { ApiContext } from "./context";
import { errorHandler, JSON_BODY_LIMIT, unknownRoute } from "./errors";
import { healthHandler } from "./health";
import { createApiMetrics } from "./metrics";
import { buildOpenApi, type RouteGroup } from "./openapi";
import { createEvidenceTreeCache } from "./queries/evidence-tree-cache";
import { buildRouter } from "./route";
import { assessmentRoutes } from "./routes/assessments";
import { assetRoutes } from "./routes/assets";
import { crossBorderRoutes } from "./routes/cross-border";
import { evidenceRoutes } from "./routes/evidence";
import { ownershipRoutes } from "./routes/ownership";
import { participantRoutes } from "./routes/participants";
import { pledgeRoutes } from "./routes/pledges";
import { lifecycleRoutes } from "./routes/lifecycle";
import { certificateRoutes } from "./routes/certificates";
import { provenanceRoutes } from "./routes/provenance";
import { receiptRoutes } from "./routes/receipts";
import { statsRoutes } from "./routes/stats";
import { tradeRoutes } from "./routes/trades";
import { activityRoutes } from "./routes/activity";
import { lineageRoutes } from "./routes/lineage";
import { relationRoutes } from "./routes/relations";
import { searchRoutes } from "./routes/search";
import { consentEventRoutes } from "./routes/consent-events";
import type { CreateApiParameters } from "./types";
import { corsMiddleware } from "./cors";
import { createEvidenceLookup, EVIDENCE_ITEM_ROUTE, withLeanPath } from "./evidence-lookup";
import { DEFAULT_REQUEST_TIME_LIMIT_MS, requestTimeLimit, utf8Only, verifyUtf8 } from "./limits";
import { webHandler } from "../web/serve";

/** API version reported in the OpenAPI document. */
export const API_VERSION = "1.0.0";

/** Every /v1 route group, in mount order. */
export const V1_GROUPS: readonly RouteGroup[] = [
  { prefix: "/v1", routes: assetRoutes },
  { prefix: "/v1", routes: provenanceRoutes },
  { prefix: "/v1", routes: participantRoutes },
  { prefix: "/v1", routes: tradeRoutes },
  { prefix: "/v1", routes: statsRoutes },
  { prefix: "/v1", routes: pledgeRoutes },
  { prefix: "/v1", routes: evidenceRoutes },
  { prefix: "/v1", routes: ownershipRoutes },
  { prefix: "/v1", routes: searchRoutes },
  { prefix: "/v1", routes: lineageRoutes },
  { prefix: "/v1", routes: activityRoutes },
  { prefix: "/v1", routes: relationRoutes },
  { prefix: "/v1", routes: lifecycleRoutes },
  { prefix: "/v1", routes: certificateRoutes },
  { prefix: "/v1", routes: receiptRoutes },
  { prefix: "/v1", routes: assessmentRoutes },
  { prefix: "/v1", routes: crossBorderRoutes },
  { prefix: "/v1", routes: consentEventRoutes },
];

/**
 * Builds the API app. It never writes to the store; everything it answers is derived from indexed rows and the
 * indexer's status at request time.
 * @example
 * const app = createApi({ db, indexerStatus: () => indexer.status(), logger });
 * app.listen(8080);
 */
export function createApi(p: CreateApiParameters): Express {
  const now = p.now ?? Date.now;
  const ctx: ApiContext = {
    db: p.db,
    indexerStatus: p.indexerStatus,
    contentStore: p.contentStore,
    evidenceTrees: createEvidenceTreeCache(p.evidenceCacheLeaves ?? 2_000_000),
    now,
    apiVersion: API_VERSION,
    publicChains: p.publicChains ?? [],
    publicUrl: p.publicUrl ?? "http://127.0.0.1:3000",
  };
  const metrics = createApiMetrics({ registry: p.metrics, indexerStatus: p.indexerStatus });
  const openapi = buildOpenApi(V1_GROUPS, API_VERSION);

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(metrics.middleware);
  app.use(requestTimeLimit(p.requestTimeLimitMs ?? DEFAULT_REQUEST_TIME_LIMIT_MS));
  app.use(corsMiddleware(p.corsOrigins ?? "*"));
  app.use(utf8Only);
  app.use(express.json({ limit: JSON_BODY_LIMIT, verify: verifyUtf8 }));

  const health = healthHandler(p.indexerStatus, p.health ?? {}, now);
  app.get("/health", (req, res, next) => {
    res.locals.route = "/health";
    health(req, res, next);
  });
  app.get("/metrics", async (_req, res, next) => {
    res.locals.route = "/metrics";
    try {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch (e) {
      next(e);
    }
  });
  app.get("/v1/openapi.json", (_req, res) => {
    res.locals.route = "/v1/openapi.json";
    res.json(openapi);
  });
  for (const g of V1_GROUPS) app.use(g.prefix, buildRouter(g.routes, ctx));
  if (p.webRoot) app.use(webHandler(p.webRoot));
  app.use(unknownRoute);
  app.use(errorHandler(p.logger));
  const lookup = createEvidenceLookup({
    db: p.db,
    timeLimitMs: p.requestTimeLimitMs ?? DEFAULT_REQUEST_TIME_LIMIT_MS,
    indexerStatus: p.indexerStatus,
    observe: (status, seconds) => metrics.observe("GET", EVIDENCE_ITEM_ROUTE, status, seconds),
    onError: (err) => p.logger.warn({ err }, "evidence lookup: read failed; answered by the router"),
  });
  // the hottest request skips express's router (evidence-lookup.ts); everything else, and anything unusual, does not
  // express calls `app.handle` for every request (express/lib/express.js); its types do not declare it
  const handled = app as Express & { handle: (req: IncomingMessage, res: ServerResponse, callback?: unknown) => void };
  handled.handle = withLeanPath(handled.handle.bind(app), lookup);
  return app;
}
