import { z } from "zod";
import { CROSS_BORDER_MECHANISM, RIGHT, VENUE, enumValue } from "../../digest";
import { currencyBytes3 } from "../eip712";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const addr = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

/** The trade authorisation file (docs/cli.md, "Trade authorisation"). */
export const authorisationSchema = z.object({
  type: z.literal("shuquan/trade-authorisation"),
  version: z.literal(1),
  chainId: z.number().int().positive(),
  tradeRecorder: addr,
  trade: z.object({
    tradeId: hex32,
    assetId: hex32,
    seller: addr,
    buyer: addr,
    right: z.enum(RIGHT),
    licence: z.object({ scopeDigest: hex32, start: z.number().int().nonnegative(), end: z.number().int().nonnegative(), exclusive: z.boolean(), sublicensable: z.boolean(), revocable: z.boolean() }),
    price: z.string().regex(/^\d+$/),
    currency: z.string().regex(/^([A-Z]{3})?$/),
    priceCommitment: hex32,
    contractDigest: hex32,
    venue: z.enum(VENUE),
    linkedTradeId: hex32,
    deadline: z.number().int().nonnegative(),
    stateNonce: z.number().int().nonnegative(),
  }),
  /** Present when the trade crosses the border: the seller signed CrossBorderTrade (docs/regulated-use.md). */
  crossBorder: z
    .object({ mechanism: z.enum(CROSS_BORDER_MECHANISM), filingDigest: hex32, destination: z.string().regex(/^[A-Z]{2}$/) })
    .optional(),
  digest: hex32.optional(),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/).optional(),
  /** The buyer's signature of the same digest (`trade accept`). */
  buyerSignature: z.string().regex(/^0x[0-9a-fA-F]+$/).optional(),
});

/** The CrossBorderTerms struct of an authorisation, or undefined for a domestic trade. */
export function toCrossBorderStruct(a: TradeAuthorisation): { mechanism: number; filingDigest: string; destination: string } | undefined {
  const x = a.crossBorder;
  if (!x) return undefined;
  return { mechanism: enumValue(CROSS_BORDER_MECHANISM, x.mechanism, "mechanism"), filingDigest: x.filingDigest, destination: "0x" + Buffer.from(x.destination, "ascii").toString("hex") };
}

/** A parsed trade authorisation file. */
export type TradeAuthorisation = z.infer<typeof authorisationSchema>;

/** The ITradeRecorder.Trade struct (as ethers encodes it) of an authorisation. */
export function toTradeStruct(a: TradeAuthorisation): {
  tradeId: bigint; assetId: bigint; seller: string; buyer: string; right: number;
  licence: TradeAuthorisation["trade"]["licence"]; price: bigint; currency: string; priceCommitment: string;
  contractDigest: string; venue: number; linkedTradeId: bigint; deadline: number; stateNonce: number;
} {
  const t = a.trade;
  return {
    tradeId: BigInt(t.tradeId),
    assetId: BigInt(t.assetId),
    seller: t.seller,
    buyer: t.buyer,
    right: enumValue(RIGHT, t.right, "right"),
    licence: t.licence,
    price: BigInt(t.price),
    currency: currencyBytes3(t.currency || undefined),
    priceCommitment: t.priceCommitment,
    contractDigest: t.contractDigest,
    venue: enumValue(VENUE, t.venue, "venue"),
    linkedTradeId: BigInt(t.linkedTradeId),
    deadline: t.deadline,
    stateNonce: t.stateNonce,
  };
}
