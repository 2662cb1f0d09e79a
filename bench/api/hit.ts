/**
 * Load generator for one endpoint (a separate process from the server): C keep-alive connections, each a closed loop
 * over the given paths (round robin from a random start), for S seconds after W seconds of unrecorded warm-up. Every
 * status is counted; latency is client side, send to last body byte. Prints one JSON line.
 *
 *   node -r ts-node/register/transpile-only bench/api/hit.ts <baseUrl> <pathsFile> <connections> <seconds> <warmupSeconds>
 */
import fs from "node:fs";
import { Pool } from "undici";

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function main(): Promise<void> {
  const [base, pathsFile, c, secs, warm] = process.argv.slice(2) as [string, string, string, string, string];
  const paths = fs.readFileSync(pathsFile, "utf8").split("\n").filter(Boolean);
  const connections = Number(c);
  const pool = new Pool(base, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const statuses: Record<string, number> = {};
  const lat: number[] = [];
  let record = false;
  let stop = false;
  const loop = async (k: number): Promise<void> => {
    let i = (k * 7919) % paths.length;
    while (!stop) {
      const p = paths[i++ % paths.length] as string;
      const t0 = performance.now();
      const res = await pool.request({ path: p, method: "GET" });
      await res.body.arrayBuffer();
      const ms = performance.now() - t0;
      if (record) {
        lat.push(ms);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      }
    }
  };
  const runners = Array.from({ length: connections }, (_, k) => loop(k));
  await new Promise((r) => setTimeout(r, Number(warm) * 1000));
  record = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, Number(secs) * 1000));
  stop = true;
  const elapsed = (performance.now() - t0) / 1000;
  await Promise.all(runners);
  await pool.close();
  const s = Float64Array.from(lat).sort();
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  process.stdout.write(
    JSON.stringify({ requests: s.length, rate: Math.round(s.length / elapsed), p50: r(pct(s, 50)), p90: r(pct(s, 90)), p99: r(pct(s, 99)), max: r(s[s.length - 1] ?? NaN), statuses }) + "\n",
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
