import { existsSync } from "node:fs";
import * as path from "node:path";
import { Contract, Interface, JsonRpcProvider, type ContractRunner, type InterfaceAbi, type Log, type TransactionReceipt } from "ethers";
import {
  allErrorsAbi,
  callableAbi,
  CONTRACT_KEYS,
  currentAddresses,
  deploymentFileName,
  loadDeployment,
  type ContractKey,
  type Deployment,
} from "../contracts";
import { CliError } from "./errors";
import { explainRevert } from "./revert";

/**
 * The ABI of a contract, with the errors and views every contract may surface: from the bundled ABIs, so the CLI
 * needs no `artifacts/` (and no compile) at run time.
 */
function abiOf(key: ContractKey): InterfaceAbi {
  return callableAbi(CONTRACT_KEYS[key]);
}

let allErrors: Interface | undefined;

/** One Interface holding every error of every Shuquan contract, to decode reverts bubbling across contracts. */
export function allErrorsInterface(): Interface {
  allErrors ??= new Interface(allErrorsAbi());
  return allErrors;
}

/** Addresses of one deployment. */
export interface DeploymentAddresses {
  chainId: number;
  file: string;
  addresses: Record<ContractKey, string | undefined>;
}

/**
 * Where the CLI looks for a chain's deployments file when none is named: the data directory (where `npm start`
 * writes its embedded chain's), then ./deployments (where the deploy script writes).
 */
function deploymentCandidates(chainId: number, dataDir: string): string[] {
  const name = deploymentFileName(chainId);
  return [path.join(dataDir, "deployments", name), path.join(process.cwd(), "deployments", name)];
}

/**
 * Loads the deployments file (`file`, else the first of {@link deploymentCandidates}); the newest entry of each
 * contract wins when a file lists several versions.
 */
export async function loadDeploymentFor(chainId: number, file: string | undefined, dataDir: string): Promise<DeploymentAddresses> {
  const candidates = file ? [file] : deploymentCandidates(chainId, dataDir);
  const found = candidates.find((f) => existsSync(f));
  if (!found) {
    throw new CliError(
      `no deployment file for chain ${chainId} (looked for ${candidates.join(", ")})`,
      "pass --deployment <file> (or DEPLOYMENT=...), or deploy first (npm start deploys to its local chain)",
    );
  }
  let parsed: Deployment;
  try {
    parsed = loadDeployment(found);
  } catch (e) {
    throw new CliError(`deployment file ${found} is invalid: ${(e as Error).message}`);
  }
  if (parsed.chainId !== chainId) {
    throw new CliError(`deployment file ${found} is for chain ${parsed.chainId}, but the RPC endpoint is chain ${chainId}`, "check --rpc and --deployment");
  }
  return { chainId, file: found, addresses: currentAddresses(parsed) };
}

/** A JSON-RPC provider that fails fast with a clear message when the node is unreachable. */
export async function connect(rpcUrl: string): Promise<{ provider: JsonRpcProvider; chainId: number }> {
  // cacheTimeout -1: ethers reuses an identical call's answer for 250 ms by default, so a command sending two
  // transactions from one key in quick succession (onboard, then openAccount) got the first one's pending nonce again.
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: false, batchMaxCount: 1, cacheTimeout: -1 });
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
  if (!address) throw new CliError(`the deployment has no ${CONTRACT_KEYS[key]} address`, "check the deployment file");
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
