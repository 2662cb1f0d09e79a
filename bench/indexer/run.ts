/**
 * Indexer throughput benchmark: starts a Hardhat node, puts N Shuquan events on it (BenchEmitter, emitting the
 * interfaces' events in bulk), then measures a cold backfill on SQLite and on PostgreSQL, each in a fresh process
 * (events/s and peak RSS). Writes bench/results/indexer.json and indexer.md.
 *
 *   npx ts-node --transpile-only bench/indexer/run.ts [N=100000] [RUNS=2]
 * PG: DATABASE_URL (postgres://…) or postgres://postgres@127.0.0.1:5432/test.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, execFileSync } from "node:child_process";
import { ContractFactory, JsonRpcProvider } from "ethers";

const ROOT = path.resolve(__dirname, "../..");
const N = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 2);
const PER_TX = 250;
const PORT = 8599;
const PG_URL = process.env.DATABASE_URL && /^postgres/.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : "postgres://postgres@127.0.0.1:5432/test";

function compile(): { abi: unknown[]; bytecode: string } {
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

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("hardhat node did not start");
}

/** V8 heap caps for the "capped" runs (what docs/indexer.md recommends for a small-memory deployment). */
const CAPPED = ["--max-old-space-size=128", "--max-semi-space-size=8"];

function measure(env: Record<string, string>, nodeFlags: string[] = []): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, "-r", "ts-node/register/transpile-only", path.join(__dirname, "measure.ts")], {
      cwd: ROOT,
      env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("exit", (code) =>
      code === 0
        ? resolve({ ...(JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>), heap: nodeFlags.length ? "capped" : "default" })
        : reject(new Error(`measure exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const { abi, bytecode } = compile();
  // BENCH_RPC_URL: use a node that is already running (and leave it running); else start one.
  const external = process.env.BENCH_RPC_URL;
  const node = external ? undefined : spawn(path.join(ROOT, "node_modules/.bin/hardhat"), ["node", "--port", String(PORT)], { cwd: ROOT, stdio: "ignore" });
  const url = external ?? `http://127.0.0.1:${PORT}`;
  try {
    await waitFor(url);
    const provider = new JsonRpcProvider(url, undefined, { batchMaxCount: 1 });
    const signer = await provider.getSigner(0);
    const emitter = await new ContractFactory(abi as never, bytecode, signer).deploy();
    await emitter.waitForDeployment();
    const address = (await emitter.getAddress()).toLowerCase();
    const startBlock = (await emitter.deploymentTransaction()!.wait())!.blockNumber;
    const t0 = performance.now();
    const emit = emitter.getFunction("emitMany");
    for (let i = 0; i < N; i += PER_TX) {
      const tx = await emit(i, Math.min(PER_TX, N - i), { gasLimit: 16_000_000 });
      if ((i / PER_TX) % 40 === 39) await tx.wait();
    }
    await provider.send("evm_mine", []);
    const genSeconds = (performance.now() - t0) / 1000;
    const head = await provider.getBlockNumber();
    process.stderr.write(`generated ${N} events in ${head - startBlock} blocks (${genSeconds.toFixed(1)} s); EMITTER=${address} START_BLOCK=${startBlock}\n`);
    if (process.env.BENCH_GENERATE_ONLY) return;

    const results: Record<string, unknown>[] = [];
    // replay runs record the node's answers once (first replay run) and read them from this file afterwards
    const replayFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-replay-")), "replay.json");
    const loadAtStart = os.loadavg().map((x) => x.toFixed(1)).join(" / ");
    for (let r = 0; r < RUNS; r++) {
      for (const [backend, mode, heap] of [
        ["sqlite", "node", "default"],
        ["postgres", "node", "default"],
        ["sqlite", "node", "capped"],
        ["postgres", "node", "capped"],
        ["sqlite", "replay", "default"],
        ["postgres", "replay", "default"],
      ]) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-bench-"));
        const env = { BACKEND: backend, MODE: mode, RPC_URL: url, EMITTER: address, START_BLOCK: String(startBlock), DB_FILE: path.join(dir, "bench.sqlite"), PG_URL, REPLAY_FILE: replayFile };
        const res = await measure(env, heap === "capped" ? CAPPED : []);
        fs.rmSync(dir, { recursive: true, force: true });
        process.stderr.write(JSON.stringify(res) + "\n");
        results.push(res);
      }
    }
    const best = (b: string, m: string) => results.filter((x) => x.backend === b && x.mode === m).sort((x, y) => (y.eventsPerSecond as number) - (x.eventsPerSecond as number))[0];
    const summary = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, memGB: Math.round(os.totalmem() / 2 ** 30) },
      events: N,
      blocks: head - startBlock,
      eventsPerTx: PER_TX,
      mix: "AssetRegistered (0-2 parents), Transfer, TradeRecorded, LicenceGranted, EvidenceAnchored: 1/5 each",
      targets: { sqliteEventsPerSecond: 20_000, postgresEventsPerSecond: 15_000, maxRssMB: 300 },
      loadAverageAtStart: loadAtStart,
      best: { sqlite: best("sqlite", "node"), postgres: best("postgres", "node"), sqliteReplay: best("sqlite", "replay"), postgresReplay: best("postgres", "replay") },
      runs: results,
      pgVersion: (() => {
        try {
          return execFileSync("psql", [PG_URL, "-tAc", "show server_version"]).toString().trim();
        } catch {
          return "unknown";
        }
      })(),
    };
    fs.mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "bench/results/indexer.json"), JSON.stringify(summary, null, 2) + "\n");
    const row = (x: Record<string, unknown>) =>
      `| ${x.backend} | ${x.mode} | ${x.heap} | ${x.events} | ${x.seconds} | ${x.eventsPerSecond} | ${x.cpuSeconds} | ${Math.round(((x.cpuSeconds as number) * 1e6) / (x.events as number))} | ${Math.round(((x.mainCpuSeconds as number) * 1e6) / (x.events as number))} | ${x.maxRssMB} | ${x.loadAverage} |`;
    const md = [
      "# Indexer cold backfill",
      "",
      `${summary.date} · ${summary.machine.cpus} × ${summary.machine.cpu} · Node ${summary.machine.node} · PostgreSQL ${summary.pgVersion}`,
      "",
      `${N} events in ${summary.blocks} blocks of a local Hardhat node (JSON-RPC over HTTP), emitted by bench/indexer/BenchEmitter.sol`,
      `with the interfaces' own event declarations; mix: ${summary.mix}. Each run is a fresh process and a fresh database;`,
      "time covers eth_getLogs, header batches, decoding, row mapping and the transactional writes (range + checkpoint).",
      "",
      "mode `node`: JSON-RPC over HTTP to the Hardhat node (end to end). mode `replay`: the node's answers recorded",
      "once (to a file) and served from memory as JSON text, so the figure is the indexer's own cost (JSON parse,",
      "decode, map, write) without the node; its RSS includes the recorded answers (~110 MB of JSON text, ~400 MB live). heap `capped`: node " + CAPPED.join(" ") + ".",
      "Peak RSS includes ts-node and the TypeScript compiler (~160 MB before any work). CPU s = user + system time of",
      "the indexer process during the backfill (all threads, including SQLite's background checkpointer); main thread:",
      "the JavaScript thread alone. On this shared 2-core machine wall time also waits for the node and for other work.",
      `Load average when the run started: ${loadAtStart}.`,
      "",
      "| backend | mode | heap | events | seconds | events/s | CPU s | CPU µs/event | main thread µs/event | peak RSS (MB) | load (1 min) after |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...results.map(row),
      "",
      `Targets: ≥ ${summary.targets.sqliteEventsPerSecond} events/s on SQLite, ≥ ${summary.targets.postgresEventsPerSecond} on PostgreSQL, < ${summary.targets.maxRssMB} MB RSS.`,
      "",
      "Reproduce: `npx ts-node --transpile-only bench/indexer/run.ts 100000 2`",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(ROOT, "bench/results/indexer.md"), md);
    process.stderr.write(md);
  } finally {
    node?.kill("SIGTERM");
  }
}

main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e) + "\n");
  process.exit(1);
});
