/**
 * EIP-712 signing helpers for the Shuquan contracts, built from the interfaces' structs.
 *
 * The domain is read from the verifying contract itself (ERC-5267 `eip712Domain()`), so these helpers follow
 * whatever name/version the contract was deployed with. The type definitions are the product's own
 * (service/src/digest/eip712.ts); every digest is checked against the contracts' hashTrade / hashPledge.
 */
import { ethers } from "hardhat";
import type { BaseContract, Signer, TypedDataDomain, TypedDataField } from "ethers";
import { CROSS_BORDER_TRADE_TYPES, PLEDGE_TYPES, TRADE_TYPES, crossBorderTradeMessage, parseTradeId, tradeMessage, type CrossBorderTermsValue } from "../../service/src/digest";

// The types themselves are the product's (service/src/digest/eip712.ts); these helpers only sign with them.
export { LICENCE_TERMS_TYPE, PLEDGE_TYPES, TRADE_TYPES } from "../../service/src/digest";

export interface LicenceTermsValue {
  scopeDigest: string;
  start: bigint | number;
  end: bigint | number;
  exclusive: boolean;
  sublicensable: boolean;
  revocable: boolean;
}

export interface TradeValue {
  tradeId: bigint;
  assetId: bigint;
  seller: string;
  buyer: string;
  right: number;
  licence: LicenceTermsValue;
  price: bigint;
  currency: string;
  priceCommitment: string;
  contractDigest: string;
  venue: number;
  linkedTradeId: bigint;
  deadline: bigint | number;
  stateNonce: bigint | number;
}

export interface PledgeTermsValue {
  assetId: bigint;
  holder: string;
  lender: string;
  amount: bigint;
  currency: string;
  start: bigint | number;
  end: bigint | number;
  agreementDigest: string;
  stateNonce: bigint | number;
  nonce: bigint;
  deadline: bigint | number;
}

/** Licence terms that are all zero (what a holding-transfer trade carries). */
export const EMPTY_LICENCE_TERMS: LicenceTermsValue = {
  scopeDigest: ethers.ZeroHash,
  start: 0,
  end: 0,
  exclusive: false,
  sublicensable: false,
  revocable: false,
};

/** The EIP-712 type string of a primary type, e.g. for comparing with a contract's typehash. */
function typeString(types: Record<string, TypedDataField[]>, primary: string): string {
  return ethers.TypedDataEncoder.from(types).encodeType(primary);
}

/** keccak256 of the type string: the typehash a contract must declare. */
export function typeHash(types: Record<string, TypedDataField[]>, primary: string): string {
  return ethers.id(typeString(types, primary));
}

/** The EIP-712 domain of a deployed contract, read through ERC-5267 `eip712Domain()`. */
export async function domainOf(contract: BaseContract): Promise<TypedDataDomain> {
  const c = contract as unknown as {
    eip712Domain(): Promise<[string, string, string, bigint, string, string, bigint[]]>;
  };
  const [, name, version, chainId, verifyingContract] = await c.eip712Domain();
  return { name, version, chainId, verifyingContract };
}

/** The recording exchange encoded in a trade id (its top 160 bits). */
export function exchangeOfTradeId(tradeId: bigint): string {
  return parseTradeId(tradeId).exchange;
}

/** `seller` signs `trade` for the TradeRecorder at `recorder`. */
export async function signTrade(seller: Signer, recorder: BaseContract, trade: TradeValue): Promise<string> {
  return seller.signTypedData(await domainOf(recorder), TRADE_TYPES, tradeMessage(trade));
}

/** The EIP-712 digest of `trade` (what `hashTrade` returns). */
export async function tradeDigest(recorder: BaseContract, trade: TradeValue): Promise<string> {
  return ethers.TypedDataEncoder.hash(await domainOf(recorder), TRADE_TYPES, tradeMessage(trade));
}

/** `seller` (or the buyer, accepting) signs `trade` with its cross-border `terms` for the TradeRecorder at `recorder`. */
export async function signCrossBorderTrade(seller: Signer, recorder: BaseContract, trade: TradeValue, terms: CrossBorderTermsValue): Promise<string> {
  return seller.signTypedData(await domainOf(recorder), CROSS_BORDER_TRADE_TYPES, crossBorderTradeMessage(trade, terms));
}

/** `holder` signs `terms` for the PledgeRegistry at `pledges`. */
export async function signPledge(holder: Signer, pledges: BaseContract, terms: PledgeTermsValue): Promise<string> {
  return holder.signTypedData(await domainOf(pledges), PLEDGE_TYPES, terms);
}

/** The EIP-712 digest of `terms` (what `hashPledge` returns). */
export async function pledgeDigest(pledges: BaseContract, terms: PledgeTermsValue): Promise<string> {
  return ethers.TypedDataEncoder.hash(await domainOf(pledges), PLEDGE_TYPES, terms);
}

export { tradeIdOf } from "../../service/src/digest";

/** A 3-byte ISO 4217 currency code ("CNY" -> 0x434e59). */
export function currency(code: string): string {
  const bytes = ethers.toUtf8Bytes(code);
  if (bytes.length !== 3) throw new Error(`currency must be 3 ASCII letters: ${code}`);
  return ethers.hexlify(bytes);
}
