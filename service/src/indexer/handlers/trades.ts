/** TradeRecorder: recorded trades (api/queries/trades.ts). The right a trade moves arrives as the registry's events. */
import { RIGHT, VENUE } from "../../digest";
import { ascii, defineHandlers, enumName, into, num, orNull, str } from "./handler";

export const tradeHandlers = defineHandlers("TradeRecorder", {
  TradeRecorded: into("trades", (a) => {
    const commitment = orNull(str(a, "priceCommitment"));
    const confidential = commitment !== null;
    return [
      str(a, "tradeId"),
      str(a, "assetId"),
      str(a, "exchange"),
      str(a, "seller"),
      str(a, "buyer"),
      enumName(RIGHT, num(a, "right"), "right"),
      orNull(str(a, "licenceId")),
      confidential ? null : str(a, "price"),
      confidential ? null : ascii(str(a, "currency")),
      commitment,
      confidential ? 1 : 0,
      str(a, "contractDigest"),
      enumName(VENUE, num(a, "venue"), "venue"),
      orNull(str(a, "linkedTradeId")),
    ];
  }),
});
