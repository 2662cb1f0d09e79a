/**
 * `npm start`: the main job.
 *
 * Embedded (no RPC_URL / DEPLOYMENT): starts a local Hardhat chain, deploys and wires the contracts, gives the
 * development accounts their roles, indexes into SQLite under DATA_DIR and serves the API on 127.0.0.1.
 * The embedded chain is not persisted: every start begins a new chain AND a new index together, so the two can
 * never disagree. `--demo` seeds a realistic data set.
 *
 * Network (RPC_URL and DEPLOYMENT set): indexes that deployment (into PostgreSQL when DATABASE_URL is set) and
 * serves the API; it deploys nothing and holds no keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Server } from "node:http";
import { JsonRpcProvider } from "ethers";
import { createApi } from "./api";
import { loadConfig, type Config } from "./config";
import { createContentStore, type ContentStore } from "./content";
import { devAccounts } from "./devnet/accounts";
import { bootstrapRoles, DEV, devSigner } from "./devnet/bootstrap";
import { startLocalChain, type LocalChain } from "./devnet/local-chain";
import { seedDemo, type DemoSummary } from "./demo/seed";
import { loadDeployment, writeDeploymentFile, type Deployment } from "./contracts";
import { deployShuquan, deploymentDocument } from "./contracts/deploy";
import { createIndexer, type Indexer } from "./indexer";
import { createLogger, type Logger } from "./logger";
import { openDb, type Db } from "./store";
import { ensureWebBuild, webOptions } from "./web";

const ROOT = path.resolve(__dirname, "..", "..");

interface Options {
  demo: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { demo: false, help: false };
  for (const a of argv) {
    if (a === "--demo" || a === "demo") o.demo = true;
    else if (a === "--help" || a === "-h") o.help = true;
    else throw new Error(`unknown argument "${a}"; try --demo or --help`);
  }
  return o;
}

const HELP = `Usage: npm start [-- --demo]

Embedded (default): local chain + contracts + indexer on SQLite + API on 127.0.0.1.
  --demo              seed two exchanges' worth of assets, licences, trades, pledges and evidence
  env PORT, HOST      API listener (default 3000, 127.0.0.1)
  env CHAIN_PORT      local chain port (default 8545)
  env DATA_DIR        data directory (default ./data)

Network: RPC_URL=<url> DEPLOYMENT=<deployments/N.json> [DATABASE_URL=postgres://…] npm start
`;

interface Embedded {
  chain: LocalChain;
  deployment: Deployment;
  demo?: DemoSummary;
}

async function startEmbedded(config: Config, logger: Logger, demo: boolean, content: ContentStore): Promise<Embedded> {
  const port = Number(process.env.CHAIN_PORT ?? 8545);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`CHAIN_PORT must be a port number, got "${process.env.CHAIN_PORT}"`);
  logger.info({ port }, "starting the local chain");
  const chain = await startLocalChain({ root: ROOT, host: "127.0.0.1", port, logFile: path.join(config.dataDir, "chain.log") });
  try {
    const provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true });
    const deployed = await deployShuquan(devSigner(provider, DEV.deployer), { regulator: devAccounts()[DEV.regulator].address });
    const file = writeDeploymentFile(deploymentDocument(deployed), path.join(ROOT, "deployments"));
    logger.info({ file }, "contracts deployed");
    await bootstrapRoles(provider, deployed.addresses);
    const summary = demo ? await seedDemo({ provider, deployment: { contracts: deployed.addresses }, content, logger }) : undefined;
    return { chain, deployment: loadDeployment(file), demo: summary };
  } catch (e) {
    await chain.stop();
    throw e;
  }
}

/**
 * One embedded instance per data directory: the next start deletes the index, so a second instance on the same
 * directory would pull it from under the first. Returns a release function.
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, "shuquan.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(file, "utf8").trim());
      let alive = false;
      try {
        alive = Number.isInteger(pid) && pid > 0 && process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (alive) {
        throw new Error(`another Shuquan instance (pid ${pid}) is using DATA_DIR ${dataDir}: stop it, or start this one with another DATA_DIR`);
      }
      fs.rmSync(file, { force: true }); // left by an instance that died: take it over
    }
  }
  throw new Error(`cannot lock ${file}`);
}

/** Embedded mode starts its index fresh with its chain: remove the previous SQLite index. */
function resetEmbeddedIndex(config: Config): void {
  if (config.database.kind !== "sqlite") {
    throw new Error("the embedded chain is new on every start, so its index is too: unset DATABASE_URL, or set RPC_URL and DEPLOYMENT to index a persistent chain");
  }
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(config.database.file + suffix, { force: true });
}

function banner(config: Config, apiUrl: string, e: Embedded | undefined, deployment: Deployment): string {
  const lines: string[] = [];
  lines.push("", "Shuquan is running.", "");
  lines.push(`  API            ${apiUrl}/v1   (OpenAPI: ${apiUrl}/v1/openapi.json)`);
  lines.push(`  health         ${apiUrl}/health     metrics: ${apiUrl}/metrics`);
  lines.push(`  chain          ${e ? e.chain.url : config.rpcUrl}  (chain id ${deployment.chainId})`);
  lines.push(`  index          ${config.database.kind === "sqlite" ? config.database.file : "PostgreSQL (DATABASE_URL)"}`);
  for (const c of deployment.contracts) lines.push(`  ${c.name.padEnd(18)} ${c.address}`);
  if (e) {
    lines.push("", "Development accounts (Hardhat's public test keys — local chain only):");
    for (const a of devAccounts()) lines.push(`  #${a.index} ${a.role.padEnd(9)} ${a.address}  ${a.privateKey}  ${a.label}`);
    if (e.demo) lines.push("", `Demo data: ${e.demo.description}`);
    const alice = devAccounts()[DEV.alice];
    const shde = devAccounts()[DEV.shde];
    const env = [
      e.chain.url !== "http://127.0.0.1:8545" ? `RPC_URL=${e.chain.url}` : "",
      apiUrl !== "http://127.0.0.1:3000" ? `SHUQUAN_API_URL=${apiUrl}` : "",
      path.resolve(config.dataDir) !== path.resolve("data") ? `DATA_DIR=${config.dataDir}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    const pre = env ? `export ${env}; ` : "";
    lines.push(
      "",
      "Try (in another terminal, in this directory):",
      `  1. register a file as exchange SHDE, held by alice:`,
      `     ${pre}echo 'hello 数权' > hello.txt && SHUQUAN_PRIVATE_KEY=${shde.privateKey} npx shuquan asset register hello.txt --holder ${alice.address} --kind resource --source enterprise --level general --metadata docs/examples/metadata.json`,
      `  2. anchor a folder of files as evidence (writes their proofs to evidence.proofs.json):`,
      `     SHUQUAN_PRIVATE_KEY=${shde.privateKey} npx shuquan evidence anchor docs --proofs-out evidence.proofs.json`,
      `  3. verify both against the chain, as an auditor:`,
      `     npx shuquan verify hello.txt && npx shuquan verify docs/architecture.md`,
      `  and ask the API: curl -s '${apiUrl}/v1/recognition?merchant=${alice.address}&exchange=${devAccounts()[DEV.gzde].address}'`,
      "",
      "The embedded chain is not persisted: stopping (Ctrl-C) ends it, and the next start begins a new chain and a new index.",
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const networkMode = Boolean(process.env.RPC_URL || process.env.DEPLOYMENT);
  if (networkMode && options.demo) throw new Error("--demo seeds the embedded chain only; unset RPC_URL and DEPLOYMENT");
  fs.mkdirSync(config.dataDir, { recursive: true });
  const content = createContentStore({ dataDir: config.dataDir, ipfsApiUrl: config.ipfsApiUrl });

  let embedded: Embedded | undefined;
  let deployment: Deployment;
  let releaseLock: () => void = () => undefined;
  if (networkMode) {
    if (!config.deploymentFile) throw new Error("DEPLOYMENT must name the deployments file (deployments/<chainId>.json) of the network at RPC_URL");
    deployment = loadDeployment(config.deploymentFile);
  } else {
    releaseLock = lockDataDir(config.dataDir);
    resetEmbeddedIndex(config);
    try {
      embedded = await startEmbedded(config, logger, options.demo, content);
    } catch (e) {
      releaseLock();
      throw e;
    }
    deployment = embedded.deployment;
  }

  let db: Db | undefined;
  let indexer: Indexer | undefined;
  let server: Server | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping");
    server?.close();
    await indexer?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await embedded?.chain.stop();
    releaseLock();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  embedded?.chain.onUnexpectedExit((code, signal) => {
    logger.error({ code, signal }, "the embedded chain exited; stopping (its state is gone, so is this index's reason to exist)");
    void stop(1);
  });

  try {
    db = await openDb(config.database);
    indexer = await createIndexer(
      { logger },
      {
        db,
        content,
        pollIntervalMs: config.pollIntervalMs,
        chains: [
          {
            chainId: deployment.chainId,
            rpcUrl: embedded ? embedded.chain.url : config.rpcUrl,
            contracts: deployment.contracts,
            confirmations: config.confirmations,
          },
        ],
      },
    );
    logger.info("indexing");
    // The embedded chain is small: index it before printing the banner, so the examples answer at once. A real
    // network's backfill can take long; the API serves (and /health reports the lag) while it runs.
    if (embedded) await indexer.catchUp();
    indexer.start();
    const running = indexer;
    const app = createApi({
      db,
      indexerStatus: () => running.status(),
      logger,
      contentStore: content,
      health: { maxLagBlocks: config.healthMaxLagBlocks, stallAfterMs: config.healthStallAfterMs },
      evidenceCacheLeaves: config.evidenceCacheLeaves,
      ...webOptions({ config, deployment, chainUrl: embedded?.chain.url, webRoot: await ensureWebBuild(logger) }),
    });
    await new Promise<void>((resolve, reject) => {
      server = app.listen(config.port, config.host, () => resolve());
      server.once("error", reject);
    });
    const apiUrl = `http://${config.host}:${config.port}`;
    process.stdout.write(banner(config, apiUrl, embedded, deployment) + "\n");
  } catch (e) {
    logger.error({ err: e }, "start-up failed");
    await stop(1);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`shuquan: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

