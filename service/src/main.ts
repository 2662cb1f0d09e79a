/**
 * `npm start` (and `node dist/service/src/main.js`): the service.
 *
 * Embedded (no RPC_URL / DEPLOYMENT): a persisted local chain (anvil) under DATA_DIR, Shuquan deployed on it once,
 * the development accounts given their roles, indexed into SQLite under DATA_DIR, the API on 127.0.0.1. A restart
 * resumes chain and index; `--reset` starts afresh; `--demo` seeds a realistic data set on a new chain.
 *
 * Network (RPC_URL and DEPLOYMENT set): indexes that deployment (into PostgreSQL when DATABASE_URL is set) and serves
 * the API; it deploys nothing and holds no keys. ROLE=indexer runs the one writer, ROLE=api a reader of the same
 * database (any number of them), ROLE=all both in one process.
 *
 * Start-up either reaches the banner or stops with one line saying what is wrong and a non-zero exit: a taken port,
 * an unreachable database, a chain with another chain id, a deployment or an index that does not match the chain.
 * An unreachable chain is waited for (one warning line per attempt), as the running indexer does.
 */
import * as fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { Express } from "express";
import { loadConfig, type Config } from "./config";
import { createContentStore, type ContentStore } from "./content";
import { loadDeployment, type Deployment } from "./contracts";
import type { IndexerStatus } from "./indexer/types";
import { createLogger, type Logger } from "./logger";
import { banner } from "./startup/banner";
import { checkChainIdentity } from "./startup/chain-identity";
import { openStore } from "./startup/open-store";
import { assertPortFree, StartupError } from "./startup/preflight";
import { waitForChain } from "./startup/wait-for-chain";
import type { Db } from "./store/db";
import type { Embedded } from "./devnet/embedded";

interface Options {
  demo: boolean;
  reset: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { demo: false, reset: false, help: false };
  for (const a of argv) {
    if (a === "--demo" || a === "demo") o.demo = true;
    else if (a === "--reset") o.reset = true;
    else if (a === "--help" || a === "-h") o.help = true;
    else throw new StartupError(`unknown argument "${a}"; try --demo, --reset or --help`);
  }
  return o;
}

const HELP = `Usage: npm start [-- --demo] [-- --reset]

Embedded (default): a local chain (kept under DATA_DIR/chain) + contracts + indexer on SQLite + API on 127.0.0.1.
A restart resumes the same chain and index.
  --reset             start afresh: a new chain, a new deployment, a new index (content under DATA_DIR/content stays)
  --demo              on a new chain, seed two exchanges' worth of assets, licences, trades, pledges and evidence
  env PORT, HOST      API listener (default 3000, 127.0.0.1)
  env CHAIN_PORT      local chain port (default 8545)
  env DATA_DIR        data directory (default: data/ in the installation)

Network: RPC_URL=<url> DEPLOYMENT=<deployments/N.json> [DATABASE_URL=postgres://…] [ROLE=all|indexer|api] npm start
  (or node dist/service/src/main.js after npm run build)
`;

/** Everything started so far, stopped in reverse order. */
interface Running {
  embedded?: Embedded;
  db?: Db;
  stopIndexer?: () => Promise<void>;
  stopStatus?: () => void;
  server?: Server;
  releaseLock?: () => void;
}

async function stopAll(r: Running): Promise<void> {
  if (r.server) await new Promise<void>((resolve) => r.server!.close(() => resolve()));
  await r.stopIndexer?.().catch(() => undefined);
  r.stopStatus?.();
  await r.db?.close().catch(() => undefined);
  await r.embedded?.chain.stop().catch(() => undefined);
  r.releaseLock?.();
}

function listen(app: Express | ((req: never, res: never) => void), host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(app as Parameters<typeof createServer>[0]);
    // Clients and proxies keep idle connections for up to a minute; a server that closes them sooner (Node's
    // default is 5 s) races their next request on the same socket, which then fails with "other side closed".
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(new StartupError(`${host}:${port} ${e.code === "EADDRINUSE" ? "is already in use by another program" : `cannot be listened on (${e.code ?? e.message})`}: stop that program, or choose another PORT`)),
    );
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}

async function startEmbeddedChain(config: Config, options: Options, content: ContentStore, logger: Logger, r: Running): Promise<Embedded> {
  if (config.database.kind !== "sqlite") {
    throw new StartupError("the embedded chain keeps its index in SQLite under DATA_DIR: unset DATABASE_URL, or set RPC_URL and DEPLOYMENT to index a network into PostgreSQL");
  }
  // Loaded only here: the embedded chain needs the development install (anvil, the contracts' bytecode).
  const { lockDataDir } = await import("./devnet/lock");
  const { resetEmbedded, startEmbedded } = await import("./devnet/embedded");
  r.releaseLock = lockDataDir(config.dataDir, logger);
  if (options.reset) {
    const removed = resetEmbedded(config.dataDir, config.database.file);
    logger.info({ removed: removed.length }, removed.length ? "reset: removed the embedded chain, its deployment and the index" : "reset: nothing to remove");
  }
  return startEmbedded({ dataDir: config.dataDir, host: "127.0.0.1", chainPort: config.chainPort, demo: options.demo, content, logger });
}

async function run(options: Options, config: Config, logger: Logger, r: Running): Promise<void> {
  const networkMode = Boolean(process.env.RPC_URL || process.env.DEPLOYMENT);
  if (networkMode && (options.demo || options.reset)) throw new StartupError("--demo and --reset are for the embedded chain; unset RPC_URL and DEPLOYMENT");
  if (!networkMode && config.role !== "all") throw new StartupError(`ROLE=${config.role} needs a network: set RPC_URL and DEPLOYMENT (and DATABASE_URL for several processes)`);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const content = createContentStore({ dataDir: config.dataDir, ipfsApiUrl: config.ipfsApiUrl });
  const serves = config.role !== "indexer";
  const writes = config.role !== "api";

  // Fail fast, before starting anything: the port, then the chain (network mode), then the database.
  await assertPortFree(config.host, config.port);
  let deployment: Deployment;
  let rpcUrl: string;
  if (networkMode) {
    if (!config.deploymentFile) throw new StartupError("DEPLOYMENT must name the deployments file (deployments/<chainId>.json) of the network at RPC_URL");
    deployment = loadDeployment(config.deploymentFile);
    if (config.chainId !== undefined && config.chainId !== deployment.chainId) {
      throw new StartupError(`CHAIN_ID is ${config.chainId} but DEPLOYMENT is for chain ${deployment.chainId}`);
    }
    rpcUrl = config.rpcUrl;
    await waitForChain({ rpcUrl, chainId: deployment.chainId, logger });
  } else {
    r.embedded = await startEmbeddedChain(config, options, content, logger, r);
    const embedded = r.embedded;
    embedded.chain.onUnexpectedExit((code, signal) => {
      logger.error({ code, signal }, "the embedded chain exited; stopping (restart to resume from its saved state)");
      void stopAll(r).then(() => process.exit(1));
    });
    deployment = embedded.deployment;
    rpcUrl = embedded.chain.url;
    if (config.chainId !== undefined && config.chainId !== deployment.chainId) {
      throw new StartupError(`CHAIN_ID is ${config.chainId} but the embedded chain is ${deployment.chainId}: unset CHAIN_ID, or set RPC_URL and DEPLOYMENT`);
    }
  }
  r.db = await openStore(config, { writer: writes, logger });
  const db = r.db;
  await checkChainIdentity({
    db,
    rpcUrl,
    deployment,
    remedy: r.embedded
      ? "start afresh with `npm start -- --reset`"
      : "index this chain into a new database (the index is rebuilt from the chain), or point RPC_URL at the chain this index was built from",
    record: writes,
    followLostBlocks: Boolean(r.embedded),
    logger,
  });

  let status: () => IndexerStatus;
  if (writes) {
    const { createIndexer } = await import("./indexer");
    const indexer = await createIndexer(
      { logger },
      {
        db,
        content,
        pollIntervalMs: config.pollIntervalMs,
        chains: [{ chainId: deployment.chainId, rpcUrl, contracts: deployment.contracts, confirmations: config.confirmations }],
      },
    );
    r.stopIndexer = () => indexer.stop();
    logger.info("indexing");
    // The embedded chain is small: index it before printing the banner, so the examples answer at once. A real
    // network's backfill can take long; the API serves (and /health reports the lag) while it runs.
    if (r.embedded) await indexer.catchUp();
    indexer.start();
    status = () => indexer.status();
  } else {
    const { createStoreStatus } = await import("./roles/store-status");
    const startBlock = Math.min(...deployment.contracts.map((c) => c.startBlock));
    const st = createStoreStatus({ db, chains: [{ chainId: deployment.chainId, rpcUrl, startBlock }], pollIntervalMs: config.pollIntervalMs, logger });
    r.stopStatus = () => st.stop();
    await st.refresh();
    status = () => st.status();
  }

  const health = { maxLagBlocks: config.healthMaxLagBlocks, stallAfterMs: config.healthStallAfterMs };
  if (serves) {
    const { createApi } = await import("./api");
    const { ensureWebBuild, webOptions } = await import("./web");
    const web = webOptions({ config, deployment, chainUrl: r.embedded?.chain.url, webRoot: await ensureWebBuild(logger) });
    const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const app = createApi({ db, indexerStatus: status, logger, contentStore: content, health, evidenceCacheLeaves: config.evidenceCacheLeaves, publicUrl, ...web });
    r.server = await listen(app, config.host, config.port);
  } else {
    const { healthOnlyApp } = await import("./roles/health-only");
    r.server = await listen(healthOnlyApp(status, health), config.host, config.port);
  }
  const apiUrl = `http://${config.host}:${(r.server.address() as { port: number }).port}`;
  process.stdout.write(banner({ config, apiUrl, rpcUrl, deployment, embedded: r.embedded }) + "\n");
}

async function main(): Promise<void> {
  let options: Options;
  let config: Config;
  try {
    options = parseArgs(process.argv.slice(2));
    if (options.help) {
      process.stdout.write(HELP);
      return;
    }
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`shuquan: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  const running: Running = {};
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping");
    await stopAll(running);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  try {
    await run(options, config, logger, running);
  } catch (e) {
    // One line, the reason, before any banner; the details go to the debug log.
    logger.debug({ err: e }, "start-up failed");
    stopping = true;
    await stopAll(running);
    process.stderr.write(`shuquan: cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

void main();
