/**
 * The development accounts of the embedded chain and their roles. They are Hardhat's well-known accounts,
 * derived from its public test mnemonic: for the local chain only, never for a real network.
 */
import { HDNodeWallet, Mnemonic } from "ethers";

/** Hardhat's public development mnemonic. */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** Account indexes of the development roles. */
export const DEV = { deployer: 0, regulator: 1, shde: 2, gzde: 3, alice: 4, bob: 5, carol: 6, dave: 7, lender: 8 } as const;

/** A development account with its role on the embedded chain. */
export interface DevAccount {
  index: number;
  role: string;
  label: string;
  address: string;
  privateKey: string;
}

/** Roles by account index (the same layout as test/helpers/fixture.ts). */
const DEV_ROLES: readonly { role: string; label: string }[] = [
  { role: "deployer", label: "deploys and wires the contracts" },
  { role: "regulator", label: "GOVERNOR_ROLE: accredits exchanges, freezes assets, lifts pledges" },
  { role: "exchange", label: "SHDE — Shanghai Data Exchange" },
  { role: "exchange", label: "GZDE — Guiyang Global Big Data Exchange" },
  { role: "merchant", label: "alice — data-resource merchant onboarded by SHDE" },
  { role: "merchant", label: "bob — technology merchant onboarded by SHDE" },
  { role: "merchant", label: "carol — data-resource merchant onboarded by GZDE" },
  { role: "merchant", label: "dave — third-party-service merchant onboarded by GZDE" },
  { role: "lender", label: "lender — a bank, third-party-service merchant onboarded by GZDE" },
];

/** The development account at `index` of the Hardhat mnemonic. */
export function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

/** Every development account that has a role, with its address and key. */
export function devAccounts(): DevAccount[] {
  return DEV_ROLES.map((r, index) => {
    const w = devWallet(index);
    return { index, role: r.role, label: r.label, address: w.address, privateKey: w.privateKey };
  });
}
