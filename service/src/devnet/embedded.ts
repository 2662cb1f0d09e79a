/**
 * The embedded set-up of `npm start`: a persisted local chain under `<DATA_DIR>/chain`, with Shuquan deployed on
 * it once (the deployments file goes to `<DATA_DIR>/deployments/31337.json`, where the CLI finds it), the
 * development roles given, and — with `--demo`, on a new chain only — the demo data set. A later start resumes the
 * same chain and deployment. `--reset` (see {@link resetEmbedded}) starts afresh on purpose.
 *
 * Loaded only in embedded mode: it needs the development install (anvil, the contracts' bytecode).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { JsonRpcProvider } from "ethers";
import { deploymentFileName, loadDeployment, writeDeploymentFile, type Deployment } from "../contracts";
import { deployShuquan, deploymentDocument } from "../contracts/deploy";
import type { ContentStore } from "../content";
import { DEMO_CLOCK_ADVANCE_SECONDS, seedDemo } from "../demo/seed";
import type { Logger } from "../logger";
import { StartupError } from "../startup/preflight";
import { devAccounts } from "./accounts";
import { bootstrapRoles, DEV, devSigner } from "./bootstrap";
import { startLocalChain, type LocalChain } from "./local-chain";

/** Parameters of {@link startEmbedded}. */
export interface StartEmbeddedParameters {
  dataDir: string;
  host: string;
  chainPort: number;
  /** Seed the demo data set (a new chain only). */
  demo: boolean;
  content: ContentStore;
  logger: Logger;
}

/** The running embedded set-up. */
export interface Embedded {
  chain: LocalChain;
  deployment: Deployment;
  deploymentFile: string;
  /** The demo data set's description when this chain holds it. */
  demo?: string;
  /** True when this start created the chain and deployed; false when it resumed an earlier one. */
  fresh: boolean;
}

interface EmbeddedRecord {
  /** The demo data set's description, when seeded. */
  demo?: string;
}

/** Files of the embedded set-up under the data directory. */
function embeddedPaths(dataDir: string): { chainDir: string; record: string; deployments: string } {
  const chainDir = path.join(dataDir, "chain");
  return { chainDir, record: path.join(chainDir, "embedded.json"), deployments: path.join(dataDir, "deployments") };
}

/**
 * `npm start -- --reset`: removes the embedded chain, its deployments file and the SQLite index at `indexFile`.
 * The content store stays: it is addressed by content, so whatever a new chain anchors finds it again.
 */
export function resetEmbedded(dataDir: string, indexFile: string): string[] {
  const p = embeddedPaths(dataDir);
  const removed: string[] = [];
  for (const target of [p.chainDir, path.join(p.deployments, deploymentFileName(31337)), indexFile, `${indexFile}-wal`, `${indexFile}-shm`]) {
    if (fs.existsSync(target)) {
      fs.rmSync(target, { recursive: true, force: true });
      removed.push(target);
    }
  }
  return removed;
}

function readRecord(file: string): EmbeddedRecord {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as EmbeddedRecord;
  } catch {
    return {};
  }
}

/** Starts (or resumes) the embedded chain and its deployment. */
export async function startEmbedded(p: StartEmbeddedParameters): Promise<Embedded> {
  const paths = embeddedPaths(p.dataDir);
  const deploymentFile = path.join(paths.deployments, deploymentFileName(31337));
  p.logger.info({ port: p.chainPort }, "starting the local chain");
  // The demo moves the clock forward as it seeds; a new demo chain starts that far (and an hour) in the past, so that
  // the seeded history ends before now and what a user does next is dated now, not days ahead of the wall clock.
  const startSecondsAgo = p.demo ? DEMO_CLOCK_ADVANCE_SECONDS + 3600 : 0;
  const chain = await startLocalChain({ host: p.host, port: p.chainPort, dir: paths.chainDir, startSecondsAgo, logger: p.logger });
  try {
    const record = readRecord(paths.record);
    if (chain.resumed) {
      if (!fs.existsSync(deploymentFile)) {
        throw new StartupError(`the embedded chain was kept but its deployments file ${deploymentFile} is gone: start afresh with \`npm start -- --reset\``);
      }
      if (p.demo && !record.demo) {
        throw new StartupError("--demo seeds a new chain, and this one was kept from an earlier start: run `npm start -- --reset --demo` to start afresh with the demo");
      }
      p.logger.info({ state: chain.stateFile }, "resumed the local chain");
      return { chain, deployment: loadDeployment(deploymentFile), deploymentFile, demo: record.demo, fresh: false };
    }
    const provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true });
    const deployed = await deployShuquan(devSigner(provider, DEV.deployer), { regulator: devAccounts()[DEV.regulator].address });
    const file = writeDeploymentFile(deploymentDocument(deployed), paths.deployments);
    p.logger.info({ file }, "contracts deployed");
    await bootstrapRoles(provider, deployed.addresses);
    const demo = p.demo ? (await seedDemo({ provider, deployment: { contracts: deployed.addresses }, content: p.content, logger: p.logger })).description : undefined;
    if (p.demo) await chain.catchUpClock();
    fs.writeFileSync(paths.record, JSON.stringify({ demo } satisfies EmbeddedRecord) + "\n");
    provider.destroy();
    return { chain, deployment: loadDeployment(file), deploymentFile: file, demo, fresh: true };
  } catch (e) {
    await chain.stop();
    throw e;
  }
}
