/**
 * Reads `deployments/<chainId>.json` (written by scripts/deploy.ts) into followed contracts. Tolerant of shape:
 * `{ chainId, startBlock?, contracts: { <Name>: "0x…" | { address, blockNumber? } } }`, or the same map at the top
 * level, or `{ chainId, deployments: [ <one of the above>, … ] }` for several versions on one chain.
 * Names match case-insensitively, with aliases (participants, registry, trades, pledges, evidence).
 */
import fs from "node:fs";
import { z } from "zod";
import { ConfigError } from "../errors";
import { CONTRACT_NAMES, type ContractName } from "../chain/abi";
import type { FollowedContract } from "./types";

const ALIASES: Record<string, ContractName> = {
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
};

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");
const entry = z.union([
  address,
  z.object({ address, blockNumber: z.number().int().nonnegative().optional(), startBlock: z.number().int().nonnegative().optional() }).passthrough(),
]);

/** A parsed deployments file. */
export interface Deployment {
  chainId: number;
  contracts: FollowedContract[];
}

function contractsOf(obj: Record<string, unknown>, defaultStart: number, where: string): FollowedContract[] {
  const map = (obj.contracts && typeof obj.contracts === "object" ? obj.contracts : obj) as Record<string, unknown>;
  const start = typeof obj.startBlock === "number" ? obj.startBlock : typeof obj.blockNumber === "number" ? obj.blockNumber : defaultStart;
  const out: FollowedContract[] = [];
  for (const [key, value] of Object.entries(map)) {
    const name = ALIASES[key.toLowerCase()];
    if (!name) continue;
    const r = entry.safeParse(value);
    if (!r.success) throw new ConfigError(`${where}: contract ${key}: ${r.error.issues[0]?.message ?? "invalid"}`);
    const v = r.data;
    out.push(
      typeof v === "string"
        ? { name, address: v.toLowerCase(), startBlock: start }
        : { name, address: v.address.toLowerCase(), startBlock: v.startBlock ?? v.blockNumber ?? start },
    );
  }
  return out;
}

/** Parses a deployments document (already JSON-parsed). `where` names it in errors. */
export function parseDeployment(doc: unknown, where = "deployment"): Deployment {
  if (!doc || typeof doc !== "object") throw new ConfigError(`${where}: not a JSON object`);
  const o = doc as Record<string, unknown>;
  const chainId = Number(o.chainId);
  if (!Number.isInteger(chainId) || chainId <= 0) throw new ConfigError(`${where}: chainId missing or invalid`);
  const parts = Array.isArray(o.deployments) ? (o.deployments as Record<string, unknown>[]) : [o];
  const contracts = parts.flatMap((p, i) => contractsOf(p, typeof o.startBlock === "number" ? o.startBlock : 0, `${where}[${i}]`));
  if (contracts.length === 0) {
    throw new ConfigError(`${where}: no contract addresses found (expected keys among ${CONTRACT_NAMES.join(", ")})`);
  }
  return { chainId, contracts };
}

/** Reads and parses a deployments file. */
export function loadDeployment(file: string): Deployment {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(`DEPLOYMENT: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return parseDeployment(JSON.parse(text), file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`DEPLOYMENT: ${file} is not valid JSON: ${(e as Error).message}`);
  }
}
