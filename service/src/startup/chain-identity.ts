/**
 * Does the chain still match the index and the deployment? Checked at every start, before anything is served:
 * - the chain's genesis hash equals the one the index was built from (recorded in `meta` on first start): a chain
 *   that was replaced (a new development chain, a lost state file, a different network behind the same URL) is
 *   refused, never mixed with answers indexed from another chain;
 * - every contract of the deployment has code on the chain;
 * - the index follows no contract the deployment no longer names, and the deployment names no contract whose
 *   events the index has already passed without reading them.
 * For the embedded chain, it also brings the index back to what the chain holds after the chain lost its last
 * blocks in an abrupt stop (its state is written every second): rows of lost blocks are rolled back.
 */
import type { Deployment } from "../contracts";
import type { Logger } from "../logger";
import type { Db } from "../store/db";
import { createIndexStore } from "../store/index-store";
import { jsonRpcCall } from "./json-rpc";
import { StartupError } from "./preflight";

/** Parameters of {@link checkChainIdentity}. */
export interface CheckChainIdentityParameters {
  db: Db;
  rpcUrl: string;
  deployment: Deployment;
  /** What to tell the operator to do when the index belongs to another chain. */
  remedy: string;
  /** Record the genesis hash when the index has none (the writer does; readers only compare). */
  record: boolean;
  /** Roll the index back to the chain when the chain lost blocks the index holds (embedded chain only). */
  followLostBlocks: boolean;
  logger: Logger;
}

interface Header {
  number: string;
  hash: string;
}

const genesisKey = (chainId: number): string => `genesis:${chainId}`;

/** The genesis hash recorded for `chainId`, or undefined. */
export async function recordedGenesis(db: Db, chainId: number): Promise<string | undefined> {
  const row = await db.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", [genesisKey(chainId)]);
  return row?.value;
}

/** Runs the checks; throws a {@link StartupError} naming the mismatch and what to do. */
export async function checkChainIdentity(p: CheckChainIdentityParameters): Promise<void> {
  const { db, rpcUrl, deployment } = p;
  const chainId = deployment.chainId;
  const genesis = await jsonRpcCall<Header | null>(rpcUrl, "eth_getBlockByNumber", ["0x0", false]);
  if (!genesis) throw new StartupError(`the node at ${rpcUrl} does not serve its genesis block`);
  const recorded = await recordedGenesis(db, chainId);
  if (recorded !== undefined && recorded !== genesis.hash) {
    throw new StartupError(
      `the index was built from another chain ${chainId} (genesis ${recorded.slice(0, 10)}…) than the one at ${rpcUrl} ` +
        `(genesis ${genesis.hash.slice(0, 10)}…), so its answers would be stale: ${p.remedy}`,
    );
  }

  for (const c of deployment.contracts) {
    const code = await jsonRpcCall<string>(rpcUrl, "eth_getCode", [c.address, "latest"]);
    if (!code || code === "0x") {
      throw new StartupError(`the deployment does not match the chain at ${rpcUrl}: no contract at ${c.address} (${c.name}); check DEPLOYMENT and RPC_URL`);
    }
  }

  const indexed = await db.all<{ address: string; name: string }>("SELECT address, name FROM contracts WHERE chain_id = ?", [chainId]);
  const listed = new Set(deployment.contracts.map((c) => c.address.toLowerCase()));
  const gone = indexed.filter((c) => !listed.has(c.address.toLowerCase()));
  if (gone.length > 0) {
    throw new StartupError(
      `the index follows ${gone.map((c) => `${c.name} ${c.address}`).join(", ")}, which the deployment does not list: ` +
        `use the deployments file this index was built with (an upgrade lists old and new versions), or ${p.remedy}`,
    );
  }
  const checkpoint = await db.get<{ block_number: number; block_hash: string }>("SELECT block_number, block_hash FROM checkpoints WHERE chain_id = ?", [chainId]);
  const known = new Set(indexed.map((c) => c.address.toLowerCase()));
  const missed = deployment.contracts.filter((c) => !known.has(c.address) && checkpoint !== undefined && c.startBlock <= Number(checkpoint.block_number));
  if (missed.length > 0) {
    throw new StartupError(
      `the deployment adds ${missed.map((c) => `${c.name} ${c.address} (from block ${c.startBlock})`).join(", ")}, but the index is already at block ` +
        `${checkpoint?.block_number} and would miss its earlier events: index the new deployment into a new database (see "Upgrade" in the README)`,
    );
  }

  if (recorded === undefined && p.record) {
    await db.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [genesisKey(chainId), genesis.hash]);
  }
  if (checkpoint && p.followLostBlocks) await followLostBlocks(p, Number(checkpoint.block_number), checkpoint.block_hash);
}

/** The chain lost blocks the index holds (an abrupt stop): roll the index back to the last block both agree on. */
async function followLostBlocks(p: CheckChainIdentityParameters, indexedBlock: number, indexedHash: string): Promise<void> {
  const chainId = p.deployment.chainId;
  const at = await jsonRpcCall<Header | null>(p.rpcUrl, "eth_getBlockByNumber", ["0x" + indexedBlock.toString(16), false]);
  if (at && at.hash === indexedHash) return;
  const kept = await p.db.all<{ block_number: number; block_hash: string; parent_hash: string; block_time: number }>(
    "SELECT block_number, block_hash, parent_hash, block_time FROM block_hashes WHERE chain_id = ? ORDER BY block_number DESC",
    [chainId],
  );
  let ancestor: (typeof kept)[number] | undefined;
  for (const k of kept) {
    const h = await jsonRpcCall<Header | null>(p.rpcUrl, "eth_getBlockByNumber", ["0x" + Number(k.block_number).toString(16), false]);
    if (h && h.hash === k.block_hash) {
      ancestor = k;
      break;
    }
  }
  const store = createIndexStore(p.db);
  await store.rollback(
    chainId,
    ancestor
      ? { blockNumber: Number(ancestor.block_number), blockHash: ancestor.block_hash, parentHash: ancestor.parent_hash, blockTime: Number(ancestor.block_time) }
      : null,
  );
  p.logger.warn(
    `the chain lost blocks ${ancestor ? Number(ancestor.block_number) + 1 : 0}–${indexedBlock} that the index held (it was stopped abruptly; its state is saved every second): ` +
      `the index rolled back to ${ancestor ? `block ${ancestor.block_number}` : "the start"} to match it`,
  );
}
