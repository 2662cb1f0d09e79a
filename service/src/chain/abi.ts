/**
 * The events the indexer understands, taken from the compiled interfaces (typechain factories) and OpenZeppelin's
 * IERC721 build artifact — never hand-copied.
 */
import { Interface, type EventFragment, type InterfaceAbi } from "ethers";
import IERC721 from "@openzeppelin/contracts/build/contracts/IERC721.json";
import {
  IDataAssetRegistry__factory,
  IEvidenceAnchor__factory,
  IParticipantRegistry__factory,
  IPledgeRegistry__factory,
  ITradeRecorder__factory,
} from "../../../typechain-types";

/** Names of the Shuquan contracts as the indexer knows them (also the keys of a deployments file). */
export const CONTRACT_NAMES = [
  "ParticipantRegistry",
  "DataAssetRegistry",
  "TradeRecorder",
  "PledgeRegistry",
  "EvidenceAnchor",
] as const;

/** A Shuquan contract name. */
export type ContractName = (typeof CONTRACT_NAMES)[number];

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

/** The interfaces' ABIs, by contract. */
export const CONTRACT_ABIS: Record<ContractName, InterfaceAbi> = {
  ParticipantRegistry: IParticipantRegistry__factory.abi,
  DataAssetRegistry: [...IDataAssetRegistry__factory.abi, ...(IERC721.abi as InterfaceAbi as readonly object[])],
  TradeRecorder: ITradeRecorder__factory.abi,
  PledgeRegistry: IPledgeRegistry__factory.abi,
  EvidenceAnchor: IEvidenceAnchor__factory.abi,
};

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
