import { hexlify, toUtf8Bytes, type Contract, type TypedDataDomain } from "ethers";
import { CliError } from "./errors";
import { view } from "./chain";

export { LICENCE_TERMS_TYPE, PLEDGE_TYPES, TRADE_TYPES, tradeMessage } from "../digest";

/**
 * Checks the digest computed here equals the contract's own (`hashTrade` / `hashPledge`), so a signature made
 * here is one the contract accepts; a mismatch means the CLI and the deployed contract disagree on the type.
 */
export async function assertSameDigest(contract: Contract, fn: "hashTrade" | "hashPledge", struct: unknown, local: string): Promise<void> {
  const onChain = await view<string>(contract, fn, [struct], fn);
  if (onChain.toLowerCase() !== local.toLowerCase()) {
    throw new CliError(`the contract's EIP-712 digest (${fn}) differs from the CLI's: ${onChain} ≠ ${local}`, "the CLI and the deployed contracts are different versions; update one of them");
  }
}

/** The EIP-712 domain of a deployed contract, read through ERC-5267 `eip712Domain()`. */
export async function domainOf(contract: Contract): Promise<TypedDataDomain> {
  const d = await view<[string, string, string, bigint, string]>(contract, "eip712Domain", [], "read EIP-712 domain");
  return { name: d[1], version: d[2], chainId: d[3], verifyingContract: d[4] };
}

/** A 3-letter ISO 4217 code as bytes3 ("CNY" → 0x434e59); empty → zero. */
export function currencyBytes3(code: string | undefined): string {
  if (!code) return "0x000000";
  if (!/^[A-Z]{3}$/.test(code)) throw new CliError(`currency "${code}" is not an ISO 4217 code`, "give three upper-case letters, e.g. CNY");
  return hexlify(toUtf8Bytes(code));
}

/** bytes3 back to text ("0x434e59" → "CNY"; zero → ""). */
export function currencyText(b3: string): string {
  if (/^0x0{6}$/.test(b3)) return "";
  return Buffer.from(b3.slice(2), "hex").toString("latin1");
}
