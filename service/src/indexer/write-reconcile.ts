/**
 * What a failed range write means, read from the store itself: a write whose commit landed although its answer was
 * lost (the connection died after COMMIT) is adopted; a checkpoint that moved to somewhere this follower never wrote
 * means another process writes to the same store — a fatal, clearly worded error instead of retrying a UNIQUE
 * violation forever. Anything else is the original error (the caller retries).
 */
import { FatalError } from "../errors";
import type { Checkpoint, IndexStore, RangeWrite } from "../store/index-store";

/** The outcome: the write is in the store (go on from it), or the original error stands. */
export type WriteOutcome = "landed" | "failed";

/** Another process writes to this store: one writer per database. */
export class ConcurrentWriterError extends FatalError {}

const same = (a: Checkpoint | undefined, b: Checkpoint | undefined): boolean =>
  (a === undefined && b === undefined) || (a !== undefined && b !== undefined && a.blockNumber === b.blockNumber && a.blockHash === b.blockHash);

/**
 * After `write` failed with `error`: "landed" when the store's checkpoint is the write's, "failed" when it is still
 * `previous`. Throws {@link ConcurrentWriterError} when it is neither, and rethrows `error` when the store cannot
 * be read either (it is down: the caller retries).
 */
export async function reconcileFailedWrite(store: IndexStore, write: RangeWrite, previous: Checkpoint | undefined, error: unknown): Promise<WriteOutcome> {
  let stored: Checkpoint | undefined;
  try {
    stored = await store.getCheckpoint(write.chainId);
  } catch {
    throw error;
  }
  if (same(stored, write.checkpoint)) return "landed";
  if (same(stored, previous)) return "failed";
  throw new ConcurrentWriterError(
    `another indexer writes to this database: chain ${write.chainId}'s checkpoint moved to block ${stored?.blockNumber ?? "(none)"} while this one ` +
      `was at ${previous?.blockNumber ?? "(none)"} writing ${write.checkpoint.blockNumber} (${(error as Error).message}); run one writer (ROLE=indexer or all) per database`,
    { cause: error },
  );
}
