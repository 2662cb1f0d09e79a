/**
 * /v1/exchanges/{exchange}/recognitions and /v1/accounts/{address}/licences: the connections the participant pages show.
 */
import { z } from "zod";
import { notFound } from "../errors";
import { getExchange } from "../queries/participants";
import { exchangeRecognitions, licencesOfAccount, registrationNumbers } from "../queries/relations";
import { indexedChainTime } from "../queries/rights";
import { defineRoute, type RouteDef } from "../route";
import { address } from "../validation";

const recognitions = defineRoute({
  method: "get",
  path: "/exchanges/{exchange}/recognitions",
  tag: "participants",
  summary: "Whom an exchange recognises now (exchanges as a whole, single merchants) and which exchanges recognise it",
  params: z.object({
    exchange: z
      .string()
      .regex(/^(0x[0-9a-fA-F]{40}|[A-Za-z0-9]{2,4})$/, "expected an address or a 2-4 character exchange code")
      .meta({ example: "SHDE" }),
  }),
  async handler({ params, isFinal }, ctx) {
    const key = params.exchange.startsWith("0x") && params.exchange.length === 42
      ? { address: params.exchange.toLowerCase() }
      : { code: params.exchange.toUpperCase() };
    const e = await getExchange(ctx.db, key, isFinal);
    if (!e) throw notFound("exchange", params.exchange);
    return { data: await exchangeRecognitions(ctx.db, e.address, isFinal) };
  },
});

const licences = defineRoute({
  method: "get",
  path: "/accounts/{address}/licences",
  tag: "participants",
  summary: "Licences granted to or by an account (merchant), newest first, with their state at the indexed head's chain time",
  description: "At most 200 assets' licences are read; `truncated` says when the account has licences on more.",
  params: z.object({ address }),
  async handler({ params, isFinal }, ctx) {
    const asOf = (await indexedChainTime(ctx.db)) ?? Math.floor(ctx.now() / 1000);
    const r = await licencesOfAccount(ctx.db, params.address, asOf, isFinal);
    return { data: { account: params.address, asOf, ...r, registrationNumbers: await registrationNumbers(ctx.db, r.licences.map((l) => l.assetId)) } };
  },
});

/** Routes of participant relations. */
export const relationRoutes: readonly RouteDef[] = [recognitions, licences];
