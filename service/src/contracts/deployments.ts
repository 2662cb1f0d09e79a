/**
 * Deployments files: which Shuquan contracts are where on a chain. Written by the deploy script (and by `npm start`
 * for its embedded chain) as `{ chainId, startBlock, contracts: { <Name>: "0x…" }, deployedAt }`; read tolerantly:
 * the same map at the top level, entries `{ address, blockNumber?/startBlock? }`, or
 * `{ chainId, deployments: [ <one of the above>, … ] }` for several versions on one chain (an upgrade beside the old).
 * Contract keys match case-insensitively, with aliases (participants, registry, trades, pledges, evidence).
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "../errors";
import { CONTRACT_KEYS, CONTRACT_NAMES, contractNameOf, type ContractKey, type ContractName } from "./names";

/** One deployed contract and the block its events start at. */
export interface DeployedContract {
  name: ContractName;
  /** Lower-case 0x address. */
  address: string;
  /** First block to read (its deployment block). */
  startBlock: number;
}

/** A parsed deployments file: every contract of every version listed, oldest first. */
export interface Deployment {
  chainId: number;
  contracts: DeployedContract[];
}

/** The addresses of one deployment of the six contracts, keyed by contract name (checksummed as deployed). */
export type ContractAddresses = Record<ContractName, string>;

/** The document the deploy script writes to `deployments/<chainId>.json`. */
export interface DeploymentDocument {
  chainId: number;
  startBlock: number;
  contracts: ContractAddresses;
  /** ISO 8601 UTC time of the block that completed the deployment. */
  deployedAt: string;
}

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");
const entry = z.union([
  address,
  z.object({ address, blockNumber: z.number().int().nonnegative().optional(), startBlock: z.number().int().nonnegative().optional() }).passthrough(),
]);

function contractsOf(obj: Record<string, unknown>, defaultStart: number, where: string): DeployedContract[] {
  const map = (obj.contracts && typeof obj.contracts === "object" ? obj.contracts : obj) as Record<string, unknown>;
  const start = typeof obj.startBlock === "number" ? obj.startBlock : typeof obj.blockNumber === "number" ? obj.blockNumber : defaultStart;
  const out: DeployedContract[] = [];
  for (const [key, value] of Object.entries(map)) {
    const name = contractNameOf(key);
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
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`DEPLOYMENT: ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseDeployment(doc, file);
}

/** The address of each contract key in `d`; when several versions are listed, the newest (listed last) wins. */
export function currentAddresses(d: Deployment): Record<ContractKey, string | undefined> {
  const out = Object.fromEntries(Object.keys(CONTRACT_KEYS).map((k) => [k, undefined])) as Record<ContractKey, string | undefined>;
  for (const c of d.contracts) {
    const key = (Object.keys(CONTRACT_KEYS) as ContractKey[]).find((k) => CONTRACT_KEYS[k] === c.name);
    if (key) out[key] = c.address;
  }
  return out;
}

/** The conventional file name of a chain's deployments file. */
export function deploymentFileName(chainId: number | bigint): string {
  return `${chainId}.json`;
}

/** Writes `doc` as `<dir>/<chainId>.json` (atomically: a reader never sees half a file); returns the path. */
export function writeDeploymentFile(doc: DeploymentDocument, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, deploymentFileName(doc.chainId));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(doc, null, 2) + "\n");
  fs.renameSync(tmp, file);
  return file;
}
