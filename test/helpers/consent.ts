/**
 * Consent helpers: the holder's registration application and the merchant's onboarding consent (EIP-712), signed by
 * the party itself and submitted by the exchange — as every test and bench must now do.
 */
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import type { DataAssetRegistry, ParticipantRegistry } from "../../typechain-types";
import type { IDataAssetRegistry } from "../../typechain-types/contracts/DataAssetRegistry";
import { APPLICATION_TYPES, ONBOARDING_TYPES, applicationMessage, type ApplicationFields } from "../../service/src/digest";
import { domainOf } from "./signing";

/** A deadline far in the future (what helpers sign unless a test sets its own). */
export const FAR_DEADLINE = 2n ** 40n;

type RegistrationLike = IDataAssetRegistry.RegistrationStruct;

/** `holder` signs the application `r` for registration by `exchange` at `registry`. */
export async function signApplication(holder: Signer, registry: DataAssetRegistry, r: RegistrationLike, exchange: string): Promise<string> {
  return holder.signTypedData(await domainOf(registry), APPLICATION_TYPES, applicationMessage(r as ApplicationFields, exchange));
}

/** The signer of a well-known account, or undefined (zero address, unknown account). */
async function signerOf(address: string): Promise<Signer | undefined> {
  const all = await ethers.getSigners();
  return all.find((s) => s.address.toLowerCase() === String(address).toLowerCase());
}

/**
 * `exchange` registers `r` at `registry` with the holder's own signature (when the holder is a known account; else an
 * empty signature, for tests that expect an earlier revert). Returns the transaction promise (for `expect`).
 */
export async function signedRegister(registry: DataAssetRegistry, exchange: Signer, r: RegistrationLike, signer?: Signer) {
  const holder = signer ?? (await signerOf(String(r.holder)));
  const sig = holder ? await signApplication(holder, registry, r, await exchange.getAddress()) : "0x";
  return registry.connect(exchange).register(r, sig);
}

/** `merchant` signs its onboarding by `exchange` at `participants` (its current nonce unless given). */
export async function signOnboarding(
  merchant: Signer,
  participants: ParticipantRegistry,
  exchange: string,
  category: number | bigint,
  credentialDigest: string,
  deadline: bigint = FAR_DEADLINE,
  nonce?: bigint,
  merchantAddress?: string,
): Promise<string> {
  const address = merchantAddress ?? (await merchant.getAddress());
  const message = {
    merchant: address,
    exchange,
    category,
    credentialDigest,
    nonce: nonce ?? (await participants.onboardingNonce(address)),
    deadline,
  };
  return merchant.signTypedData(await domainOf(participants), ONBOARDING_TYPES, message);
}

/**
 * `exchange` onboards `merchant` with the merchant's own consent (signed by `by` — e.g. a contract wallet's owner,
 * checked through ERC-1271 — or by the merchant when it is a known account; else an empty signature). Returns the
 * transaction promise.
 */
export async function signedOnboard(
  participants: ParticipantRegistry,
  exchange: Signer,
  merchant: string,
  category: number | bigint,
  credentialDigest: string,
  by?: Signer,
) {
  const signer = by ?? (await signerOf(merchant));
  const sig = signer
    ? await signOnboarding(signer, participants, await exchange.getAddress(), category, credentialDigest, FAR_DEADLINE, undefined, merchant)
    : "0x";
  return participants.connect(exchange).onboardMerchant(merchant, category, credentialDigest, FAR_DEADLINE, sig);
}
