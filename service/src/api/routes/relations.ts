/**
 * /v1/exchanges/{exchange}/recognitions and /v1/accounts/{address}/licences: the connections the participant pages show.
 */
import { z } from "zod";
import { notFound } from "../errors";
import { getExchange } from "../queries/participants";
import { exchangeRecognitions, licencesOfAccount, registrationNumbers } from "../queries/relations";
import { indexedChainTime } from "../queries/rights";
import { defineRoute, type RouteDef } from "../route";
import { address, pageQuery } from "../validation";
import { exchangeKey, exchangeParams } from "./participants";

const recognitions = defineRoute({
  method: "get",
  path: "/exchanges/{exchange}/recognitions",
  tag: "participants",
  summary: "Whom an exchange recognises now (exchanges as a whole, single merchants) and which exchanges recognise it",
  params: exchangeParams,
  async handler({ params, isFinal }, ctx) {
    const e = await getExchange(ctx.db, exchangeKey(params.exchange), isFinal);
    if (!e) throw notFound("exchange", params.exchange);
    return { data: await exchangeRecognitions(ctx.db, e.address, isFinal) };
  },
});

const licences = defineRoute({
  method: "get",
  path: "/accounts/{address}/licences",
  tag: "participants",
  summary: "Licences granted to or by an account (merchant), newest first, with their state at the indexed head's chain time",
  description: "A page at a time (`limit`, `cursor`); `truncated` is true when there are more (`page.nextCursor`).",
  params: z.object({ address }),
  query: z.strictObject({ ...pageQuery }),
  async handler({ params, query, isFinal }, ctx) {
    const asOf = (await indexedChainTime(ctx.db)) ?? Math.floor(ctx.now() / 1000);
    const page = await licencesOfAccount(ctx.db, params.address, asOf, isFinal, query);
    return {
      data: {
        account: params.address,
        asOf,
        licences: page.items,
        truncated: page.nextCursor !== null,
        registrationNumbers: await registrationNumbers(ctx.db, page.items.map((l) => l.assetId)),
      },
      page: { nextCursor: page.nextCursor, limit: page.limit },
    };
  },
});

/** Routes of participant relations. */
export const relationRoutes: readonly RouteDef[] = [recognitions, licences];
