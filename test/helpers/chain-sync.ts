/**
 * One chain's follower on a fake chain (test/helpers/fake-chain.ts), stepped by hand: the indexer tests that drive
 * `step()` themselves to put a fault between two steps (a lost commit, a lagging node, a reorg).
 */
import { createDecoder } from "../../service/src/chain/decoder";
import { createRpc } from "../../service/src/chain/rpc";
import { createChainSync, type ChainSync } from "../../service/src/indexer/chain-sync";
import { HANDLED_EVENTS } from "../../service/src/indexer/handlers";
import { createSilentLogger } from "../../service/src/logger";
import type { IndexStore } from "../../service/src/store/index-store";
import type { FakeChain } from "./fake-chain";
import { CONTRACTS } from "./fake-scenario";

const common = { logger: createSilentLogger() };

/**
 * A follower of `chain`'s scenario contracts writing to `store`. No RPC retries: a fault the test injects reaches the
 * step at once.
 */
export function followerOn(chain: FakeChain, store: IndexStore, options: { initialRange?: number; keepBlocks?: number } = {}): ChainSync {
  return createChainSync(common, {
    chain: { chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS, initialRange: options.initialRange, keepBlocks: options.keepBlocks },
    rpc: createRpc(chain.transport, { retries: 0 }),
    decoder: createDecoder(HANDLED_EVENTS),
    store,
  });
}

/** Steps until the follower reports "idle"; returns every step's outcome (throws after 10,000 steps). */
export async function stepUntilIdle(s: ChainSync): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const r = await s.step();
    seen.push(r);
    if (r === "idle") return seen;
  }
  throw new Error("never idle");
}
