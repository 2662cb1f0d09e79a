/**
 * The pages that read the derived tables (store/derived.ts): during a first backfill the indexer fills those tables
 * once at the head instead of range by range, so until then such a page would answer from empty tables while the
 * lists beside it show the rows already indexed. It answers 503 instead, as /health does for the whole first backfill.
 */
import type { ApiContext } from "./context";
import { unavailable } from "./errors";

/** Throws a 503 (with Retry-After) naming `what` while the store's first backfill is under way. */
export function requireDerivedTables(ctx: ApiContext, what: string): void {
  if (ctx.indexerStatus().firstBackfill) {
    throw unavailable(what, "first backfill under way (computed once every chain reaches its head)");
  }
}
