/**
 * /health: 200 while every chain is indexed within bounds; 503 when one is not. A chain is unhealthy when
 * - its head is unknown, or it lags more than `maxLagBlocks`;
 * - it is behind and has not advanced for the stall window (`stallAfterMs`);
 * - the indexer reports it `failed` (gave up) or `stopped`;
 * - the indexer has been `retrying` (failing and backing off, e.g. the RPC is unreachable) for the stall window;
 * - the indexer reports when it last read the chain head (`headCheckedAt`) and that is older than the stall window;
 * - the indexer reports a `problem` (logs the chain refutes, a node behind the indexed block, the database down).
 * And the whole index is unhealthy while its first backfill is under way (`firstBackfill`): until its secondary indexes
 * are built at the head, pages read without them, slowly — a store not to send traffic to yet.
 * A caught-up chain whose head is reused while the RPC is down shows lag 0, so the lag checks alone never see an
 * unreachable chain: the indexer's `state` and `lastError` do.
 * Evaluating is O(chains) on the in-memory status snapshot: no store or RPC call.
 */
import type { RequestHandler } from "express";
import type { ChainStatus, HealthOptions, IndexerStatus } from "./types";

/** What /health says while the store's first backfill is under way. */
export const FIRST_BACKFILL_PROBLEM =
  "first backfill under way: the secondary indexes and the reports' tables are built once every chain reaches its head";

/** Health of one chain. */
export interface ChainHealth {
  chainId: number;
  indexedBlock: number;
  chainHead: number | null;
  lag: number | null;
  confirmations: number;
  lastProgressAt: string | null;
  eventsPerSecond: number;
  /** The indexer's state for the chain, or null when it does not report one. */
  state: string | null;
  /** The indexer's last error while not making progress, or null. */
  lastError: string | null;
  /** When the head was last read (ISO 8601), or null when the indexer does not report it. */
  headCheckedAt: string | null;
  problems: string[];
}

/** Body of /health. */
export interface HealthReport {
  status: "ok" | "unhealthy";
  chains: ChainHealth[];
  problems: string[];
}

/**
 * When /health first saw each chain in state `retrying` (ms), kept between requests so that a retrying spell is
 * timed even when the indexer does not report `stateSince`. Cleared when the chain leaves that state.
 */
export type RetryObservations = Map<number, number>;

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const secs = (ms: number): string => `${Math.round(ms / 1000)} s`;
const withError = (c: ChainStatus): string => (c.lastError ? `: ${c.lastError}` : "");

/**
 * Judges a status snapshot at `now`. `observed` (see {@link RetryObservations}) times `retrying` spells when the
 * status has no `stateSince`; without either, the time since the last progress is used.
 */
export function evaluateHealth(status: IndexerStatus, options: HealthOptions, now: number, observed?: RetryObservations): HealthReport {
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
    if (c.problem) problems.push(c.problem);
    const state = c.state ?? null;
    if (state === "failed") problems.push(`indexer failed${withError(c)}`);
    else if (state === "stopped") problems.push("indexer stopped");
    if (state === "retrying") {
      let since = c.stateSince ?? undefined;
      if (since === undefined && observed) {
        since = observed.get(c.chainId) ?? now;
        observed.set(c.chainId, since);
      }
      since ??= c.lastProgressAt ?? -Infinity;
      if (now - since > stallAfter) {
        problems.push(`retrying for ${Number.isFinite(since) ? secs(now - since) : "an unknown time"} (over ${stallAfter} ms)${withError(c)}`);
      }
    } else observed?.delete(c.chainId);
    if (c.headCheckedAt !== undefined) {
      const headIdle = c.headCheckedAt === null ? Infinity : now - c.headCheckedAt;
      if (headIdle > stallAfter) {
        problems.push(`chain head not read for ${Number.isFinite(headIdle) ? secs(headIdle) : "ever"} (over ${stallAfter} ms)${withError(c)}`);
      }
    }
    return {
      chainId: c.chainId,
      indexedBlock: c.indexedBlock,
      chainHead: c.chainHead,
      lag,
      confirmations: c.confirmations,
      lastProgressAt: iso(c.lastProgressAt),
      eventsPerSecond: c.eventsPerSecond,
      state,
      lastError: c.lastError ?? null,
      headCheckedAt: iso(c.headCheckedAt),
      problems,
    };
  });
  const problems = chains.flatMap((c) => c.problems.map((p) => `chain ${c.chainId}: ${p}`));
  if (chains.length === 0) problems.push("no chain is being indexed");
  if (status.firstBackfill) problems.push(FIRST_BACKFILL_PROBLEM);
  return { status: problems.length ? "unhealthy" : "ok", chains, problems };
}

/** The /health handler; create it once per app so that retrying spells are timed across requests. */
export function healthHandler(
  indexerStatus: () => IndexerStatus,
  options: HealthOptions,
  now: () => number,
): RequestHandler {
  const observed: RetryObservations = new Map();
  return (_req, res) => {
    const report = evaluateHealth(indexerStatus(), options, now(), observed);
    res.status(report.status === "ok" ? 200 : 503).json(report);
  };
}
