/**
 * The web page's place in the service: build it when needed, and tell createApi where it is and what browsers may
 * be told about the chain.
 */
import type { CreateApiParameters, PublicChain } from "../api";
import { ensureWebBuild, webBuildStaleness, WEB_DIST, WEB_SOURCE } from "./build";

export { ensureWebBuild, webBuildStaleness, WEB_DIST, WEB_SOURCE };
export { webHandler } from "./serve";

/** What `webOptions` needs from the running service. */
export interface WebOptionsInput {
  config: { corsOrigins: "*" | string[]; publicRpcUrl: string | undefined; rpcUrl: string };
  deployment: { chainId: number; contracts: readonly { name: string; address: string }[] };
  /** The embedded chain's URL, when there is one (it wins over RPC_URL, as for the indexer). */
  chainUrl?: string;
  /** The built page (from ensureWebBuild). */
  webRoot: string;
}

/** The createApi options for the page: CORS, the public chain description (GET /v1/config) and the page itself. */
export function webOptions(i: WebOptionsInput): Pick<CreateApiParameters, "corsOrigins" | "publicChains" | "webRoot"> {
  const chain: PublicChain = {
    chainId: i.deployment.chainId,
    rpcUrl: i.config.publicRpcUrl ?? i.chainUrl ?? i.config.rpcUrl,
    contracts: i.deployment.contracts.map((c) => ({ name: c.name, address: c.address.toLowerCase() })),
  };
  return { corsOrigins: i.config.corsOrigins, publicChains: [chain], webRoot: i.webRoot };
}
