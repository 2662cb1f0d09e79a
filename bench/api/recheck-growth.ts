/**
 * Re-measures a few pages at two levels of kept benchmark stores, longer and repeated, to tell a p99's growth from
 * its noise (a 1.5-second run's p99 is its 8th–30th slowest request). Reads the stores `scale.ts --keep` left.
 *
 *   node -r ts-node/register/transpile-only bench/api/recheck-growth.ts [--seconds 5] [--repeats 3] [--levels 10000,10000000]
 *     [--backend sqlite|postgres|both]   (rows append to bench/results/api-growth-recheck.tsv)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { syntheticAssetId, syntheticExchange, syntheticMerchant } from "../../test/helpers/synthetic-market";

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
};
const SECONDS = Number(arg("seconds", "5"));
const REPEATS = Number(arg("repeats", "3"));
const LEVELS = arg("levels", "10000,10000000").split(",").map(Number);
const BACKENDS = arg("backend", "both") === "both" ? ["sqlite", "postgres"] : [arg("backend", "sqlite")];
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const TS = ["-r", "ts-node/register/transpile-only"];
/** Assets per level and the last block of each store, as scale.ts fills them (bench/results/api.json). */
const STORE: Record<number, { assets: number; lastBlock: number }> = { 10000: { assets: 1000, lastBlock: 1 }, 1000000: { assets: 100000, lastBlock: 100 }, 10000000: { assets: 100000, lastBlock: 1000 } };

const txHash = (block: number): string => `0x${createHash("sha256").update(`tx:${block}`).digest("hex")}`;

function pages(assetCount: number): Record<string, string[]> {
  const assets = Array.from({ length: 50 }, (_, i) => syntheticAssetId(1 + ((i * 7919) % (assetCount - 1))));
  const m = Array.from({ length: 20 }, (_, i) => syntheticMerchant(i * 7));
  return {
    "GET /v1/assets": ["/v1/assets"],
    "GET /v1/assets?holder=": m.map((a) => `/v1/assets?holder=${a}`),
    "GET /v1/assets?status=frozen": ["/v1/assets?status=frozen"],
    "GET /v1/assets/{id}/provenance": assets.map((a) => `/v1/assets/${a}/provenance?depth=1`),
    "GET /v1/trades?linked=true": ["/v1/trades?linked=true"],
    "GET /v1/trades?party=": m.map((a) => `/v1/trades?party=${a}`),
    "GET /v1/accounts/{a}/licences": m.slice(0, 5).map((a) => `/v1/accounts/${a}/licences`),
    "GET /v1/search?q= (tx hash)": Array.from({ length: 20 }, (_, i) => `/v1/search?q=${txHash(1 + ((i * 97) % 2000))}`),
    "GET /v1/merchants?exchange=": [`/v1/merchants?exchange=${syntheticExchange(1)}`],
    "GET /v1/assessments (empty)": ["/v1/assessments"],
  };
}

function start(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TS, path.join(__dirname, "server.ts")], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout!.on("data", (b: Buffer) => {
      const m = /LISTENING (\d+)/.exec(b.toString());
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.on("exit", (c) => reject(new Error(`server exited ${c}`)));
  });
}

function hit(base: string, file: string): Promise<{ p50: number; p99: number; rate: number; requests: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TS, path.join(__dirname, "hit.ts"), base, file, "1", String(SECONDS), "1"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.on("exit", (c) => (c === 0 ? resolve(JSON.parse(out)) : reject(new Error(`hit exited ${c}`))));
  });
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recheck-"));
  for (const backend of BACKENDS) {
    for (const level of LEVELS) {
      const env: Record<string, string> =
        backend === "sqlite"
          ? { BENCH_BACKEND: "sqlite", BENCH_SQLITE_FILE: path.join(os.tmpdir(), `shuquan-bench-api-${level}.sqlite`) }
          : { BENCH_BACKEND: "postgres", BENCH_PG_URL: PG_URL, BENCH_PG_SCHEMA: `bench_api_${level}` };
      const { child, base } = await start({ ...env, BENCH_LAST_BLOCK: String(STORE[level]!.lastBlock) });
      try {
        for (const [name, paths] of Object.entries(pages(STORE[level]!.assets))) {
          const file = path.join(tmp, "paths.txt");
          fs.writeFileSync(file, paths.join("\n") + "\n");
          for (let r = 1; r <= REPEATS; r++) {
            const x = await hit(base, file);
            const load = os.loadavg()[0]!.toFixed(2);
            const line = `${backend}\t${level}\t${name}\t${r}\t${x.p50}\t${x.p99}\t${x.rate}\t${x.requests}\t${load}`;
            rows.push(line);
            console.log(line);
          }
        }
      } finally {
        child.kill();
      }
    }
  }
  const out = path.join(__dirname, "../results/api-growth-recheck.tsv");
  if (!fs.existsSync(out)) fs.writeFileSync(out, "backend\tlevel\tpage\trepeat\tp50\tp99\trate\trequests\tload\n");
  fs.appendFileSync(out, rows.join("\n") + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
