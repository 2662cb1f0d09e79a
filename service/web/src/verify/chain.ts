/**
 * Reads the chain itself over JSON-RPC from the browser, so a verdict does not rest on the service's word. The ABIs
 * are the compiled interfaces' (artifacts/), never hand-copied.
 */
import { Interface } from "ethers";
import { abi as REGISTRY_ABI } from "../../../../artifacts/contracts/interfaces/IDataAssetRegistry.sol/IDataAssetRegistry.json";
import { abi as ANCHOR_ABI } from "../../../../artifacts/contracts/interfaces/IEvidenceAnchor.sol/IEvidenceAnchor.json";
import { abi as ERC721_ABI } from "@openzeppelin/contracts/build/contracts/IERC721.json";
import { contractOf, type PublicChain } from "./settings";

const registry = new Interface(REGISTRY_ABI);
const anchor = new Interface(ANCHOR_ABI);
const erc721 = new Interface(ERC721_ABI); // the registry is the ERC-721 whose owner is the holder

/** A JSON-RPC error (a revert carries its data). */
class RpcError extends Error {
  constructor(
    message: string,
    readonly data?: string,
  ) {
    super(message);
  }
}

let nextId = 1;
async function rpc(url: string, method: string, params: unknown[], timeoutMs = 6000): Promise<unknown> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      signal: ctl.signal,
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string; data?: string } };
    if (body.error) throw new RpcError(body.error.message, body.error.data);
    return body.result;
  } finally {
    clearTimeout(timer);
  }
}

/** The registration as the chain holds it. */
export interface ChainAsset {
  exists: boolean;
  registrationNumber: string | null;
  holder: string | null;
  exchange: string | null;
  registeredAt: number | null;
  frozen: boolean;
  pledged: boolean;
}

/** A batch as the chain holds it. */
export interface ChainBatch {
  exchange: string;
  anchoredAt: number;
  leafCount: number;
}

/** What the page asks the chain. */
export interface ChainReader {
  url: string;
  chainId: number;
  head: number;
  asset(id: string): Promise<ChainAsset>;
  ownerAt(id: string, block: number | "latest"): Promise<string | null>;
  /** The batch `root` as `exchange` anchored it (batches are keyed by exchange and root), or null. */
  batch(exchange: string, root: string): Promise<ChainBatch | null>;
  verifyLeaf(exchange: string, root: string, leaf: string, proof: string[]): Promise<boolean>;
}

/** Connects to `url` and checks it serves `chain`; throws (unreachable, wrong chain) otherwise. */
export async function connectChain(url: string, chain: PublicChain): Promise<ChainReader> {
  if (!url) throw new Error("no RPC URL");
  const chainId = Number(await rpc(url, "eth_chainId", []));
  if (chainId !== chain.chainId) throw new Error(`the node at ${url} serves chain ${chainId}, not ${chain.chainId}`);
  const head = Number(await rpc(url, "eth_blockNumber", []));
  const registryAddr = contractOf(chain, "DataAssetRegistry");
  const anchorAddr = contractOf(chain, "EvidenceAnchor");
  if (!registryAddr || !anchorAddr) throw new Error("the service did not name the DataAssetRegistry and EvidenceAnchor contracts");
  const call = async (to: string, iface: Interface, fn: string, args: unknown[], block: number | "latest" = "latest") => {
    const data = iface.encodeFunctionData(fn, args);
    const tag = block === "latest" ? "latest" : `0x${block.toString(16)}`;
    const out = (await rpc(url, "eth_call", [{ to, data }, tag])) as string;
    return iface.decodeFunctionResult(fn, out);
  };
  return {
    url,
    chainId,
    head,
    async asset(id) {
      const exists = Boolean((await call(registryAddr, registry, "exists", [id]))[0]);
      if (!exists) return { exists, registrationNumber: null, holder: null, exchange: null, registeredAt: null, frozen: false, pledged: false };
      const [a] = await call(registryAddr, registry, "getAsset", [id]);
      const [num] = await call(registryAddr, registry, "registrationNumber", [id]);
      const [owner] = await call(registryAddr, erc721, "ownerOf", [id]);
      return {
        exists,
        registrationNumber: String(num),
        holder: String(owner).toLowerCase(),
        exchange: String(a.exchange).toLowerCase(),
        registeredAt: Number(a.registeredAt),
        frozen: Boolean(a.frozen),
        pledged: Boolean(a.pledged),
      };
    },
    async ownerAt(id, block) {
      try {
        return String((await call(registryAddr, erc721, "ownerOf", [id], block))[0]).toLowerCase();
      } catch (e) {
        if (e instanceof RpcError) return null; // reverted: not registered at that block
        throw e;
      }
    },
    async batch(exchange, root) {
      try {
        const [b] = await call(anchorAddr, anchor, "getBatch", [exchange, root]);
        return { exchange: String(b.exchange).toLowerCase(), anchoredAt: Number(b.anchoredAt), leafCount: Number(b.leafCount) };
      } catch (e) {
        if (e instanceof RpcError) return null; // EvidenceBatchNotFound
        throw e;
      }
    },
    async verifyLeaf(exchange, root, leaf, proof) {
      return Boolean((await call(anchorAddr, anchor, "verify", [exchange, root, leaf, proof]))[0]);
    },
  };
}
