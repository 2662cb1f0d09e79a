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
  config: { corsOrigins: "*" | string[]; publicRpcUrl: string | undefined };
  deployment: { chainId: number; contracts: readonly { name: string; address: string }[] };
  /** The embedded chain's URL, when there is one (a local development chain: safe to tell the page). */
  chainUrl?: string;
  /** The built page (from ensureWebBuild). */
  webRoot: string;
}

/** The createApi options for the page: CORS, the public chain description (GET /v1/config) and the page itself. */
export function webOptions(i: WebOptionsInput): Pick<CreateApiParameters, "corsOrigins" | "publicChains" | "webRoot"> {
  const chain: PublicChain = {
    chainId: i.deployment.chainId,
    // RPC_URL itself is never told to browsers: a provider's URL often carries its API key
    rpcUrl: i.config.publicRpcUrl ?? i.chainUrl ?? null,
    contracts: i.deployment.contracts.map((c) => ({ name: c.name, address: c.address.toLowerCase() })),
  };
  return { corsOrigins: i.config.corsOrigins, publicChains: [chain], webRoot: i.webRoot };
}
