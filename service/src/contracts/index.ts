/**
 * "Which contracts, where": the contracts' names and aliases, their bundled ABIs, and deployments files. Used by the
 * indexer, the API, the CLI, `npm start` and the deploy script. (Deploying itself, which needs the contracts'
 * bytecode, is `./deploy`, for the development install only.)
 */
export { CONTRACT_KEYS, CONTRACT_NAMES, contractNameOf, type ContractKey, type ContractName } from "./names";
export { allErrorsAbi, callableAbi, COMMON_ABI, CONTRACT_ABIS, type AbiBundle } from "./abis";
export {
  currentAddresses,
  deploymentFileName,
  loadDeployment,
  parseDeployment,
  writeDeploymentFile,
  type ContractAddresses,
  type DeployedContract,
  type Deployment,
  type DeploymentDocument,
} from "./deployments";
export { checkEvmTarget, EVM_TARGET } from "./evm-target";
