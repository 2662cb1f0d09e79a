/**
 * /health: 200 while every chain is indexed within bounds; 503 when one is stalled (behind and not advancing for
 * `stallAfterMs`), lags more than `maxLagBlocks`, or has no known head yet.
 */
import type { RequestHandler } from "express";
import type { HealthOptions, IndexerStatus } from "./types";

/** Health of one chain. */
export interface ChainHealth {
  chainId: number;
  indexedBlock: number;
  chainHead: number | null;
  lag: number | null;
  confirmations: number;
  lastProgressAt: string | null;
  eventsPerSecond: number;
  problems: string[];
}

/** Body of /health. */
export interface HealthReport {
  status: "ok" | "unhealthy";
  chains: ChainHealth[];
  problems: string[];
}

/** Judges a status snapshot. */
export function evaluateHealth(status: IndexerStatus, options: HealthOptions, now: number): HealthReport {
  const maxLag = options.maxLagBlocks ?? 50;
  const stallAfter = options.stallAfterMs ?? 60_000;
  const chains = status.chains.map((c): ChainHealth => {
    const problems: string[] = [];
    const lag = c.chainHead === null ? null : Math.max(0, c.chainHead - c.indexedBlock);
    if (lag === null) problems.push("chain head unknown");
    else {
      if (lag > maxLag) problems.push(`lag ${lag} exceeds ${maxLag} blocks`);
      const idleMs = c.lastProgressAt === null ? Infinity : now - c.lastProgressAt;
      if (lag > 0 && idleMs > stallAfter) problems.push(`stalled: behind by ${lag} and no progress for ${stallAfter} ms`);
    }
    return {
      chainId: c.chainId,
      indexedBlock: c.indexedBlock,
      chainHead: c.chainHead,
      lag,
      confirmations: c.confirmations,
      lastProgressAt: c.lastProgressAt === null ? null : new Date(c.lastProgressAt).toISOString(),
      eventsPerSecond: c.eventsPerSecond,
      problems,
    };
  });
  const problems = chains.flatMap((c) => c.problems.map((p) => `chain ${c.chainId}: ${p}`));
  if (chains.length === 0) problems.push("no chain is being indexed");
  return { status: problems.length ? "unhealthy" : "ok", chains, problems };
}

/** The /health handler. */
export function healthHandler(
  indexerStatus: () => IndexerStatus,
  options: HealthOptions,
  now: () => number,
): RequestHandler {
  return (_req, res) => {
    const report = evaluateHealth(indexerStatus(), options, now());
    res.status(report.status === "ok" ? 200 : 503).json(report);
  };
}
