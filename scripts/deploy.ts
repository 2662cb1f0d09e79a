/**
 * The deploy script: deploys and wires the eight Shuquan contracts on any EVM JSON-RPC network and writes its
 * deployments file.
 *
 *   RPC_URL=https://node:8545 SHUQUAN_KEYSTORE=deployer.json REGULATOR=0x… npm run deploy
 *   npx hardhat run scripts/deploy.ts --network <net>         (the network's first configured account deploys)
 *
 * Environment: RPC_URL; the deployer's key as SHUQUAN_KEYSTORE (+ SHUQUAN_KEYSTORE_PASSWORD, else a prompt) or
 * SHUQUAN_PRIVATE_KEY; REGULATOR (default: the deployer; in production a multisig); ADMIN_DELAY in seconds (default
 * 86400); OUT_DIR (default ./deployments). Before deploying it checks that the chain runs the EVM version the
 * contracts are compiled for (cancun). Writes `<OUT_DIR>/<chainId>.json`; an existing file is kept and the new
 * deployment is refused unless FORCE=1, since that file is what the indexer follows.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, NonceManager, type Signer } from "ethers";
import { loadWallet } from "../service/src/cli/keys";
import { checkEvmTarget } from "../service/src/contracts/evm-target";
import { deploymentFileName, writeDeploymentFile } from "../service/src/contracts/deployments";
import { deployShuquan, deploymentDocument } from "../service/src/contracts/deploy";

async function signerOf(): Promise<Signer> {
  if (process.env.HARDHAT_NETWORK) {
    // run by `npx hardhat run --network …`: the network's first configured account deploys
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hre = require("hardhat") as { ethers: { getSigners(): Promise<Signer[]> } };
    const [signer] = await hre.ethers.getSigners();
    if (!signer) throw new Error(`no account configured for network ${process.env.HARDHAT_NETWORK}`);
    return signer;
  }
  const rpcUrl = process.env.RPC_URL;
  if (!rpcUrl) throw new Error("set RPC_URL to the JSON-RPC endpoint of the network to deploy to");
  const provider = new JsonRpcProvider(rpcUrl);
  const wallet = await loadWallet({ keystore: process.env.SHUQUAN_KEYSTORE }, "deployer");
  // one nonce tracker for the six transactions: a node that answers the pending count late must not make two share one
  return new NonceManager(wallet.connect(provider));
}

async function main(): Promise<void> {
  const signer = await signerOf();
  const provider = signer.provider!;
  const { chainId } = await provider.getNetwork();
  const outDir = path.resolve(process.env.OUT_DIR ?? "deployments");
  const target = path.join(outDir, deploymentFileName(chainId));
  if (existsSync(target) && process.env.FORCE !== "1") {
    throw new Error(`${target} exists: an indexer may follow it. Deploy a new version beside it (see README, "Upgrade"), or set FORCE=1`);
  }
  await checkEvmTarget(provider);
  const d = await deployShuquan(signer, {
    regulator: process.env.REGULATOR || undefined,
    adminDelay: process.env.ADMIN_DELAY ? BigInt(process.env.ADMIN_DELAY) : undefined,
  });
  const file = writeDeploymentFile(deploymentDocument(d), outDir);
  console.log(`Shuquan deployed on chain ${d.chainId} from block ${d.startBlock} (regulator ${d.regulator})`);
  for (const [name, address] of Object.entries(d.addresses)) console.log(`  ${name.padEnd(20)} ${address}`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err: unknown) => {
  console.error(`deploy: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
