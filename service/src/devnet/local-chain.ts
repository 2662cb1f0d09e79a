/**
 * The embedded chain of `npm start`: anvil (from the npm package @foundry-rs/anvil, which ships the binary) in a
 * child process, with its state persisted to a file (`--state`): loaded at start, written every
 * `stateIntervalSeconds` and on a clean stop. An abrupt kill of the chain loses what was mined since the last
 * write (docs/operations.md gives the figures). EVM: cancun, the contracts' compile target.
 *
 * anvil writes the state file in place, so a kill in the middle of a write leaves it cut short, and anvil then
 * refuses to start (measured: 3 of 12 kills under a heavy load of transactions). So a copy known to be whole is
 * kept beside it (`state.good.json`, refreshed every 2 s, at start and at a clean stop), and a start finding the
 * state file cut short resumes from that copy, with one log line.
 *
 * Its pid file lets the next start find a chain left running by an `npm start` that was killed (kill -9 leaves
 * the child behind): that orphan is stopped cleanly — which writes its state — before a new one starts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "../logger";
import { EVM_TARGET } from "../contracts/evm-target";
import { jsonRpcCall } from "../startup/json-rpc";
import { HARDHAT_MNEMONIC } from "./accounts";
import { formatIdentity, parseIdentity, pidAlive, processStartTime, stillRunning } from "./process-identity";

/** Where and how to run the local chain. */
export interface StartLocalChainParameters {
  host: string;
  port: number;
  /** The chain's folder: state file, pid file, log. */
  dir: string;
  /** Seconds between state writes. Default 1. */
  stateIntervalSeconds?: number;
  /** How long to wait for the node to answer. Default 30 s. */
  timeoutMs?: number;
  /**
   * A new chain's clock starts this many seconds before now (a resumed chain keeps its own): room for a seed that
   * moves time forward to end in the past, not in the future. Default 0.
   */
  startSecondsAgo?: number;
  logger: Logger;
}

/** A running local chain. */
export interface LocalChain {
  url: string;
  chainId: number;
  /** The persisted state file. */
  stateFile: string;
  /** True when this start loaded an earlier state (the chain remembers), false for a new chain. */
  resumed: boolean;
  /** Moves the chain's clock to now (never backwards) and mines a block there, so the head is dated now. */
  catchUpClock(): Promise<void>;
  /** Stops the node (it writes its state) and waits for it to exit. */
  stop(): Promise<void>;
  /** Calls `listener` if the node exits without `stop()` (it crashed or was killed). */
  onUnexpectedExit(listener: (code: number | null, signal: string | null) => void): void;
}

/** The chain's files under its folder. */
export function chainFiles(dir: string): { state: string; good: string; pid: string; log: string; genesisTime: string } {
  return {
    state: path.join(dir, "state.json"),
    good: path.join(dir, "state.good.json"),
    pid: path.join(dir, "anvil.pid"),
    log: path.join(dir, "chain.log"),
    genesisTime: path.join(dir, "genesis-time"),
  };
}

/**
 * The genesis block's timestamp, fixed at the chain's first start and passed at every start: anvil 1.7 rebuilds a
 * genesis block when it loads a state file, and without a fixed timestamp that block (and the hash every reader
 * checks the chain's identity by) would change with each restart.
 */
function genesisTimestamp(file: string, resumed: boolean, secondsAgo: number): number {
  if (resumed) {
    try {
      const t = Number(fs.readFileSync(file, "utf8").trim());
      if (Number.isInteger(t) && t > 0) return t;
    } catch {
      /* reported below */
    }
    throw new Error(`the embedded chain's ${file} is missing or damaged: start afresh with \`npm start -- --reset\``);
  }
  // A new chain gets a new genesis time, hence a new identity, even where an older chain's files were left behind.
  const t = Math.floor(Date.now() / 1000) - secondsAgo;
  fs.writeFileSync(file, `${t}\n`);
  return t;
}

/** True when `file` holds one whole JSON document (anvil's state is plain JSON; a write cut short is not). */
function wholeJson(file: string): boolean {
  try {
    JSON.parse(fs.readFileSync(file, "utf8"));
    return true;
  } catch {
    return false;
  }
}

/** Copies `from` to `to` atomically when `from` is whole; true when it did. */
function keepGoodCopy(from: string, to: string): boolean {
  if (!wholeJson(from)) return false;
  const tmp = `${to}.${process.pid}.tmp`;
  fs.copyFileSync(from, tmp);
  if (!wholeJson(tmp)) {
    fs.rmSync(tmp, { force: true }); // changed while copied: next time
    return false;
  }
  fs.renameSync(tmp, to);
  return true;
}

/**
 * Before anvil loads the state file: if an abrupt stop cut it short, put the last whole copy in its place (one log
 * line); if there is none, say what to do.
 */
function repairStateFile(files: ReturnType<typeof chainFiles>, logger: Logger): void {
  if (wholeJson(files.state)) return;
  if (fs.existsSync(files.good) && wholeJson(files.good)) {
    const age = Math.round((fs.statSync(files.state).mtimeMs - fs.statSync(files.good).mtimeMs) / 1000);
    fs.copyFileSync(files.good, files.state);
    logger.warn(`the chain's state file was cut short by an abrupt stop: resuming from its last whole copy (written ${Math.max(0, age)} s earlier); later blocks are lost`);
    return;
  }
  throw new Error(`the embedded chain's state file ${files.state} is damaged and no whole copy is left: start afresh with \`npm start -- --reset\``);
}

/**
 * anvil resumes its clock from the last block it saved, so a chain stopped for a day would otherwise run a day
 * late; terms and deadlines are judged by block time. Moves the clock to now (never backwards); with `mine`, mines a
 * block there as well, so that the head (the indexer's `asOf`) is dated now rather than when the chain stopped.
 */
async function catchUpClock(url: string, mine = false): Promise<void> {
  const latest = await jsonRpcCall<{ timestamp: string } | null>(url, "eth_getBlockByNumber", ["latest", false]);
  const now = Math.floor(Date.now() / 1000);
  if (latest && Number(BigInt(latest.timestamp)) < now) {
    await jsonRpcCall(url, "evm_setTime", [now]);
    if (mine) await jsonRpcCall(url, "evm_mine", []);
  }
}

/** The anvil binary shipped by @foundry-rs/anvil's platform package. */
export function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`the embedded chain needs ${pkg} (installed with @foundry-rs/anvil by \`npm ci\`, a development dependency): run npm ci, or set RPC_URL and DEPLOYMENT to use another node`);
  }
  return path.join(dir, "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
}

/** How often the whole copy of the state file is refreshed (when anvil wrote a new one). */
const GOOD_COPY_INTERVAL_MS = 2000;

async function rpcChainId(url: string): Promise<number | undefined> {
  try {
    return Number(BigInt(await jsonRpcCall<string>(url, "eth_chainId", [], 2000)));
  } catch {
    return undefined; // nothing answering there (yet), or not a JSON-RPC node
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function waitForPidExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Stops a chain an earlier start left running (its parent was killed): SIGTERM, so that it writes its state, then
 * SIGKILL after 10 s. Returns the orphan's pid, or undefined when there was none.
 */
async function stopOrphanedChain(dir: string, logger: Logger): Promise<number | undefined> {
  const files = chainFiles(dir);
  let text: string;
  try {
    text = fs.readFileSync(files.pid, "utf8");
  } catch {
    return undefined;
  }
  const orphan = parseIdentity(text);
  fs.rmSync(files.pid, { force: true });
  if (!orphan || !stillRunning(orphan)) return undefined;
  logger.warn(`stopping the embedded chain (pid ${orphan.pid}) left running by an earlier start that was killed; its state is kept`);
  process.kill(orphan.pid, "SIGTERM");
  if (!(await waitForPidExit(orphan.pid, 10_000))) {
    process.kill(orphan.pid, "SIGKILL");
    await waitForPidExit(orphan.pid, 5000);
  }
  return orphan.pid;
}

/** Starts anvil on its persisted state and waits until it answers. Fails clearly when the port is taken. */
export async function startLocalChain(p: StartLocalChainParameters): Promise<LocalChain> {
  const url = `http://${p.host}:${p.port}`;
  const files = chainFiles(p.dir);
  fs.mkdirSync(p.dir, { recursive: true });
  await stopOrphanedChain(p.dir, p.logger);
  if ((await rpcChainId(url)) !== undefined) {
    throw new Error(
      `something already answers JSON-RPC at ${url}: stop it, or choose another port with CHAIN_PORT, ` +
        `or index it instead with RPC_URL=${url} DEPLOYMENT=<deployments file>`,
    );
  }
  const resumed = fs.existsSync(files.state) && fs.statSync(files.state).size > 0;
  const timestamp = genesisTimestamp(files.genesisTime, resumed, p.startSecondsAgo ?? 0);
  if (resumed) repairStateFile(files, p.logger);
  const log = fs.openSync(files.log, "a");
  const args = [
    "--host", p.host,
    "--port", String(p.port),
    "--chain-id", "31337",
    "--timestamp", String(timestamp),
    "--hardfork", EVM_TARGET,
    "--mnemonic", HARDHAT_MNEMONIC,
    "--state", files.state,
    "--state-interval", String(p.stateIntervalSeconds ?? 1),
    // not --preserve-historical-states: a state per block made the file ten times larger (15.7 vs 1.5 MB at 400
    // blocks), and anvil rewrites the whole file every second; calls at blocks before a restart are lost instead
  ];
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const started = await new Promise<boolean>((resolve) => {
    child.once("spawn", () => resolve(true));
    child.once("error", (e) => {
      p.logger.error({ err: e }, "cannot run anvil");
      resolve(false);
    });
  });
  if (!started || child.pid === undefined) throw new Error(`cannot run the embedded chain (${anvilBinary()}); see ${files.log}`);
  const pid = child.pid;
  fs.writeFileSync(files.pid, formatIdentity({ pid, startTime: processStartTime(pid) }, { url, state: files.state }));
  let exited = false;
  let stopping = false;
  const listeners: ((code: number | null, signal: string | null) => void)[] = [];
  child.once("exit", (code, signal) => {
    exited = true;
    if (!stopping) for (const l of listeners) l(code, signal);
  });

  const timeoutMs = p.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      fs.rmSync(files.pid, { force: true });
      throw new Error(`the embedded chain exited during start-up (a damaged ${files.state}? start with --reset to begin a new chain); see ${files.log}`);
    }
    const chainId = await rpcChainId(url);
    if (chainId !== undefined) {
      if (resumed) await catchUpClock(url);
      // keep a whole copy of the state file, refreshed when anvil has written a new one
      let copied = 0;
      const refreshCopy = (): void => {
        try {
          const m = fs.statSync(files.state).mtimeMs;
          if (m !== copied && keepGoodCopy(files.state, files.good)) copied = m;
        } catch {
          /* not written yet */
        }
      };
      if (resumed) refreshCopy();
      const keeper = setInterval(refreshCopy, GOOD_COPY_INTERVAL_MS);
      keeper.unref();
      return {
        url,
        chainId,
        stateFile: files.state,
        resumed,
        catchUpClock: () => catchUpClock(url, true),
        async stop() {
          stopping = true;
          clearInterval(keeper);
          child.kill("SIGTERM");
          await waitForExit(child, 10_000);
          fs.rmSync(files.pid, { force: true });
          keepGoodCopy(files.state, files.good);
        },
        onUnexpectedExit(listener) {
          listeners.push(listener);
        },
      };
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      fs.rmSync(files.pid, { force: true });
      throw new Error(`the embedded chain did not answer at ${url} within ${timeoutMs / 1000} s; see ${files.log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
