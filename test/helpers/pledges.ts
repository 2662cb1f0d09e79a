/** Pledge-enforcement signing helper: a buyer's acceptance of an enforcement sale (EIP-712). */
import type { BaseContract, Signer } from "ethers";
import { ENFORCEMENT_ACCEPTANCE_TYPES } from "../../service/src/digest";
import { domainOf } from "./signing";

export interface EnforcementAcceptanceValue {
  pledgeId: bigint;
  buyer: string;
  price: bigint;
  currency: string;
  contractDigest: string;
}

/** `buyer` accepts buying the pledged asset of `pledgeId` in an enforcement, at `pledges`. */
export async function signEnforcementAcceptance(buyer: Signer, pledges: BaseContract, v: EnforcementAcceptanceValue): Promise<string> {
  return buyer.signTypedData(await domainOf(pledges), ENFORCEMENT_ACCEPTANCE_TYPES, v);
}
