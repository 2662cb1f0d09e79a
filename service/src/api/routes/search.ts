/**
 * /v1/search (one box for every key) and /v1/config (what a browser needs to check answers against the chain itself).
 */
import { z } from "zod";
import { search } from "../queries/search";
import { defineRoute, type RouteDef } from "../route";

const searchRoute = defineRoute({
  method: "get",
  path: "/search",
  tag: "search",
  summary: "Resolve a registration number, content digest / asset id, trade id, evidence digest or root, transaction hash, address, exchange code or name",
  description:
    "Each key is recognised by its shape. `readAs` says how the query was read; `problem` says why nothing can match (e.g. a registration number whose check character is wrong). No hit is an empty `hits`, not a 404.",
  query: z.strictObject({ q: z.string().min(1, "q is required: what to look for").max(200).describe("the search text") }),
  async handler({ query }, ctx) {
    return { data: await search(ctx.db, query.q) };
  },
});

const contract = z.object({ name: z.string(), address: z.string() });
const configResponse = z.object({
  apiVersion: z.string(),
  chains: z.array(z.object({ chainId: z.number().int(), rpcUrl: z.string().nullable(), contracts: z.array(contract) })),
});

const config = defineRoute({
  method: "get",
  path: "/config",
  tag: "search",
  summary: "The chains this service indexes: chain id, a JSON-RPC URL browsers may use (PUBLIC_RPC_URL) and the contract addresses",
  description: "The web page reads roots, registrations and holders from this RPC URL itself, so its verdicts do not rest on the API's word.",
  response: configResponse,
  async handler(_input, ctx) {
    return { data: { apiVersion: ctx.apiVersion, chains: ctx.publicChains } };
  },
});

/** Routes of search and configuration. */
export const searchRoutes: readonly RouteDef[] = [searchRoute, config];
