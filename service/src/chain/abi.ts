/**
 * The events the indexer understands. The contracts' names and ABIs live in `../contracts` (bundled from the
 * compiled interfaces — never hand-copied); they are re-exported here for the indexer's modules.
 */
import { Interface, type EventFragment } from "ethers";
import { CONTRACT_ABIS, CONTRACT_NAMES, type ContractName } from "../contracts";

export { CONTRACT_ABIS, CONTRACT_NAMES, type ContractName };

/** Every event the handlers map to tables. */
export const EVENT_NAMES = [
  "ExchangeAccredited",
  "ExchangeSuspended",
  "ExchangeReinstated",
  "MerchantOnboarded",
  "MerchantSuspended",
  "MerchantReinstated",
  "ExchangeRecognised",
  "ExchangeRecognitionWithdrawn",
  "MerchantRecognised",
  "MerchantRecognitionWithdrawn",
  "AssetRegistered",
  "AssetFrozen",
  "AssetUnfrozen",
  "HoldingTransferred",
  "LicenceGranted",
  "LicenceRevoked",
  "AssetPledgeLockChanged",
  "ModulesWired",
  "Transfer",
  "TradeRecorded",
  "PledgeRegistered",
  "PledgeReleased",
  "PledgeLifted",
  "EvidenceAnchored",
] as const;

/** A known event name. */
export type EventName = (typeof EVENT_NAMES)[number];

/** The known event fragments, each with the contract that declares it. */
export function knownEventFragments(): { contract: ContractName; fragment: EventFragment }[] {
  const out: { contract: ContractName; fragment: EventFragment }[] = [];
  const wanted = new Set<string>(EVENT_NAMES);
  for (const contract of CONTRACT_NAMES) {
    new Interface(CONTRACT_ABIS[contract]).forEachEvent((fragment) => {
      if (wanted.has(fragment.name)) out.push({ contract, fragment });
    });
  }
  return out;
}
