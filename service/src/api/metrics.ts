/**
 * Prometheus metrics: request latency by route, and the indexer's progress read from its status at scrape time.
 */
import type { RequestHandler } from "express";
import { Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { IndexerStatus } from "./types";

/** The API's metric handles. */
export interface ApiMetrics {
  registry: Registry;
  /** Records each request's latency under its route template. */
  middleware: RequestHandler;
  /** Records one request answered outside express (the lean evidence lookup). */
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** Arguments of {@link createApiMetrics}. */
export interface CreateApiMetricsParameters {
  registry?: Registry;
  indexerStatus: () => IndexerStatus;
}

/** Registers the API's metrics on `registry` (or a fresh one) and returns the latency middleware. */
export function createApiMetrics(p: CreateApiMetricsParameters): ApiMetrics {
  const fresh = !p.registry;
  const registry = p.registry ?? new Registry();
  if (fresh) collectDefaultMetrics({ register: registry });

  const latency = reuse(registry, "shuquan_api_request_duration_seconds", () =>
    new Histogram({
      name: "shuquan_api_request_duration_seconds",
      help: "API request latency by route template, method and status",
      labelNames: ["method", "route", "status_code"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  );
  const gauge = (name: string, help: string, pick: (c: IndexerStatus["chains"][number]) => number | null): void => {
    reuse(registry, name, () =>
      new Gauge({
        name,
        help,
        labelNames: ["chain_id"] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const c of p.indexerStatus().chains) {
            const v = pick(c);
            if (v !== null) this.set({ chain_id: String(c.chainId) }, v);
          }
        },
      }),
    );
  };
  gauge("shuquan_indexer_indexed_block", "Highest block fully indexed", (c) => c.indexedBlock);
  gauge("shuquan_indexer_chain_head", "Latest block reported by the node", (c) => c.chainHead);
  gauge("shuquan_indexer_lag_blocks", "Chain head minus indexed block", (c) =>
    c.chainHead === null ? null : Math.max(0, c.chainHead - c.indexedBlock),
  );
  gauge("shuquan_indexer_events_per_second", "Recent indexing rate", (c) => c.eventsPerSecond);
  // Store-wide, not per chain: 1 from a new store's first rows until its deferred indexes are built (the span /health
  // answers 503 for); 0 otherwise, and when the indexer does not report it (as /health then judges the chains only).
  reuse(registry, "shuquan_indexer_first_backfill", () =>
    new Gauge({
      name: "shuquan_indexer_first_backfill",
      help: "1 while the store's first backfill is under way (its secondary indexes and the reports' tables are built once every chain reaches its head), else 0",
      registers: [registry],
      collect() {
        this.set(p.indexerStatus().firstBackfill ? 1 : 0);
      },
    }),
  );

  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      const route = typeof res.locals.route === "string" ? res.locals.route : req.route ? req.baseUrl + String(req.route.path) : "unmatched";
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      latency.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
    });
    next();
  };
  const observe = (method: string, route: string, status: number, seconds: number): void =>
    latency.observe({ method, route, status_code: String(status) }, seconds);
  return { registry, middleware, observe };
}

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
