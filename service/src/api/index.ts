/**
 * Public surface of the API module.
 */
export { createApi, API_VERSION, V1_GROUPS } from "./app";
export type { CreateApiParameters, ReadDb, IndexerStatus, ChainStatus, ApiLogger, ApiContentStore, HealthOptions, PublicChain } from "./types";
export { evaluateHealth, type HealthReport } from "./health";
export { ApiError } from "./errors";
export {
  buildOwnershipStatement,
  parseOwnershipStatement,
  ownershipDomain,
  ownershipTypedMessage,
  ownershipDigest,
  OWNERSHIP_TYPES,
  OWNERSHIP_STATEMENT_HEADER,
  type OwnershipStatementFields,
} from "../digest/ownership-statement";
