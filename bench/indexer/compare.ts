/**
 * Before/after comparison of the cold backfill: runs bench/indexer/measure.ts from several source trees (e.g. an
 * older commit unpacked with `git archive <commit> service bench/indexer | tar -x -C DIR`, with node_modules,
 * artifacts and tsconfig.json linked or copied in), interleaved so that every tree sees the same machine load, on
 * events already on a node (see run.ts BENCH_GENERATE_ONLY). A tree given as `js:DIR` runs DIR/bench/indexer/measure.js
 * with plain node (compiled JavaScript) instead of ts-node. Prints one JSON line per run and writes them to OUT.
 *
 *   TREES="before=/tmp/base,after=.,after-js=js:/tmp/js" RPC_URL=… EMITTER=0x… START_BLOCK=1 REPLAY_FILE=/tmp/r.json \
 *   MODES=replay,node BACKENDS=sqlite,postgres RUNS=1 OUT=/tmp/compare.json npx ts-node --transpile-only bench/indexer/compare.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";

const trees = (process.env.TREES ?? "after=.").split(",").map((t) => {
  const [name, dir] = t.split("=");
  return { name, js: dir.startsWith("js:"), dir: path.resolve(dir.replace(/^js:/, "")) };
});
const modes = (process.env.MODES ?? "replay,node").split(",");
const backends = (process.env.BACKENDS ?? "sqlite,postgres").split(",");
const runs = Number(process.env.RUNS ?? 1);
const PG_URL = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

function measure(tree: (typeof trees)[number], env: Record<string, string>): Promise<Record<string, unknown>> {
  const args = tree.js
    ? [path.join(tree.dir, "bench/indexer/measure.js")]
    : ["-r", "ts-node/register/transpile-only", path.join(tree.dir, "bench/indexer/measure.ts")];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: tree.dir, env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: "1" }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>) : reject(new Error(`measure exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const results: Record<string, unknown>[] = [];
  for (let r = 0; r < runs; r++) {
    for (const mode of modes) {
      for (const backend of backends) {
        for (const tree of trees) {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-compare-"));
          const loadBefore = os.loadavg()[0].toFixed(1);
          const res = await measure(tree, { BACKEND: backend, MODE: mode, DB_FILE: path.join(dir, "bench.sqlite"), PG_URL });
          fs.rmSync(dir, { recursive: true, force: true });
          const row = { tree: tree.name, runtime: tree.js ? "node (compiled JS)" : "ts-node transpile-only", loadBefore, ...res, date: new Date().toISOString() };
          process.stdout.write(JSON.stringify(row) + "\n");
          results.push(row);
          if (process.env.OUT) fs.writeFileSync(process.env.OUT, JSON.stringify(results, null, 2) + "\n");
        }
      }
    }
  }
}

main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e) + "\n");
  process.exit(1);
});
