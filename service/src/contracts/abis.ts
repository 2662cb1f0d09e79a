/**
 * The contracts' ABIs, bundled at compile time (`npx hardhat compile` writes `abi.json` beside this file from the
 * compiled interfaces), so that a built service or CLI needs no `artifacts/` and no Solidity toolchain at run time.
 */
import type { InterfaceAbi } from "ethers";
import type { ContractName } from "./names";
import { uniqueFragments } from "./unique-fragments";
// Written by the ABI bundler (scripts/abi-bundle.ts) on every compile; git-ignored, emitted into dist/ by the build.
import bundle from "./abi.json";

/** The shape of the bundled file. */
export interface AbiBundle {
  /** Each contract's interface ABI (with the standard interfaces it implements). */
  contracts: Record<ContractName, readonly object[]>;
  /** Errors and views of OpenZeppelin code any call can surface (EIP-5267 domain, access control, ECDSA, ERC-721). */
  common: readonly object[];
}

const ABIS = bundle as unknown as AbiBundle;

/** The interfaces' ABIs, by contract (events, errors and functions of each contract's interface). */
export const CONTRACT_ABIS: Readonly<Record<ContractName, InterfaceAbi>> = ABIS.contracts as Record<ContractName, InterfaceAbi>;

/** Errors and views shared by every contract (OpenZeppelin's). */
export const COMMON_ABI: InterfaceAbi = ABIS.common as InterfaceAbi;

/** A contract's ABI with the common errors and views, for calling it and decoding its reverts. */
export function callableAbi(name: ContractName): InterfaceAbi {
  return uniqueFragments([...(CONTRACT_ABIS[name] as readonly object[]), ...(COMMON_ABI as readonly object[])]) as InterfaceAbi;
}

/** Every error any Shuquan contract can raise, once each: to decode a revert that bubbled across contracts. */
export function allErrorsAbi(): InterfaceAbi {
  const all = [...Object.values(ABIS.contracts).flat(), ...ABIS.common];
  return uniqueFragments(all.filter((f) => (f as { type?: string }).type === "error")) as InterfaceAbi;
}

