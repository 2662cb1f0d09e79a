/**
 * Start-up benchmark (a measurement, not a test): writes bench/results/start.{md,json}.
 *
 * 1. `npm start` time to a healthy /health: the first start (new chain, deploy, roles) and the second (resumed),
 *    on a fresh DATA_DIR, ROUNDS times each.
 * 2. The CLI's start-up CPU (user + system) for `--version` and `--help`: the compiled CLI (`node dist/…`, needs
 *    `npm run build`), through `service/bin/shuquan`, and through `npx shuquan`.
 * 3. What an abrupt kill of the embedded chain loses: anvil as `npm start` runs it (state written every second),
 *    transactions sent back to back, SIGKILL at a random moment, restarted from its state file; blocks lost.
 *
 *   npm run build && node -r ts-node/register/transpile-only bench/start/run.ts [ROUNDS=3] [KILLS=10]
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chainFiles, startLocalChain } from "../../service/src/devnet/local-chain";
import { createSilentLogger, type Logger } from "../../service/src/logger";
import { freePort } from "../../test/helpers/free-port";

const ROOT = path.resolve(__dirname, "..", "..");
const ROUNDS = Number(process.argv[2] ?? 3);
const KILLS = Number(process.argv[3] ?? 10);
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return ((await res.json()) as { result?: unknown }).result;
}

async function timeToHealthy(dataDir: string, apiPort: number, chainPort: number): Promise<number> {
  const t0 = Date.now();
  const { RPC_URL: _r, DEPLOYMENT: _d, DATABASE_URL: _u, ...env } = process.env;
  const child = spawn("npm", ["start"], { cwd: ROOT, env: { ...env, DATA_DIR: dataDir, PORT: String(apiPort), CHAIN_PORT: String(chainPort), LOG_FORMAT: "json" }, detached: true, stdio: "ignore" });
  try {
    for (;;) {
      if (Date.now() - t0 > 300_000) throw new Error("npm start did not become healthy in 300 s");
      try {
        const res = await fetch(`http://127.0.0.1:${apiPort}/health`);
        if (res.status === 200) return (Date.now() - t0) / 1000;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    process.kill(-child.pid!, "SIGINT");
    await new Promise((r) => child.once("exit", r));
  }
}

function cpuOf(cmd: string, args: string[], cwd = ROOT): number {
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S", cmd, ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  const [u, s] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return u! + s!;
}

interface KillResult {
  sent: number;
  kept: number;
  lost: number;
  lostMs: number;
  /** The state file was cut short by the kill, and the chain resumed from the last whole copy. */
  fromWholeCopy: boolean;
  /** The chain did not come back (the error). */
  restartFailed?: string;
}

/** The embedded chain exactly as `npm start` runs it (startLocalChain), killed with SIGKILL while busy, restarted. */
async function chainKillLoss(): Promise<KillResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sq-kill-"));
  const port = await freePort();
  const warnings: string[] = [];
  const logger = Object.assign(createSilentLogger(), { warn: (m: string) => warnings.push(String(m)) }) as unknown as Logger;
  let chain = await startLocalChain({ host: "127.0.0.1", port, dir, logger });
  const url = chain.url;
  const minedAt: number[] = [];
  const stopAt = Date.now() + 1500 + Math.random() * 6000;
  while (Date.now() < stopAt) {
    await rpc(url, "eth_sendTransaction", [{ from: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", to: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", value: "0x1" }]);
    minedAt.push(Date.now());
  }
  const killedAt = Date.now();
  const pid = (JSON.parse(fs.readFileSync(chainFiles(dir).pid, "utf8")) as { pid: number }).pid;
  process.kill(pid, "SIGKILL");
  while ((() => { try { process.kill(pid, 0); return true; } catch { return false; } })()) await new Promise((r) => setTimeout(r, 50));
  const sent = minedAt.length;
  try {
    chain = await startLocalChain({ host: "127.0.0.1", port, dir, logger });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { sent, kept: 0, lost: sent, lostMs: killedAt - (minedAt[0] ?? killedAt), fromWholeCopy: false, restartFailed: (e as Error).message };
  }
  const kept = Number(BigInt((await rpc(url, "eth_blockNumber")) as string));
  await chain.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  const firstLost = minedAt[kept]; // block kept+1 was mined at minedAt[kept]
  return { sent, kept, lost: sent - kept, lostMs: firstLost === undefined ? 0 : killedAt - firstLost, fromWholeCopy: warnings.some((w) => /cut short/.test(w)) };
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const loadBefore = load();
  const first: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sq-bench-start-"));
    const [apiPort, chainPort] = [await freePort(), await freePort()];
    first.push(await timeToHealthy(dataDir, apiPort, chainPort));
    second.push(await timeToHealthy(dataDir, apiPort, chainPort));
    fs.rmSync(dataDir, { recursive: true, force: true });
    console.log(`round ${i + 1}: first ${first[i]!.toFixed(1)} s, second ${second[i]!.toFixed(1)} s (load ${load()})`);
  }
  const compiled = path.join(ROOT, "dist", "service", "src", "cli", "main.js");
  const cli: Record<string, number[]> = {};
  const measure = (label: string, cmd: string, args: string[]) => {
    cli[label] = Array.from({ length: 5 }, () => cpuOf(cmd, args));
  };
  if (fs.existsSync(compiled)) {
    measure("node dist/…/cli/main.js --version", process.execPath, [compiled, "--version"]);
    measure("node dist/…/cli/main.js --help", process.execPath, [compiled, "--help"]);
  } else console.warn("no dist/: run npm run build to measure the compiled CLI");
  measure("service/bin/shuquan --version", process.execPath, [path.join(ROOT, "service", "bin", "shuquan"), "--version"]);
  measure("npx shuquan --version", "npx", ["shuquan", "--version"]);
  measure("node -e 0 (Node.js itself)", process.execPath, ["-e", "0"]);
  const kills = [];
  for (let i = 0; i < KILLS; i++) kills.push(await chainKillLoss());
  const loadAfter = load();

  const result = { started, loadBefore, loadAfter, rounds: ROUNDS, npmStartSeconds: { first, second }, cliCpuSeconds: cli, chainKill: kills };
  fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench", "results", "start.json"), JSON.stringify(result, null, 2) + "\n");
  const f = (x: number) => x.toFixed(2);
  const md = [
    "# Start-up",
    "",
    `Measured ${started} by \`bench/start/run.ts\` on this machine (2 cores, shared); load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after.`,
    "",
    "## `npm start` time to a healthy /health (s)",
    "",
    "| start | runs | median | min | max |",
    "| --- | --- | --- | --- | --- |",
    `| first (new chain: deploy, roles, index) | ${first.map(f).join(", ")} | ${f(median(first))} | ${f(Math.min(...first))} | ${f(Math.max(...first))} |`,
    `| second (resumed chain and index) | ${second.map(f).join(", ")} | ${f(median(second))} | ${f(Math.min(...second))} | ${f(Math.max(...second))} |`,
    "",
    "Both include `hardhat compile --quiet` (nothing to compile) and ts-node start-up, as `npm start` runs them.",
    "",
    "## CLI start-up CPU (user + system, s; target < 0.3 s)",
    "",
    "| command | runs | median |",
    "| --- | --- | --- |",
    ...Object.entries(cli).map(([k, v]) => `| \`${k}\` | ${v.map(f).join(", ")} | ${f(median(v))} |`),
    "",
    "## What an abrupt kill of the embedded chain loses",
    "",
    "The embedded chain as `npm start` runs it (`startLocalChain`: anvil with `--state … --state-interval 1`, plus the whole copy of the state file kept every 2 s); transactions sent back to back (automine: one block each), the chain killed with SIGKILL after 1.5–7.5 s and started again.",
    "",
    "| try | blocks mined | kept | lost | lost blocks were mined in the last … before the kill (ms) | state file cut short: resumed from the whole copy |",
    "| --- | --- | --- | --- | --- | --- |",
    ...kills.map((k, i) => `| ${i + 1} | ${k.sent} | ${k.kept} | ${k.lost} | ${k.restartFailed ? `did not restart: ${k.restartFailed}` : k.lostMs} | ${k.fromWholeCopy ? "yes" : "no"} |`),
    "",
    `Lost (restarted tries): at most ${Math.max(...kills.filter((k) => !k.restartFailed).map((k) => k.lostMs))} ms of blocks (median ${median(kills.filter((k) => !k.restartFailed).map((k) => k.lostMs))} ms) — what was mined since the last state write. ${kills.filter((k) => k.fromWholeCopy).length} of ${kills.length} kills cut the state file short (anvil writes it in place) and the chain resumed from the whole copy, losing up to its age; ${kills.filter((k) => k.restartFailed).length} did not restart. A clean stop (Ctrl-C, SIGTERM) loses nothing.`,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(ROOT, "bench", "results", "start.md"), md);
  console.log(md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
