/** The chain the page checks answers against: told by GET /v1/config, the RPC URL overridable (remembered). */
import { get } from "../api";

/** A chain as /v1/config describes it. */
export interface PublicChain {
  chainId: number;
  rpcUrl: string | null;
  contracts: { name: string; address: string }[];
}

const STORE = "shuquan.rpc";

/** The chains this service indexes. */
export async function publicChains(): Promise<PublicChain[]> {
  return (await get<{ chains: PublicChain[] }>("/v1/config")).chains;
}

/** The RPC URL to use: the viewer's own choice, else the service's. */
export function rpcUrlOf(chain: PublicChain | undefined): string {
  return localStorage.getItem(STORE) ?? chain?.rpcUrl ?? "";
}

/** Remembers the viewer's RPC URL; empty resets to the service's. */
export function setRpcUrl(url: string): void {
  if (url.trim()) localStorage.setItem(STORE, url.trim());
  else localStorage.removeItem(STORE);
}

/** The address of a contract by name. */
export function contractOf(chain: PublicChain, name: string): string | undefined {
  return chain.contracts.find((c) => c.name === name)?.address;
}
