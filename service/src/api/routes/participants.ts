/**
 * /v1/exchanges, /v1/merchants and /v1/recognition (数商互认): participants and the recognition question.
 */
import { z } from "zod";
import { notFound } from "../errors";
import { getExchange, getMerchant, listExchanges, listMerchants, recognition } from "../queries/participants";
import { defineRoute, listResult, type RouteDef } from "../route";
import { address, chainId, merchantCategory, pageQuery, participantStatus } from "../validation";

const exchanges = defineRoute({
  method: "get",
  path: "/exchanges",
  tag: "participants",
  summary: "Accredited exchanges, in accreditation order",
  query: z.strictObject({ status: participantStatus.optional(), ...pageQuery }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listExchanges(ctx.db, query, isFinal));
  },
});

/** Path parameters naming an exchange by address or by code. */
export const exchangeParams = z.object({
  exchange: z
    .string()
    .regex(/^(0x[0-9a-fA-F]{40}|[A-Za-z0-9]{2,4})$/, "expected an address or a 2-4 character exchange code")
    .meta({ example: "SHDE" }),
});

/** The lookup key of an exchange parameter: an address, or a code. */
export function exchangeKey(exchange: string): { address: string } | { code: string } {
  return exchange.startsWith("0x") && exchange.length === 42 ? { address: exchange.toLowerCase() } : { code: exchange.toUpperCase() };
}

const exchange = defineRoute({
  method: "get",
  path: "/exchanges/{exchange}",
  tag: "participants",
  summary: "One exchange by address or by code (e.g. SHDE), with its status history",
  params: exchangeParams,
  async handler({ params, isFinal }, ctx) {
    const e = await getExchange(ctx.db, exchangeKey(params.exchange), isFinal);
    if (!e) throw notFound("exchange", params.exchange);
    return { data: e };
  },
});

const merchants = defineRoute({
  method: "get",
  path: "/merchants",
  tag: "participants",
  summary: "Onboarded merchants, in onboarding order",
  query: z.strictObject({
    exchange: address.optional().describe("home exchange"),
    status: participantStatus.optional().describe("the merchant's own status"),
    category: merchantCategory.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listMerchants(ctx.db, query, isFinal));
  },
});

const merchant = defineRoute({
  method: "get",
  path: "/merchants/{address}",
  tag: "participants",
  summary: "One merchant with its status history and the exchanges that recognise it now",
  params: z.object({ address }),
  async handler({ params, isFinal }, ctx) {
    const m = await getMerchant(ctx.db, params.address, isFinal);
    if (!m) throw notFound("merchant", params.address);
    return { data: m };
  },
});

const recognised = defineRoute({
  method: "get",
  path: "/recognition",
  tag: "participants",
  summary: "Is merchant M recognised at exchange B, and by which path (home, whole-exchange, single-merchant, none)?",
  description: "Computed from indexed events exactly as ParticipantRegistry.recognitionPath: exchange active, merchant active, home exchange active, then home / whole-exchange / single-merchant.",
  query: z.strictObject({
    merchant: address,
    exchange: address,
    chainId: chainId.optional().describe("chain of the participant registry; default: where the merchant was onboarded"),
    registry: address.optional().describe("ParticipantRegistry address, when several deployments are indexed"),
  }),
  async handler({ query }, ctx) {
    return { data: await recognition(ctx.db, query.merchant, query.exchange, { chainId: query.chainId, registry: query.registry }) };
  },
});

/** Routes of the participants resource. */
export const participantRoutes: readonly RouteDef[] = [exchanges, exchange, merchants, merchant, recognised];
