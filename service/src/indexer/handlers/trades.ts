/**
 * TradeRecorder: recorded trades (api/queries/trades.ts) and the cross-border terms of cross-border ones
 * (api/queries/cross-border.ts). The right a trade moves arrives as the registry's events.
 */
import { CROSS_BORDER_MECHANISM, RIGHT, VENUE } from "../../digest";
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
  CrossBorderTradeRecorded: into("cross_border_trades", (a) => [
    str(a, "tradeId"),
    str(a, "assetId"),
    enumName(CROSS_BORDER_MECHANISM, num(a, "mechanism"), "mechanism"),
    orNull(str(a, "filingDigest")),
    ascii(str(a, "destination")) ?? "",
  ]),
});
