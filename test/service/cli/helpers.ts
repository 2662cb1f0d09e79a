import { execFile } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import { deployShuquan, type ShuquanDeployment } from "../../../service/src/contracts/deploy";

/** Hardhat's well-known development accounts (local chain only). */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
] as const;
export const DEV_ADDRESSES = [
  "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
] as const;

const BIN = path.join(__dirname, "..", "..", "..", "service", "bin", "shuquan");

/** A local chain served over HTTP from this process, with Shuquan deployed, and a work directory. */
export interface CliEnv {
  rpcUrl: string;
  dir: string;
  deploymentFile: string;
  deployment: ShuquanDeployment;
  close(): Promise<void>;
}

/** Serves the in-process Hardhat network over HTTP (the CLI runs as child processes), deploys, writes the deployment file. */
export async function startCliEnv(): Promise<CliEnv> {
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { port } = await server.listen();
  const [deployer] = await hre.ethers.getSigners();
  const deployment = await deployShuquan(deployer!);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "sq-cli-"));
  const deploymentFile = path.join(dir, "deployment.json");
  await fsp.writeFile(deploymentFile, JSON.stringify({ chainId: Number(deployment.chainId), startBlock: deployment.startBlock, contracts: deployment.addresses }));
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    dir,
    deploymentFile,
    deployment,
    async close() {
      await server.close();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The outcome of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when --json was given. */
  json: Record<string, unknown>;
}

/** Runs `shuquan <args>` as a child process against `env`, signing with `key` (via SHUQUAN_PRIVATE_KEY) if given. */
export function cli(env: CliEnv, args: string[], opts: { key?: string; extraEnv?: Record<string, string>; cwd?: string; dataDirFromEnv?: boolean } = {}): Promise<CliRun> {
  const dataDir = opts.dataDirFromEnv ? [] : ["--data-dir", path.join(env.dir, "data")];
  const full = ["--rpc", env.rpcUrl, "--deployment", env.deploymentFile, ...dataDir, "--api", "http://127.0.0.1:9", ...args];
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...opts.extraEnv };
  delete childEnv.SHUQUAN_PRIVATE_KEY;
  delete childEnv.IPFS_API_URL;
  if (!opts.dataDirFromEnv) delete childEnv.DATA_DIR;
  if (opts.key) childEnv.SHUQUAN_PRIVATE_KEY = opts.key;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...full], { cwd: opts.cwd ?? env.dir, env: childEnv, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      let json: Record<string, unknown> = {};
      if (args.includes("--json")) {
        try {
          json = JSON.parse(stdout) as Record<string, unknown>;
        } catch {
          /* leave empty */
        }
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}
