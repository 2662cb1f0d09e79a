/**
 * The Shuquan contracts by name: the names a deployments file uses, the short keys the CLI uses, and every alias
 * a deployments file may spell them with.
 */

/** Names of the Shuquan contracts (also the keys of a deployments file written by the deploy script). */
export const CONTRACT_NAMES = [
  "ParticipantRegistry",
  "DataAssetRegistry",
  "TradeRecorder",
  "PledgeRegistry",
  "EvidenceAnchor",
  "RegistrationLifecycle",
] as const;

/** A Shuquan contract name. */
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** The short keys the CLI and the demo use for the contracts. */
export const CONTRACT_KEYS = {
  participants: "ParticipantRegistry",
  registry: "DataAssetRegistry",
  trades: "TradeRecorder",
  pledges: "PledgeRegistry",
  evidence: "EvidenceAnchor",
  lifecycle: "RegistrationLifecycle",
} as const satisfies Record<string, ContractName>;

/** A short contract key. */
export type ContractKey = keyof typeof CONTRACT_KEYS;

/** Every spelling a deployments file may use for a contract (matched case-insensitively). */
const ALIASES: Readonly<Record<string, ContractName>> = {
  participantregistry: "ParticipantRegistry",
  participants: "ParticipantRegistry",
  dataassetregistry: "DataAssetRegistry",
  registry: "DataAssetRegistry",
  assets: "DataAssetRegistry",
  assetregistry: "DataAssetRegistry",
  traderecorder: "TradeRecorder",
  trades: "TradeRecorder",
  pledgeregistry: "PledgeRegistry",
  pledges: "PledgeRegistry",
  evidenceanchor: "EvidenceAnchor",
  evidence: "EvidenceAnchor",
  registrationlifecycle: "RegistrationLifecycle",
  lifecycle: "RegistrationLifecycle",
};

/** The contract a deployments-file key or CLI key names (case-insensitive), or undefined. */
export function contractNameOf(alias: string): ContractName | undefined {
  return ALIASES[alias.toLowerCase()];
}

/**
 * Which compiled interfaces make up each contract's ABI: the project's own `I*` interface (which owns the ABI),
 * plus the standard interfaces the contract implements. Read by the ABI bundler at compile time.
 */
export const CONTRACT_INTERFACES: Readonly<Record<ContractName, readonly string[]>> = {
  ParticipantRegistry: ["IParticipantRegistry"],
  DataAssetRegistry: ["IDataAssetRegistry", "IERC721"],
  TradeRecorder: ["ITradeRecorder"],
  PledgeRegistry: ["IPledgeRegistry"],
  EvidenceAnchor: ["IEvidenceAnchor"],
  RegistrationLifecycle: ["IRegistrationLifecycle"],
};

/**
 * OpenZeppelin interfaces and libraries whose errors any Shuquan call can surface (a revert bubbling up from a
 * library), and the EIP-5267 `eip712Domain()` view of the signature verifiers: bundled once as the common ABI.
 */
export const COMMON_INTERFACES: readonly string[] = ["IERC5267", "IAccessControl", "ECDSA", "IERC721Errors"];
