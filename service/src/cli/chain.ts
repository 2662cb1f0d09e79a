import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Contract, Interface, JsonRpcProvider, type ContractRunner, type InterfaceAbi, type Log, type TransactionReceipt } from "ethers";
import { CliError } from "./errors";
import { explainRevert } from "./revert";

/** The Shuquan contracts the CLI talks to. */
export type ContractKey = "participants" | "registry" | "trades" | "pledges" | "evidence";

const ARTIFACTS: Record<ContractKey, { iface: string; name: string }> = {
  participants: { iface: "IParticipantRegistry", name: "ParticipantRegistry" },
  registry: { iface: "IDataAssetRegistry", name: "DataAssetRegistry" },
  trades: { iface: "ITradeRecorder", name: "TradeRecorder" },
  pledges: { iface: "IPledgeRegistry", name: "PledgeRegistry" },
  evidence: { iface: "IEvidenceAnchor", name: "EvidenceAnchor" },
};

/** ERC-721 and ERC-5267 views the interfaces do not declare. */
const EXTRA_ABI = [
  "function ownerOf(uint256 tokenId) view returns (address)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "error ERC721NonexistentToken(uint256 tokenId)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "error ECDSAInvalidSignature()",
  "error ECDSAInvalidSignatureLength(uint256 length)",
];

/** The repository root (where artifacts/ and deployments/ live), found upwards from this file. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, "hardhat.config.ts"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

const abiCache = new Map<string, InterfaceAbi>();

/** The ABI of a contract interface from the Hardhat artifacts (plus ERC-721/ERC-5267 views); clear error if absent. */
export function abiOf(key: ContractKey): InterfaceAbi {
  const { iface } = ARTIFACTS[key];
  const cached = abiCache.get(iface);
  if (cached) return cached;
  const file = path.join(repoRoot(), "artifacts", "contracts", "interfaces", `${iface}.sol`, `${iface}.json`);
  if (!existsSync(file)) throw new CliError(`contract ABI ${iface} not found (${file})`, "run `npx hardhat compile` once in the repository");
  const abi = [...(JSON.parse(readFileSync(file, "utf8")) as { abi: unknown[] }).abi, ...EXTRA_ABI] as InterfaceAbi;
  abiCache.set(iface, abi);
  return abi;
}

/** One Interface holding every error of every Shuquan contract, to decode reverts bubbling across contracts. */
export function allErrorsInterface(): Interface {
  const frags = (Object.keys(ARTIFACTS) as ContractKey[]).flatMap((k) => {
    try {
      return (abiOf(k) as (string | { type?: string })[]).filter((f) => typeof f === "string" ? f.startsWith("error ") : f.type === "error");
    } catch {
      return [];
    }
  });
  const seen = new Set<string>();
  const unique = frags.filter((f) => {
    const key = typeof f === "string" ? f : JSON.stringify(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return new Interface(unique as InterfaceAbi);
}

/** Addresses of one deployment. */
export interface DeploymentAddresses {
  chainId: number;
  file: string;
  addresses: Record<ContractKey, string | undefined>;
}

/**
 * Loads deployments/<chainId>.json (or the given file) with the indexer's tolerant parser; the newest entry of
 * each contract wins when a file lists several versions.
 */
export async function loadDeploymentFor(chainId: number, file: string | undefined): Promise<DeploymentAddresses> {
  const candidates = file ? [file] : [path.join(process.cwd(), "deployments", `${chainId}.json`), path.join(repoRoot(), "deployments", `${chainId}.json`)];
  const found = candidates.find((f) => existsSync(f));
  if (!found) {
    throw new CliError(
      `no deployment file for chain ${chainId} (looked for ${candidates.join(", ")})`,
      "pass --deployment <file> (or DEPLOYMENT=...), or deploy first (npm start deploys to the local chain)",
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseDeployment } = require("../indexer/deployments") as typeof import("../indexer/deployments");
  let parsed: ReturnType<typeof parseDeployment>;
  try {
    parsed = parseDeployment(JSON.parse(readFileSync(found, "utf8")) as unknown, found);
  } catch (e) {
    throw new CliError(`deployment file ${found} is invalid: ${(e as Error).message}`);
  }
  if (parsed.chainId !== chainId) {
    throw new CliError(`deployment file ${found} is for chain ${parsed.chainId}, but the RPC endpoint is chain ${chainId}`, "check --rpc and --deployment");
  }
  const addresses: Record<ContractKey, string | undefined> = { participants: undefined, registry: undefined, trades: undefined, pledges: undefined, evidence: undefined };
  for (const c of parsed.contracts) {
    const key = (Object.keys(ARTIFACTS) as ContractKey[]).find((k) => ARTIFACTS[k].name === c.name);
    if (key) addresses[key] = c.address;
  }
  return { chainId, file: found, addresses };
}

/** A JSON-RPC provider that fails fast with a clear message when the node is unreachable. */
export async function connect(rpcUrl: string): Promise<{ provider: JsonRpcProvider; chainId: number }> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: false, batchMaxCount: 1 });
  try {
    const net = await Promise.race([
      provider.getNetwork(),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timed out after 10 s")), 10_000).unref()),
    ]);
    return { provider, chainId: Number(net.chainId) };
  } catch (e) {
    provider.destroy();
    throw new CliError(`cannot reach the chain at ${rpcUrl}: ${(e as Error).message}`, "start it (npm start) or pass --rpc <url> / RPC_URL");
  }
}

/** A contract bound to a runner (provider for reads, wallet for writes). */
export function contractAt(key: ContractKey, address: string | undefined, runner: ContractRunner): Contract {
  if (!address) throw new CliError(`the deployment has no ${ARTIFACTS[key].name} address`, "check the deployment file");
  return new Contract(address, abiOf(key), runner);
}

/** What a sent transaction produced. */
export interface TxResult {
  txHash: string;
  blockNumber: number;
  logs: readonly Log[];
}

/**
 * Sends `fn(...args)` on `contract` (a wallet-bound contract), waits for 1 confirmation and returns the receipt.
 * Reverts (at estimation or mining) become a CliError naming the contract error and what to do.
 */
export async function send(contract: Contract, fn: string, args: unknown[], what: string): Promise<TxResult> {
  let receipt: TransactionReceipt | null;
  try {
    const tx = await (contract.getFunction(fn) as (...a: unknown[]) => Promise<{ wait(): Promise<TransactionReceipt | null> }>)(...args);
    receipt = await tx.wait();
  } catch (e) {
    throw explainRevert(e, what, allErrorsInterface());
  }
  if (!receipt || receipt.status !== 1) throw new CliError(`${what}: transaction failed`);
  // `logs` is not enumerable: `{ ...tx }` in a command's --json output gives the hash and block, not raw log objects
  const result = { txHash: receipt.hash, blockNumber: receipt.blockNumber } as TxResult;
  Object.defineProperty(result, "logs", { value: receipt.logs, enumerable: false });
  return result;
}

/** Calls a view, turning a revert into a CliError. */
export async function view<T>(contract: Contract, fn: string, args: unknown[], what: string): Promise<T> {
  try {
    return (await (contract.getFunction(fn) as (...a: unknown[]) => Promise<unknown>)(...args)) as T;
  } catch (e) {
    throw explainRevert(e, what, allErrorsInterface());
  }
}

const PLAIN_ID = /Id$/;

/**
 * The first log of `event` emitted by `contract` in `logs`, decoded to plain JSON values: uint256 ids (names ending
 * in Id) as 0x + 64 hex, integers of up to 48 bits (times, enums) as numbers, larger integers as decimal strings,
 * enum values named by `enums` (argument name → names) as those names, bytes as hex, booleans and addresses as is.
 */
export function plainEvent(contract: Contract, logs: readonly Log[], event: string, enums: Record<string, readonly string[]> = {}): Record<string, string | number | boolean> | undefined {
  const addr = String(contract.target).toLowerCase();
  for (const log of logs) {
    if (log.address.toLowerCase() !== addr) continue;
    let parsed;
    try {
      parsed = contract.interface.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      continue;
    }
    if (parsed?.name !== event) continue;
    const out: Record<string, string | number | boolean> = {};
    parsed.fragment.inputs.forEach((inp, i) => {
      const v = parsed.args[i] as unknown;
      const names = enums[inp.name];
      if (typeof v === "bigint") {
        if (names && names[Number(v)] !== undefined) out[inp.name] = names[Number(v)] as string;
        else if (inp.type === "uint256" && PLAIN_ID.test(inp.name)) out[inp.name] = "0x" + v.toString(16).padStart(64, "0");
        else if (/^u?int(8|16|24|32|40|48)$/.test(inp.type)) out[inp.name] = Number(v);
        else out[inp.name] = v.toString();
      } else if (typeof v === "boolean" || typeof v === "number") out[inp.name] = v;
      else out[inp.name] = String(v);
    });
    return out;
  }
  return undefined;
}

/** The first log of `event` emitted by `contract` in `logs`, decoded. */
export function findEvent(contract: Contract, logs: readonly Log[], event: string): Record<string, unknown> | undefined {
  const addr = String(contract.target).toLowerCase();
  for (const log of logs) {
    if (log.address.toLowerCase() !== addr) continue;
    try {
      const parsed = contract.interface.parseLog({ topics: [...log.topics], data: log.data });
      if (parsed?.name === event) {
        const out: Record<string, unknown> = {};
        parsed.fragment.inputs.forEach((inp, i) => (out[inp.name] = parsed.args[i] as unknown));
        return out;
      }
    } catch {
      /* another event */
    }
  }
  return undefined;
}
