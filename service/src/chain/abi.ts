/**
 * The events the indexer understands, taken from the compiled interfaces (typechain factories) and OpenZeppelin's
 * IERC721 build artifact — never hand-copied.
 */
import { Interface, type EventFragment, type InterfaceAbi } from "ethers";
import IERC721 from "@openzeppelin/contracts/build/contracts/IERC721.json";
// The compiled interfaces' artifacts (`npx hardhat compile`): the same ABIs typechain's factories carry, but stable
// while typechain regenerates its tree, and without loading every contract's bytecode.
import IDataAssetRegistry from "../../../artifacts/contracts/interfaces/IDataAssetRegistry.sol/IDataAssetRegistry.json";
import IEvidenceAnchor from "../../../artifacts/contracts/interfaces/IEvidenceAnchor.sol/IEvidenceAnchor.json";
import IParticipantRegistry from "../../../artifacts/contracts/interfaces/IParticipantRegistry.sol/IParticipantRegistry.json";
import IPledgeRegistry from "../../../artifacts/contracts/interfaces/IPledgeRegistry.sol/IPledgeRegistry.json";
import ITradeRecorder from "../../../artifacts/contracts/interfaces/ITradeRecorder.sol/ITradeRecorder.json";

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
  ParticipantRegistry: IParticipantRegistry.abi as InterfaceAbi,
  DataAssetRegistry: [...(IDataAssetRegistry.abi as readonly object[]), ...(IERC721.abi as readonly object[])] as InterfaceAbi,
  TradeRecorder: ITradeRecorder.abi as InterfaceAbi,
  PledgeRegistry: IPledgeRegistry.abi as InterfaceAbi,
  EvidenceAnchor: IEvidenceAnchor.abi as InterfaceAbi,
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
