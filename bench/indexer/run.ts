/**
 * Indexer throughput against the node's own limit. For each density (events per block) a local anvil node holds N of
 * the project's events (bench/indexer/BenchEmitter.sol, emitting the interfaces' own events); on that node, in one
 * run, interleaved: the raw eth_getLogs fetch rate (raw-fetch.ts), a cold backfill into SQLite and one into
 * PostgreSQL (measure.ts), each in a fresh process running compiled JavaScript, and the raw fetch again. Reports each
 * backfill as a ratio to the mean raw rate of its round, with peak RSS and the load average beside every figure.
 * Writes bench/results/indexer.json and indexer.md.
 *
 *   nice -n 10 npx ts-node --transpile-only bench/indexer/run.ts
 * Env: BENCH_EVENTS (per density, default 30000), BENCH_DENSITIES (default 1,10,250,1000), BENCH_ROUNDS (default 1),
 * BENCH_BACKENDS (default sqlite,postgres), BENCH_MODES (node and/or replay; default node),
 * BENCH_TREES (default "after=."; e.g. "before=<commit>,after=.,worker=.+worker" to interleave an older commit's
 * service sources, unpacked with git archive into dist/bench-trees/<name>, and this tree with fetchInWorker on;
 * "<ref>+initial10": that tree with a fixed first range of 10 blocks), DATABASE_URL (postgres://…, default
 * postgres://postgres@127.0.0.1:5432/test), BENCH_STATE_DIR (saved anvil states, default /tmp/shuquan-bench-anvil),
 * BENCH_PORT (default 8617), BENCH_KEEP_STORE (a folder: each density's first SQLite store is copied there as
 * d<density>-<tree>.sqlite, for bench/indexer/bytes-vs-text.ts).
 *
 * Generating the events takes a while at 1 event a block (one transaction per block); the node's state is saved in
 * BENCH_STATE_DIR (anvil --dump-state) and loaded by later runs.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { Interface } from "ethers";
import { anvilBinary } from "../../service/src/devnet/local-chain";

const ROOT = path.resolve(__dirname, "../..");
const N = Number(process.env.BENCH_EVENTS ?? 30_000);
const DENSITIES = (process.env.BENCH_DENSITIES ?? "1,10,250,1000").split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const BACKENDS = (process.env.BENCH_BACKENDS ?? "sqlite,postgres").split(",");
const MODES = (process.env.BENCH_MODES ?? "node").split(",");
const PORT = Number(process.env.BENCH_PORT ?? 8617);
const KEEP_STORE = process.env.BENCH_KEEP_STORE;
const URL_ = `http://127.0.0.1:${PORT}`;
const STATE_DIR = process.env.BENCH_STATE_DIR ?? "/tmp/shuquan-bench-anvil";
const PG_URL = process.env.DATABASE_URL && /^postgres/.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : "postgres://postgres@127.0.0.1:5432/test";
/** Events per transaction (a transaction of 250 is ~3 M gas); denser blocks hold several transactions. */
const PER_TX = 250;
/** The indexer's default logs per eth_getLogs range; the raw fetch asks for the same number of blocks per request. */
const TARGET_LOGS = 5000;
const ACCOUNT = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"; // anvil's first development account (unlocked)

interface Tree {
  name: string;
  /** Compiled JavaScript root (holds service/src/… and bench/indexer/…). */
  js: string;
  /** Extra environment of its runs (e.g. FETCH_IN_WORKER). */
  env: Record<string, string>;
}

function compileEmitter(): { abi: unknown[]; bytecode: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string, cb: { import: (p: string) => { contents?: string; error?: string } }): string };
  const input = {
    language: "Solidity",
    sources: { "bench/indexer/BenchEmitter.sol": { content: fs.readFileSync(path.join(__dirname, "BenchEmitter.sol"), "utf8") } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (p) => {
        try {
          return { contents: fs.readFileSync(path.join(ROOT, p), "utf8") };
        } catch {
          return { error: `not found: ${p}` };
        }
      },
    }),
  ) as { errors?: { severity: string; formattedMessage: string }[]; contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>> };
  const errs = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errs.length) throw new Error(errs.map((e) => e.formattedMessage).join("\n"));
  const c = out.contracts["bench/indexer/BenchEmitter.sol"].BenchEmitter;
  return { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
}

let rpcId = 1;
async function rpc<T>(method: string, params: unknown[]): Promise<T> {
  const r = await fetch(URL_, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: rpcId++, method, params }) });
  const j = (await r.json()) as { result?: T; error?: { message: string } };
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result as T;
}

async function waitForNode(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await rpc("eth_blockNumber", []);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error("anvil did not start");
}

function startAnvil(stateFile: string, load: boolean): ChildProcess {
  const args = ["--port", String(PORT), "--silent", "--gas-limit", "1000000000", "--dump-state", stateFile];
  if (load) args.push("--load-state", stateFile);
  // the binary itself, not the npm wrapper: a signal to the wrapper does not wait for anvil to write its state
  return spawn(anvilBinary(), args, { cwd: ROOT, stdio: "ignore" });
}

async function stopAnvil(node: ChildProcess): Promise<void> {
  if (node.exitCode !== null) return;
  const exited = new Promise((r) => node.once("exit", r));
  node.kill("SIGINT"); // anvil writes --dump-state on the way out
  await Promise.race([exited, new Promise((r) => setTimeout(r, 300_000))]);
  for (let i = 0; i < 100; i++) {
    try {
      await rpc("eth_blockNumber", []);
      await new Promise((r) => setTimeout(r, 100));
    } catch {
      return; // the port is free
    }
  }
  throw new Error(`anvil on port ${PORT} did not stop`);
}

interface Chain {
  density: number;
  emitter: string;
  startBlock: number;
  head: number;
  events: number;
  generatedSeconds?: number;
}

async function receipt(hash: string): Promise<{ blockNumber: string; contractAddress: string | null; status: string }> {
  for (;;) {
    const r = await rpc<{ blockNumber: string; contractAddress: string | null; status: string } | null>("eth_getTransactionReceipt", [hash]);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** Deploys the emitter and mines N events, `density` per block. */
async function generate(density: number, abi: unknown[], bytecode: string): Promise<Chain> {
  const t0 = performance.now();
  const deployTx = await rpc<string>("eth_sendTransaction", [{ from: ACCOUNT, data: bytecode, gas: "0x4c4b40" }]);
  const dep = await receipt(deployTx);
  const emitter = dep.contractAddress!.toLowerCase();
  const startBlock = Number(dep.blockNumber) + 1;
  const iface = new Interface(abi as never);
  // anvil's automine answers eth_sendTransaction before mining: mine each block explicitly, so that it holds exactly
  // its transactions
  await rpc("evm_setAutomine", [false]);
  let last = "";
  for (let i = 0; i < N; i += density) {
    const inBlock = Math.min(density, N - i);
    for (let k = 0; k < inBlock; k += PER_TX) {
      const data = iface.encodeFunctionData("emitMany", [i + k, Math.min(PER_TX, inBlock - k)]);
      last = await rpc<string>("eth_sendTransaction", [{ from: ACCOUNT, to: emitter, data, gas: "0x1c9c380" }]);
    }
    await rpc("evm_mine", []);
  }
  const r = await receipt(last);
  if (r.status !== "0x1") throw new Error("an emitMany transaction failed");
  const head = Number(await rpc<string>("eth_blockNumber", []));
  return { density, emitter, startBlock, head, events: N, generatedSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
}

/** Starts the node of `density` from its saved state, or generates it (and saves it). */
async function nodeFor(density: number, emitterCode: { abi: unknown[]; bytecode: string }): Promise<{ node: ChildProcess; chain: Chain }> {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const key = crypto.createHash("sha256").update(emitterCode.bytecode).digest("hex").slice(0, 8);
  const base = path.join(STATE_DIR, `d${density}-n${N}-${key}`);
  const stateFile = `${base}.state.json`;
  const metaFile = `${base}.meta.json`;
  if (fs.existsSync(stateFile) && fs.existsSync(metaFile)) {
    const chain = JSON.parse(fs.readFileSync(metaFile, "utf8")) as Chain;
    const node = startAnvil(stateFile, true);
    await waitForNode();
    const head = Number(await rpc<string>("eth_blockNumber", []));
    const sample = await rpc<unknown[]>("eth_getLogs", [{ address: chain.emitter, fromBlock: "0x" + chain.head.toString(16), toBlock: "0x" + chain.head.toString(16) }]);
    if (head === chain.head && sample.length > 0) return { node, chain };
    process.stderr.write(`saved state ${stateFile} did not load (head ${head}, ${sample.length} logs in the last block): generating again\n`);
    await stopAnvil(node);
    fs.rmSync(stateFile, { force: true });
  }
  const node = startAnvil(stateFile, false);
  await waitForNode();
  const chain = await generate(density, emitterCode.abi, emitterCode.bytecode);
  fs.writeFileSync(metaFile, JSON.stringify(chain, null, 2));
  process.stderr.write(`density ${density}: ${chain.events} events in blocks ${chain.startBlock}-${chain.head} (${chain.generatedSeconds} s)\n`);
  return { node, chain };
}

/** Compiles the bench and the service sources of `dir` to JavaScript under `out` (the build's tsconfig). */
function compileTree(dir: string, out: string): void {
  const cfg = path.join(dir, "tsconfig.bench-indexer.json");
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      extends: path.join(ROOT, "tsconfig.build.json"),
      compilerOptions: { rootDir: dir, outDir: out, noEmit: false, sourceMap: false, noUnusedLocals: false },
      files: [path.join(dir, "bench/indexer/measure.ts"), path.join(dir, "bench/indexer/raw-fetch.ts")],
      include: [],
    }),
  );
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(path.join(ROOT, "node_modules/.bin/tsc"), ["-p", cfg], { cwd: dir, stdio: "inherit" });
  fs.rmSync(cfg);
}

/** The trees to measure, compiled: `.` is this checkout; anything else a commit whose service sources are unpacked. */
function prepareTrees(): Tree[] {
  const spec = (process.env.BENCH_TREES ?? "after=.").split(",");
  const compiled = new Map<string, string>();
  return spec.map((s) => {
    const [name, refSpec] = s.split("=");
    // "<ref>+worker": the same tree with the indexer's fetchInWorker option on; "<ref>+initial<N>": with a fixed first
    // range of N blocks (the benchmark's setting before the indexer probed the density itself: 10)
    const [ref, variant] = refSpec.split("+");
    const initial = /^initial(\d+)$/.exec(variant ?? "");
    const env: Record<string, string> = variant === "worker" ? { FETCH_IN_WORKER: "1" } : initial ? { INITIAL_RANGE: initial[1] } : {};
    const out = path.join(ROOT, "dist/bench-js", name);
    if (compiled.has(ref)) return { name, js: compiled.get(ref)!, env };
    compiled.set(ref, out);
    if (ref === ".") {
      compileTree(ROOT, out);
      return { name, js: out, env };
    }
    const src = path.join(ROOT, "dist/bench-trees", name);
    fs.rmSync(src, { recursive: true, force: true });
    fs.mkdirSync(src, { recursive: true });
    execFileSync("sh", ["-c", `git archive ${ref} service | tar -x -C ${src}`], { cwd: ROOT });
    // this checkout's bench scripts and bundled ABIs (generated, not committed) in the older tree
    fs.mkdirSync(path.join(src, "bench/indexer"), { recursive: true });
    for (const f of ["measure.ts", "raw-fetch.ts", "peak-rss.ts", "server-cpu.ts"]) fs.copyFileSync(path.join(__dirname, f), path.join(src, "bench/indexer", f));
    fs.copyFileSync(path.join(ROOT, "service/src/contracts/abi.json"), path.join(src, "service/src/contracts/abi.json"));
    fs.symlinkSync(path.join(ROOT, "typechain-types"), path.join(src, "typechain-types"));
    compileTree(src, out);
    return { name, js: out, env };
  });
}

function runJson(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>) : reject(new Error(`${script} exited ${code}`))));
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

/** CPU seconds (user + system) a process has used so far (Linux /proc; NaN elsewhere). */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

/** Runs `f` and adds the node's CPU seconds during it (`nodeCpuSeconds`): what the run asked of the node. */
async function withNodeCpu(node: ChildProcess, f: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const before = cpuSecondsOf(node.pid);
  const r = await f();
  return { ...r, nodeCpuSeconds: Number((cpuSecondsOf(node.pid) - before).toFixed(2)) };
}

async function main(): Promise<void> {
  const emitterCode = compileEmitter();
  const trees = prepareTrees();
  const results: Record<string, unknown>[] = [];
  const chains: Chain[] = [];
  const started = new Date().toISOString();
  for (const density of DENSITIES) {
    const { node, chain } = await nodeFor(density, emitterCode);
    chains.push(chain);
    try {
      const replayFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-replay-")), "replay.json");
      const blocksPerRequest = Math.max(1, Math.floor(TARGET_LOGS / density));
      const rawEnv = { RPC_URL: URL_, EMITTER: chain.emitter, START_BLOCK: String(chain.startBlock), HEAD: String(chain.head), BLOCKS_PER_REQUEST: String(blocksPerRequest) };
      for (let round = 0; round < ROUNDS; round++) {
        const raw = async (): Promise<Record<string, unknown>> => {
          const r = { density, round, ...(await withNodeCpu(node, () => runJson(path.join(trees[0].js, "bench/indexer/raw-fetch.js"), rawEnv))) };
          process.stderr.write(JSON.stringify(r) + "\n");
          results.push(r);
          return r;
        };
        const roundRaw = [await raw()];
        const roundRuns: Record<string, unknown>[] = [];
        for (const mode of MODES) {
          for (const backend of BACKENDS) {
            for (const tree of trees) {
              const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-bench-"));
              const res = await withNodeCpu(node, () => runJson(path.join(tree.js, "bench/indexer/measure.js"), {
                ...tree.env,
                BACKEND: backend,
                MODE: mode,
                RPC_URL: URL_,
                EMITTER: chain.emitter,
                START_BLOCK: String(chain.startBlock),
                DB_FILE: path.join(dir, "bench.sqlite"),
                PG_URL,
                REPLAY_FILE: replayFile,
              }));
              if (KEEP_STORE && backend === "sqlite" && mode === "node" && round === 0) {
                // the finished store, for bench/indexer/bytes-vs-text.ts (SQLite's WAL checkpointed into the file on close)
                fs.mkdirSync(KEEP_STORE, { recursive: true });
                fs.copyFileSync(path.join(dir, "bench.sqlite"), path.join(KEEP_STORE, `d${density}-${tree.name}.sqlite`));
              }
              fs.rmSync(dir, { recursive: true, force: true });
              if (res.events !== chain.events) throw new Error(`${tree.name} ${backend} indexed ${String(res.events)} of ${chain.events} events`);
              const r = { density, round, tree: tree.name, ...res };
              process.stderr.write(JSON.stringify(r) + "\n");
              results.push(r);
              roundRuns.push(r);
            }
          }
        }
        roundRaw.push(await raw());
        const rawRate = roundRaw.reduce((a, r) => a + (r.eventsPerSecond as number), 0) / roundRaw.length;
        for (const r of roundRuns) {
          r.rawEventsPerSecond = Math.round(rawRate);
          r.ratio = Number(((r.eventsPerSecond as number) / rawRate).toFixed(3));
        }
      }
      fs.rmSync(path.dirname(replayFile), { recursive: true, force: true });
    } finally {
      await stopAnvil(node);
    }
  }

  const pgVersion = (() => {
    try {
      return execFileSync("psql", [PG_URL, "-tAc", "show server_version"]).toString().trim();
    } catch {
      return "unknown";
    }
  })();
  const summary = {
    started,
    finished: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, memGB: Math.round(os.totalmem() / 2 ** 30), pgVersion, anvil: execFileSync(anvilBinary(), ["--version"]).toString().split("\n")[0] },
    eventsPerDensity: N,
    targetLogsPerRange: TARGET_LOGS,
    mix: "AssetRegistered (0-2 parents), Transfer, TradeRecorded, LicenceGranted, EvidenceAnchored: 1/5 each",
    goals: { ratioToRawFetch: 0.6, maxRssMB: 300 },
    chains,
    runs: results,
  };
  fs.mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench/results/indexer.json"), JSON.stringify(summary, null, 2) + "\n");

  const rows = results.filter((r) => r.kind === "shuquan");
  const cores = os.cpus().length;
  /** CPU seconds of a run as µs per event, or "—" where not measured. */
  const perEvent = (r: Record<string, unknown>, seconds: unknown): string =>
    typeof seconds === "number" && Number.isFinite(seconds) ? String(Math.round((seconds * 1e6) / (r.events as number))) : "—";
  /** The CPU of the indexer's process, the node and the local PostgreSQL server together, spread over the machine's cores. */
  const allCpuPerCore = (r: Record<string, unknown>): number =>
    ((r.cpuSeconds as number) + (r.nodeCpuSeconds as number) + (typeof r.serverCpuSeconds === "number" ? r.serverCpuSeconds : 0)) / cores;
  const table = [
    `| events/block | backend | mode | tree | Shuquan events/s | raw eth_getLogs events/s | ratio | peak RSS (MB) | wall µs/event | of the wall time at the head, s | CPU µs/event (main thread) | node CPU µs/event | PostgreSQL server CPU µs/event | all CPU ÷ ${cores} cores, µs/event | load before → after |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${String(r.density)} | ${String(r.backend)} | ${String(r.mode)} | ${String(r.tree)} | ${fmt(r.eventsPerSecond as number)} | ${fmt(r.rawEventsPerSecond as number)} | **${Math.round((r.ratio as number) * 100)} %** | ${String(r.maxRssMB)} | ${(1e6 / (r.eventsPerSecond as number)).toFixed(1)} | ${typeof r.headSeconds === "number" ? r.headSeconds.toFixed(2) : "—"} | ${perEvent(r, r.cpuSeconds)} (${perEvent(r, r.mainCpuSeconds)}) | ${perEvent(r, r.nodeCpuSeconds)} | ${perEvent(r, r.serverCpuSeconds)} | ${perEvent(r, allCpuPerCore(r))} | ${String(r.loadBefore)} → ${String(r.loadAfter)} |`,
    ),
  ].join("\n");
  const rawTable = [
    "| events/block | round | raw events/s | requests | seconds | peak RSS (MB) | client CPU µs/event | node CPU µs/event | load before → after |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...results
      .filter((r) => r.kind === "raw")
      .map((r) => `| ${String(r.density)} | ${String(r.round)} | ${fmt(r.eventsPerSecond as number)} | ${String(r.requests)} | ${String(r.seconds)} | ${String(r.maxRssMB)} | ${Math.round(((r.cpuSeconds as number) * 1e6) / (r.events as number))} | ${Math.round(((r.nodeCpuSeconds as number) * 1e6) / (r.events as number))} | ${String(r.loadBefore)} → ${String(r.loadAfter)} |`),
  ].join("\n");
  const md = [
    "# Indexer throughput against the node's limit",
    "",
    `${started} – ${summary.finished} · ${summary.machine.cpus} × ${summary.machine.cpu} (shared with other work: see the load) · Node ${summary.machine.node} · PostgreSQL ${pgVersion} · ${summary.machine.anvil}`,
    "",
    `${fmt(N)} events per density on a local anvil node (JSON-RPC over HTTP), emitted by bench/indexer/BenchEmitter.sol with the`,
    `interfaces' own event declarations (mix: ${summary.mix}).`,
    "Each figure is a fresh process running compiled JavaScript (tsc with the build's tsconfig) and, for Shuquan, a fresh database;",
    "Shuquan's time covers eth_getLogs, the headers it needs, decoding, row mapping and the transactional writes (rows + checkpoint),",
    "and the work a first backfill leaves to the head (the secondary indexes it went without, built; the derived tables, filled): its seconds in their own column.",
    `**raw eth_getLogs**: the same node, the same blocks, ${fmt(TARGET_LOGS)} logs' worth of blocks per request (the indexer's target), one request after`,
    "another, each answer read and JSON-parsed and nothing else; measured before and after the backfills of each density, ratio = Shuquan / mean raw.",
    "mode `replay` (when present): the node's answers recorded and served from memory (the indexer's own cost; its RSS includes the recording).",
    "Load = 1-minute load average of the machine (2 cores) before → after each run. Node CPU = the anvil process's CPU time during the run",
    "(what the run asked of the node, start-up and the tip reads included), per event. PostgreSQL server CPU = the CPU of every local `postgres`",
    "process during the backfill (its backends, WAL writer, checkpointer…). All CPU ÷ cores = the indexer's, the node's and the server's CPU per",
    "event spread over the machine's cores: where it nears the wall time per event, the run was bound by the machine's CPU, not by waiting.",
    "",
    table,
    "",
    "Raw fetch runs:",
    "",
    rawTable,
    "",
    `Goals: ratio ≥ ${summary.goals.ratioToRawFetch * 100} % at every density on both backends; peak RSS < ${summary.goals.maxRssMB} MB.`,
    "",
    "Reproduce: `nice -n 10 npx ts-node --transpile-only bench/indexer/run.ts` (env in the file's header; saved node states in /tmp/shuquan-bench-anvil).",
    "",
  ].join("\n");
  fs.writeFileSync(path.join(ROOT, "bench/results/indexer.md"), md);
  process.stderr.write(md);
}

main().then(
  () => process.exit(0), // idle keep-alive sockets to the stopped nodes would hold the process open
  (e) => {
    process.stderr.write(String((e as Error).stack ?? e) + "\n");
    process.exit(1);
  },
);
