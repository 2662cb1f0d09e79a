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
  return judge(stored, write, previous, (error as Error).message, error);
}

/**
 * Before the next write, a write left in doubt (it failed, and the store could not be read to judge it): "landed"
 * when the store's checkpoint is that write's — the commit went through and only its answer was lost, so the
 * follower goes on from it instead of writing its rows again under a different range — "failed" when it is still
 * `previous`. A store that cannot be read throws its own error (the caller retries, the write stays in doubt).
 */
export async function settleWriteInDoubt(store: IndexStore, write: RangeWrite, previous: Checkpoint | undefined): Promise<WriteOutcome> {
  const stored = await store.getCheckpoint(write.chainId);
  return judge(stored, write, previous, "its answer was lost");
}

function judge(stored: Checkpoint | undefined, write: RangeWrite, previous: Checkpoint | undefined, detail: string, cause?: unknown): WriteOutcome {
  if (same(stored, write.checkpoint)) return "landed";
  if (same(stored, previous)) return "failed";
  throw new ConcurrentWriterError(
    `another indexer writes to this database: chain ${write.chainId}'s checkpoint moved to block ${stored?.blockNumber ?? "(none)"} while this one ` +
      `was at ${previous?.blockNumber ?? "(none)"} writing ${write.checkpoint.blockNumber} (${detail}); run one writer (ROLE=indexer or all) per database`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * While idle: the stored checkpoint must still be this follower's. Reading it also probes the database, so a
 * database that went away shows on /health even when no block arrives (DatabaseUnavailableError from the read).
 */
export async function assertOwnCheckpoint(store: IndexStore, chainId: number, own: Checkpoint | undefined): Promise<void> {
  const stored = await store.getCheckpoint(chainId);
  if (!same(stored, own)) {
    throw new ConcurrentWriterError(
      `another indexer writes to this database: chain ${chainId}'s checkpoint is at block ${stored?.blockNumber ?? "(none)"} while this one ` +
        `left it at ${own?.blockNumber ?? "(none)"}; run one writer (ROLE=indexer or all) per database`,
    );
  }
}
