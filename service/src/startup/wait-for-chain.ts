/**
 * Start-up waits for the chain's JSON-RPC like the running indexer does: an unreachable node is retried with backoff
 * and one warning line per attempt (saying what to do), never an exit; a node that answers with another chain id
 * than expected is refused at once (indexing it would be wrong, not late).
 */
import { backoffDelay, sleep } from "../chain/retry";
import type { Logger } from "../logger";
import { jsonRpcCall, JsonRpcCallError } from "./json-rpc";
import { StartupError } from "./preflight";

/** Parameters of {@link waitForChain}. */
export interface WaitForChainParameters {
  rpcUrl: string;
  /** The chain id the node must report (CHAIN_ID, or the deployment's). */
  chainId: number;
  logger: Pick<Logger, "warn" | "info">;
  /** Per-attempt time limit. Default 10 s. */
  timeoutMs?: number;
  /** Longest wait between attempts. Default 30 s. */
  maxDelayMs?: number;
  /** Gives up after this many attempts (tests); default: never. */
  maxAttempts?: number;
}

/** Resolves with the node's chain id once it answers with `chainId`; throws StartupError if it answers with another. */
export async function waitForChain(p: WaitForChainParameters): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    let actual: number;
    try {
      actual = Number(BigInt(await jsonRpcCall<string>(p.rpcUrl, "eth_chainId", [], p.timeoutMs ?? 10_000)));
    } catch (e) {
      if (!(e instanceof JsonRpcCallError) || (p.maxAttempts !== undefined && attempt >= p.maxAttempts)) {
        throw new StartupError(`${(e as Error).message}: start the node, or set RPC_URL`);
      }
      const delay = backoffDelay(attempt, 1000, p.maxDelayMs ?? 30_000);
      p.logger.warn({ attempt, retryInMs: delay }, `${e.message}; retrying in ${Math.round(delay / 1000)} s (start the node, or set RPC_URL)`);
      await sleep(delay);
      continue;
    }
    if (actual !== p.chainId) {
      throw new StartupError(`the node at ${p.rpcUrl} is chain ${actual}, but chain ${p.chainId} is expected (CHAIN_ID / DEPLOYMENT): check RPC_URL`);
    }
    if (attempt > 1) p.logger.info({ attempts: attempt }, `the chain at ${p.rpcUrl} answers`);
    return actual;
  }
}
