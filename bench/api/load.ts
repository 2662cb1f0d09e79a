/**
 * Load generator (a separate process from the API): C concurrent keep-alive connections (undici Pool), each
 * running a closed loop of GET /v1/evidence/items/{digest}: existing digests drawn uniformly from the sample file,
 * plus a share of unknown digests (expect 404). Bounded by duration and request count. Every response's status is
 * checked; the first 20 answered hits and every `verifyEvery`-th request after have their proofs verified with StandardMerkleTree.verify against the returned
 * root (and the root compared with the one the item was anchored in). Latency is measured per request, client
 * side, from send to the last body byte. Prints one JSON line.
 *
 * With a rate (requests/s) > 0 the load is an open loop at that rate instead (latency from each request's due time).
 *
 *   node -r ts-node/register/transpile-only bench/api/load.ts <url> <sampleFile> <connections> <seconds> <maxRequests> <missShare> <verifyEvery> <warmupSeconds> [rate]
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { Pool } from "undici";

interface Occurrence {
  itemDigest: string;
  assetId: string | null;
  proof: string[];
  leaf: string;
  valid: boolean;
  batch: { root: string; manifestStatus: string };
}

const ZERO_ID = "0x" + "0".repeat(64);

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summarise(lat: Float64Array): Record<string, number> {
  const s = Float64Array.from(lat).sort();
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return { count: s.length, p50: r(pct(s, 50)), p90: r(pct(s, 90)), p99: r(pct(s, 99)), p999: r(pct(s, 99.9)), max: r(s[s.length - 1] ?? NaN) };
}

async function main(): Promise<void> {
  const [url, sampleFile, c, secs, maxReq, miss, verifyEveryArg, warmupArg, rateArg] = process.argv.slice(2);
  const rate = Number(rateArg ?? 0);
  const connections = Number(c);
  const durationMs = Number(secs) * 1000;
  const maxRequests = Number(maxReq);
  const missShare = Number(miss);
  const verifyEvery = Number(verifyEveryArg);
  const sample = fs
    .readFileSync(sampleFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ") as [string, string]);
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });

  // Warm-up, not recorded: unknown digests only (404), so express, zod, the SQL statements and the JIT are warm
  // while the evidence tree cache stays cold.
  const warmupEnd = performance.now() + Number(warmupArg ?? 0) * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < warmupEnd) {
        const res = await pool.request({ path: `/v1/evidence/items/0x${randomBytes(32).toString("hex")}`, method: "GET" });
        await res.body.text();
      }
    }),
  );

  const lat = new Float64Array(maxRequests);
  const isMiss = new Uint8Array(maxRequests);
  let n = 0;
  const bad: string[] = [];
  let wrongStatus = 0;
  let verified = 0;
  let verifyFailures = 0;
  const t0 = performance.now();
  const deadline = t0 + durationMs;

  /** One request; latency from `start` (the send time, or in open loop the scheduled time). */
  async function one(slot: number, start: number): Promise<void> {
    const missing = Math.random() < missShare;
    const [digest, root] = missing ? ["0x" + randomBytes(32).toString("hex"), ""] : sample[Math.floor(Math.random() * sample.length)];
    const res = await pool.request({ path: `/v1/evidence/items/${digest}`, method: "GET" });
    const body = await res.body.text();
    lat[slot] = performance.now() - start;
    isMiss[slot] = missing ? 1 : 0;
    const expected = missing ? 404 : 200;
    if (res.statusCode !== expected) {
      wrongStatus++;
      if (bad.length < 5) bad.push(`${digest}: ${res.statusCode} ${body.slice(0, 200)}`);
      return;
    }
    if (!missing && (verified < 20 || slot % verifyEvery === 0)) {
      const occ = (JSON.parse(body) as { data: { occurrences: Occurrence[] } }).data.occurrences;
      const o = occ.find((x) => x.batch.root === root);
      const ok =
        o !== undefined &&
        o.valid &&
        o.itemDigest === digest &&
        StandardMerkleTree.verify(o.batch.root, ["bytes32", "uint256"], [o.itemDigest, o.assetId ?? ZERO_ID], o.proof);
      verified++;
      if (!ok) {
        verifyFailures++;
        if (bad.length < 5) bad.push(`proof of ${digest} in ${root} did not verify`);
      }
    }
  }

  async function worker(): Promise<void> {
    while (n < maxRequests && performance.now() < deadline) await one(n++, performance.now());
  }

  /**
   * Open loop: request i is due at t0 + i / rate whatever the answers do (no coordinated omission: latency counts
   * from the due time, so time spent queued behind busy connections is included). At most `connections` in flight
   * on the wire; undici queues the rest.
   */
  async function openLoop(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    const start = performance.now();
    while (n < maxRequests) {
      const due = start + (n / rate) * 1000;
      if (due >= deadline) break;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p: Promise<void> = one(n++, due).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size > 10_000) break; // the server cannot keep up: stop rather than queue without bound
    }
    await Promise.all(inflight);
  }

  if (rate > 0) await openLoop();
  else await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  await pool.close();
  const all = lat.subarray(0, n);
  const hits = all.filter((_, i) => isMiss[i] === 0);
  const misses = all.filter((_, i) => isMiss[i] === 1);
  const half = all.subarray(Math.floor(n / 2));
  const out = {
    connections,
    rate: rate > 0 ? rate : null,
    seconds: Math.round(elapsed * 100) / 100,
    requests: n,
    rps: Math.round(n / elapsed),
    all: summarise(all),
    hits: summarise(hits),
    misses: summarise(misses),
    secondHalf: summarise(half),
    first1000: summarise(all.subarray(0, Math.min(1000, n))),
    wrongStatus,
    verified,
    verifyFailures,
    bad,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
