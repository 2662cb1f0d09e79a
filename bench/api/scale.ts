/**
 * API at scale (issue 10): every list, report and search endpoint, and the evidence lookup beside its fair floor, on
 * stores of N evidence items and min(N, 1M) trades, SQLite and PostgreSQL.
 *
 * Per backend × level: fresh store filled by bench/api/fill.ts (migrate → secondary indexes dropped → the market's
 * rows and the evidence batches — real Merkle trees built in worker threads, the proofs the indexer stores, checked
 * against the indexer's checkManifest and OpenZeppelin's verify — through the store's prepared multi-row statements
 * on SQLite, COPY on PostgreSQL → indexes re-created → statistics refreshed as the indexer does) → EXPLAIN of every
 * SQL statement each endpoint runs → the API
 * (bench/api/server.ts) and the floor (bench/api/floor.ts, a bare node:http handler doing the same indexed read as
 * the lookup) as child processes → per endpoint a closed loop from a separate process (bench/api/hit.ts).
 * Results merge into bench/results/api.json (keyed by backend and level) and bench/results/api.md is re-rendered.
 *
 *   nice -n 10 node -r ts-node/register/transpile-only bench/api/scale.ts [--levels 10000,1000000] [--backend sqlite|postgres|both]
 *     [--seconds 3] [--lookup-seconds 5] [--warmup 1] [--workers 2] [--keep] (keep the store) [--reuse] (measure a kept one)
 *     [--fill-only] (fill and keep the store, for a later --reuse)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createApi, type ReadDb } from "../../service/src/api";
import { createPostgresDb, createSqliteDb, dropPostgresSchema, migrate, rebuildDerived, refreshStatistics, type Db, type SqlValue } from "../../service/src/store";
import {
  marketShape,
  syntheticAssetId,
  syntheticExchange,
  syntheticMerchant,
  SYNTHETIC_CHAIN,
} from "../../test/helpers/synthetic-market";
import { EVENT_TABLES } from "../../service/src/store/schema";
import { fillStore, type FillResult } from "./fill";

const ROOT = path.resolve(__dirname, "../..");
const RESULTS_JSON = path.join(ROOT, "bench/results/api.json");
const RESULTS_MD = path.join(ROOT, "bench/results/api.md");
const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const TS = ["-r", "ts-node/register/transpile-only"];

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : def;
}
const LEVELS = arg("levels", "10000,1000000").split(",").map(Number);
const BACKENDS = arg("backend", "both") === "both" ? ["sqlite", "postgres"] : [arg("backend", "sqlite")];
const SECONDS = Number(arg("seconds", "3"));
const LOOKUP_SECONDS = Number(arg("lookup-seconds", "5"));
const WARMUP = Number(arg("warmup", "1"));
const KEEP = process.argv.includes("--keep");
/** Measure a store a previous `--keep` run left (migrated to the current code first) instead of filling one. */
const REUSE = process.argv.includes("--reuse");
/** Fill and keep the store, measure nothing (a later `--reuse` run measures it). */
const FILL_ONLY = process.argv.includes("--fill-only");
const WORKERS = Number(arg("workers", "2"));
/** Fill time limit per backend at 10M items / 1M trades (issue 10). */
const FILL_LIMIT_S = 20 * 60;
/** Targets (the team brief): list/report page p99, lookup p99 at 8 connections, lookup rate share of the floor. */
const PAGE_P99_MS = 20;
const LOOKUP_P99_MS = 5;
const FLOOR_SHARE = 0.5;

const log = (m: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const loadavg = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);

interface Store {
  db: Db;
  env: Record<string, string>;
  pg?: { url: string; schema: string };
  drop: () => Promise<void>;
}

/** Opens the level's store: emptied, or with `reuse` as a previous `--keep` run left it (`kept` says whether one was there). */
async function openStore(backend: string, level: number, reuse: boolean): Promise<Store & { kept: boolean }> {
  if (backend === "postgres") {
    const schema = `bench_api_${level}`;
    const kept = reuse && (await schemaHasItems(schema));
    if (!kept) await dropPostgresSchema(PG_URL, schema);
    const db = await createPostgresDb(PG_URL, { schema });
    return { db, kept, env: { BENCH_BACKEND: "postgres", BENCH_PG_URL: PG_URL, BENCH_PG_SCHEMA: schema }, pg: { url: PG_URL, schema }, drop: () => dropPostgresSchema(PG_URL, schema) };
  }
  const file = path.join(os.tmpdir(), `shuquan-bench-api-${level}.sqlite`);
  const kept = reuse && fs.existsSync(file);
  if (!kept) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  const db = createSqliteDb(file);
  return { db, kept, env: { BENCH_BACKEND: "sqlite", BENCH_SQLITE_FILE: file }, drop: async () => void [file, `${file}-wal`, `${file}-shm`].forEach((f) => fs.rmSync(f, { force: true })) };
}

async function schemaHasItems(schema: string): Promise<boolean> {
  const db = await createPostgresDb(PG_URL, { max: 1 });
  try {
    const r = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = 'evidence_items'", [schema]);
    return Number(r?.n ?? 0) > 0;
  } finally {
    await db.close();
  }
}

/**
 * A kept store (`--reuse`) brought to the current code: the migrations it lacks applied, then the statistics refreshed.
 * Its rows are the fill's; the fill's figures are the run's that filled it.
 */
async function refreshKept(db: Db, backend: string, level: number): Promise<FillResult & Record<string, unknown>> {
  const prior = fs.existsSync(RESULTS_JSON) ? (JSON.parse(fs.readFileSync(RESULTS_JSON, "utf8")) as { runs?: Record<string, unknown>[] }).runs ?? [] : [];
  const before = prior.find((x) => x.backend === backend && x.level === level);
  const t0 = performance.now();
  const applied = await migrate(db);
  const migrateSeconds = (performance.now() - t0) / 1000;
  const td = performance.now();
  await rebuildDerived(db);
  const derivedSeconds = (performance.now() - td) / 1000;
  // a PostgreSQL store loaded before the fill used COPY FREEZE: vacuumed once, to the all-visible state a FREEZE load
  // (and autovacuum on a live store) leaves, so that the first readers do not set hint bits while they are measured
  let vacuumSeconds: number | undefined;
  if (db.dialect === "postgres") {
    const vis = await db.get<{ pages: number; visible: number }>("SELECT relpages AS pages, relallvisible AS visible FROM pg_class WHERE oid = to_regclass('evidence_items')");
    if (vis && Number(vis.visible) < 0.99 * Number(vis.pages)) {
      const tv = performance.now();
      await db.exec(`VACUUM ${[...EVENT_TABLES, "current_holders", "linked_trades", "trade_days", "price_days", "activity_days"].join(", ")}`);
      vacuumSeconds = (performance.now() - tv) / 1000;
      log(`  vacuumed (loaded without FREEZE): ${vacuumSeconds.toFixed(1)} s`);
    }
  }
  const t1 = performance.now();
  await refreshStatistics(db);
  const statisticsSeconds = (performance.now() - t1) / 1000;
  log(`  reused the kept store: migrations ${JSON.stringify(applied)} in ${migrateSeconds.toFixed(1)} s, derived tables ${derivedSeconds.toFixed(1)} s, statistics ${statisticsSeconds.toFixed(1)} s`);
  const fill = (before?.fill ?? {}) as FillResult & Record<string, unknown>;
  return { ...fill, reusedFrom: String(fill.reusedFrom ?? before?.at ?? "?"), reuseMigrations: applied, reuseMigrateSeconds: migrateSeconds, derivedSeconds, ...(vacuumSeconds !== undefined ? { reuseVacuumSeconds: vacuumSeconds } : {}), reuseStatisticsSeconds: statisticsSeconds };
}

/** The transaction hash of the synthetic market's block `n` (its events' tx_hash). */
const syntheticTxHash = (block: number): string => `0x${createHash("sha256").update(`tx:${block}`).digest("hex")}`;

/** The endpoints measured: name → paths (round robin). Later pages are added after the first pages are known. */
function endpoints(sample: string[], assetCount: number): Record<string, string[]> {
  const hot = syntheticAssetId(0);
  const assets = Array.from({ length: 50 }, (_, i) => syntheticAssetId(1 + ((i * 7919) % (assetCount - 1))));
  const m = Array.from({ length: 20 }, (_, i) => syntheticMerchant(i * 7));
  const x = syntheticExchange(1);
  const digests = sample.map((l) => l.split(" ")[0] as string);
  const roots = [...new Set(sample.map((l) => l.split(" ")[1] as string))].slice(0, 50);
  return {
    "GET /v1/evidence/items/{digest}": digests.map((d) => `/v1/evidence/items/${d}`),
    "GET /v1/trades": ["/v1/trades"],
    "GET /v1/trades?exchange=": [`/v1/trades?exchange=${x}`],
    "GET /v1/trades?seller=": m.map((a) => `/v1/trades?seller=${a}`),
    "GET /v1/trades?party=": m.map((a) => `/v1/trades?party=${a}`),
    "GET /v1/trades?asset= (hot asset)": [`/v1/trades?asset=${hot}`],
    "GET /v1/trades?venue=": ["/v1/trades?venue=off-exchange"],
    "GET /v1/trades?right=": ["/v1/trades?right=processing"],
    "GET /v1/trades?linked=true": ["/v1/trades?linked=true"],
    "GET /v1/trades/{id}": ["/v1/trades?limit=1"],
    "GET /v1/assets": ["/v1/assets"],
    "GET /v1/assets?kind=": ["/v1/assets?kind=product"],
    "GET /v1/assets?holder=": m.map((a) => `/v1/assets?holder=${a}`),
    "GET /v1/assets?status=frozen": ["/v1/assets?status=frozen"],
    "GET /v1/assets/{id}": assets.map((a) => `/v1/assets/${a}`),
    "GET /v1/assets/{id}/provenance (hot asset)": [`/v1/assets/${hot}/provenance?depth=1`],
    "GET /v1/assets/{id}/provenance": assets.map((a) => `/v1/assets/${a}/provenance?depth=1`),
    "GET /v1/assets/{id}/provenance/trades (hot)": [`/v1/assets/${hot}/provenance/trades`],
    "GET /v1/assets/{id}/provenance/licences (hot)": [`/v1/assets/${hot}/provenance/licences`],
    "GET /v1/assets/{id}/provenance/holders (hot)": [`/v1/assets/${hot}/provenance/holders`],
    "GET /v1/assets/{id}/provenance/evidence (hot)": [`/v1/assets/${hot}/provenance/evidence`],
    "GET /v1/assets/{id}/rights": assets.map((a) => `/v1/assets/${a}/rights`),
    "GET /v1/assets/{id}/lineage": assets.map((a) => `/v1/assets/${a}/lineage`),
    "GET /v1/evidence/batches/{root}/items": roots.map((r) => `/v1/evidence/batches/${r}/items`),
    "GET /v1/pledges": ["/v1/pledges"],
    "GET /v1/merchants": ["/v1/merchants"],
    "GET /v1/exchanges/{x}/recognitions": [`/v1/exchanges/${x}/recognitions`],
    "GET /v1/accounts/{a}/licences": m.slice(0, 5).map((a) => `/v1/accounts/${a}/licences`),
    "GET /v1/search?q= (asset id)": assets.map((a) => `/v1/search?q=${a}`),
    "GET /v1/search?q= (merchant)": m.map((a) => `/v1/search?q=${a}`),
    "GET /v1/search?q= (tx hash)": Array.from({ length: 20 }, (_, i) => `/v1/search?q=${syntheticTxHash(1 + ((i * 97) % 2000))}`),
    "GET /v1/exchanges": ["/v1/exchanges"],
    "GET /v1/merchants?exchange=": [`/v1/merchants?exchange=${x}`],
    "GET /v1/evidence/batches/{root}": roots.map((r) => `/v1/evidence/batches/${r}`),
    "GET /v1/assets/{id}/status-history": assets.map((a) => `/v1/assets/${a}/status-history`),
    // lists whose tables the synthetic market leaves empty (regulated use, lifecycle, consent): their plans are in
    // the query-plan test; measured here so that every list endpoint has a figure
    "GET /v1/receipts (empty)": ["/v1/receipts"],
    "GET /v1/receipts/batches (empty)": ["/v1/receipts/batches"],
    "GET /v1/violations (empty)": ["/v1/violations"],
    "GET /v1/assessments (empty)": ["/v1/assessments"],
    "GET /v1/assessors (empty)": ["/v1/assessors"],
    "GET /v1/cross-border-trades (empty)": ["/v1/cross-border-trades"],
    "GET /v1/consent-events (empty)": ["/v1/consent-events"],
    "GET /v1/objections (empty)": ["/v1/objections"],
    "GET /v1/stats/activity (aggregate)": ["/v1/stats/activity"],
    "GET /v1/stats/prices (aggregate)": ["/v1/stats/prices?groupBy=exchange"],
  };
}

/** Later pages: the 20th page of each list that has one (a keyset cursor: it should cost what the first does). */
const DEEP = [
  "GET /v1/trades", "GET /v1/trades?exchange=", "GET /v1/trades?asset= (hot asset)", "GET /v1/assets", "GET /v1/assets/{id}/provenance/trades (hot)",
  "GET /v1/assets/{id}/provenance/licences (hot)", "GET /v1/assets/{id}/provenance/evidence (hot)",
];

async function getJson(base: string, p: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    http.get(`${base}${p}`, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> }));
    }).on("error", reject);
  });
}

async function deepPage(base: string, first: string, pages: number): Promise<string | null> {
  let cursor: string | null = null;
  for (let i = 1; i < pages; i++) {
    const r = await getJson(base, `${first}${cursor ? `${first.includes("?") ? "&" : "?"}cursor=${cursor}` : ""}`);
    cursor = ((r.body.page as { nextCursor?: string | null } | undefined)?.nextCursor ?? null) as string | null;
    if (!cursor) return null;
  }
  return `${first}${first.includes("?") ? "&" : "?"}cursor=${cursor}`;
}

function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TS, path.join(__dirname, script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout!.on("data", (d: Buffer) => {
      const m = /LISTENING (\d+)/.exec(d.toString());
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.on("exit", (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function hit(base: string, paths: string[], connections: number, seconds: number): Promise<Record<string, unknown>> {
  const file = path.join(os.tmpdir(), `shuquan-bench-paths-${process.pid}.txt`);
  fs.writeFileSync(file, paths.join("\n") + "\n");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TS, path.join(__dirname, "hit.ts"), base, file, String(connections), String(seconds), String(WARMUP)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, unknown>) : reject(new Error(`hit.ts exited ${code}`))));
  });
}

/** EXPLAIN of every statement each endpoint runs, by endpoint (in-process API over a recording store). */
async function explainAll(db: Db, status: Parameters<typeof createApi>[0]["indexerStatus"], eps: Record<string, string[]>): Promise<Record<string, string[]>> {
  const seen: { sql: string; params: readonly SqlValue[] }[] = [];
  const rec: ReadDb = {
    dialect: db.dialect,
    all: (sql, params = []) => (seen.push({ sql, params }), db.all(sql, params)),
    get: (sql, params = []) => (seen.push({ sql, params }), db.get(sql, params)),
  };
  const app = createApi({ db: rec, indexerStatus: status, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const out: Record<string, string[]> = {};
  try {
    for (const [name, paths] of Object.entries(eps)) {
      if (name.startsWith("GET /v1/evidence/items")) continue; // the lean path: explained as the floor's read below
      seen.length = 0;
      await getJson(base, paths[0] as string);
      const plans: string[] = [];
      for (const s of seen) {
        if (/ WHERE 1 = 0$/.test(s.sql)) continue;
        plans.push(await explain(db, s.sql, s.params));
      }
      out[name] = [...new Set(plans)];
    }
    out["GET /v1/evidence/items/{digest}"] = [
      await explain(db, "SELECT * FROM evidence_items i WHERE i.item_digest = ? ORDER BY i.chain_id, i.block_number, i.log_index, i.leaf_index LIMIT 100", ["0x00"]),
      await explain(db, "SELECT * FROM evidence_batches b WHERE b.chain_id = ? AND b.block_number = ? AND b.log_index = ?", [SYNTHETIC_CHAIN, 1, 0]),
    ];
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return out;
}

async function explain(db: Db, sql: string, params: readonly SqlValue[]): Promise<string> {
  const short = sql.replace(/\s+/g, " ").slice(0, 160);
  if (db.dialect === "sqlite") {
    const rows = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
    return `${short}\n    ${rows.map((r) => r.detail).join("\n    ")}`;
  }
  let i = 0;
  const inlined = sql.replace(/\?/g, () => {
    const v = params[i++];
    return v === null || v === undefined ? "NULL" : typeof v === "string" ? `'${v.replace(/'/g, "''")}'` : String(v);
  });
  const rows = await db.all<{ "QUERY PLAN": string }>(`EXPLAIN ${inlined}`);
  return `${short}\n    ${rows.map((r) => r["QUERY PLAN"]).join("\n    ")}`;
}

/** Index names a plan text mentions. */
function indexesIn(plans: string[]): string[] {
  const names = new Set<string>();
  for (const p of plans) for (const m of p.matchAll(/(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/g)) names.add(m[1] as string);
  return [...names];
}

async function runLevel(backend: string, level: number): Promise<Record<string, unknown>> {
  log(`${backend} ${level.toLocaleString("en")} items, ${Math.min(level, 1e6).toLocaleString("en")} trades: fill`);
  const loadBefore = loadavg();
  const store = await openStore(backend, level, REUSE);
  const sampleFile = path.join(os.tmpdir(), `shuquan-bench-sample-${backend}-${level}.txt`);
  const filled: FillResult & Record<string, unknown> =
    store.kept && fs.existsSync(sampleFile)
      ? await refreshKept(store.db, backend, level)
      : { ...(await fillStore(store.db, {
          items: level, trades: Math.min(level, 1_000_000), workers: WORKERS, sampleFile, sampleSize: 20_000, ...(store.pg ? { pg: store.pg } : {}), log,
        })) };
  const loadAfterFill = loadavg();
  if (FILL_ONLY) {
    await store.db.close();
    return { backend, level, items: level, trades: Math.min(level, 1_000_000), at: new Date().toISOString(), loadBefore, loadAfterFill, loadAfter: loadAfterFill, fill: filled, results: [], plans: {} };
  }
  const shape = marketShape({ trades: Math.min(level, 1_000_000), items: 0 });
  const sample = fs.readFileSync(sampleFile, "utf8").split("\n").filter(Boolean);
  const eps = endpoints(sample, shape.assets);
  const last = 10_000_000;
  const status = () => ({ chains: [{ chainId: SYNTHETIC_CHAIN, indexedBlock: last, chainHead: last + 12, confirmations: 12, finalizedBlock: last, indexedBlockTime: 1_800_000_000, lastProgressAt: Date.now(), eventsPerSecond: 0 }] });
  log("  explain");
  const plans = await explainAll(store.db, status, eps);
  await store.db.close();
  const api = await startChild("server.ts", { ...store.env, BENCH_LAST_BLOCK: String(last) });
  const floor = await startChild("floor.ts", store.env);
  const results: Record<string, unknown>[] = [];
  try {
    // the trade for GET /v1/trades/{id}: any trade id
    const anyTrade = ((await getJson(api.base, "/v1/trades?limit=1")).body.data as { tradeId: string }[])[0]!.tradeId;
    eps["GET /v1/trades/{id}"] = [`/v1/trades/${anyTrade}`];
    for (const name of DEEP) {
      const deep = await deepPage(api.base, eps[name]![0]!, 20);
      if (deep) eps[`${name} (page 20)`] = [deep];
    }
    for (const [name, paths] of Object.entries(eps)) {
      const lookup = name.startsWith("GET /v1/evidence/items");
      const conns = lookup ? [1, 8] : [1];
      for (const c of conns) {
        const r = await hit(api.base, paths, c, lookup ? LOOKUP_SECONDS : SECONDS);
        results.push({ endpoint: name, connections: c, load: loadavg(), ...r });
        log(`  ${name} c=${c}: p50 ${String(r.p50)} p99 ${String(r.p99)} ms, ${String(r.rate)}/s ${JSON.stringify(r.statuses)}`);
      }
      if (lookup) {
        const r = await hit(floor.base, paths, 8, LOOKUP_SECONDS);
        results.push({ endpoint: "floor: bare node:http, same indexed read", connections: 8, load: loadavg(), ...r });
        log(`  floor c=8: p50 ${String(r.p50)} p99 ${String(r.p99)} ms, ${String(r.rate)}/s`);
      }
    }
  } finally {
    await stopChild(api.child);
    await stopChild(floor.child);
    if (!KEEP && !REUSE) await store.drop();
  }
  return {
    backend, level, items: level, trades: shape.trades, assets: shape.assets, hotAssetTrades: shape.hotTrades,
    at: new Date().toISOString(), loadBefore, loadAfterFill, loadAfter: loadavg(), fill: filled, results, plans,
  };
}

function render(runs: Record<string, unknown>[]): string {
  const out: string[] = [
    "# API at scale: lists, reports, search and the evidence lookup",
    "",
    `Updated ${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"} · Node ${process.version}. Method: docs/benchmarks-api.md;`,
    "code: bench/api/scale.ts. Latency in ms, client side (separate process, keep-alive, closed loop). `load` is the 1-minute load",
    "average of the shared 2-core machine when the endpoint's run ended (other engineers build and test on it).",
    "",
    `Targets: every list/report page p99 ≤ ${PAGE_P99_MS} ms at 1M trades / 10M items, within 1.5× of 10k; evidence lookup p99 ≤ ${LOOKUP_P99_MS} ms at 8`,
    `connections and ≥ ${FLOOR_SHARE * 100} % of the floor's rate. \`p99/limit\` is each p99 as a ratio to its limit, measured in the same run.`,
    "",
  ];
  for (const backend of ["sqlite", "postgres"]) {
    const mine = runs.filter((r) => r.backend === backend).sort((a, b) => Number(a.level) - Number(b.level));
    if (mine.length === 0) continue;
    out.push(`## ${backend}`, "");
    for (const r of mine) {
      const f = r.fill as Record<string, number>;
      const reused = (r.fill as Record<string, unknown>).reusedFrom;
      out.push(
        `- ${Number(r.items).toLocaleString("en")} items, ${Number(r.trades).toLocaleString("en")} trades (hot asset ${Number(r.hotAssetTrades).toLocaleString("en")} trades), ` +
          `filled in ${Math.round(f.totalSeconds ?? 0)} s (market ${Math.round(f.marketSeconds ?? 0)} s, evidence ${Math.round(f.evidenceSeconds ?? 0)} s, indexes ${Math.round(f.indexSeconds ?? 0)} s, ` +
          `${f.derivedSeconds !== undefined ? `derived tables ${Math.round(f.derivedSeconds)} s${reused ? " (after the reuse)" : ""}, ` : ""}` +
          `statistics ${Math.round(f.statisticsSeconds ?? 0)} s${Number(r.items) >= 10_000_000 ? `; ratio to the ${FILL_LIMIT_S / 60}-minute limit ${((f.totalSeconds ?? 0) / FILL_LIMIT_S).toFixed(2)}` : ""}); ` +
          `${f.crossChecked ? `${Number(f.crossChecked).toLocaleString("en")} items equal checkManifest's rows, ${String(f.verified)} sampled items verify against their root; ` : ""}` +
          `${reused ? `store kept from the fill of ${String(reused)}, migrations ${JSON.stringify((r.fill as Record<string, unknown>).reuseMigrations)} applied to it${f.reuseVacuumSeconds !== undefined ? `, vacuumed in ${Math.round(f.reuseVacuumSeconds)} s (loaded before COPY FREEZE)` : ""}; ` : ""}` +
          `load ${JSON.stringify(r.loadBefore)} before → ${JSON.stringify(r.loadAfterFill ?? "?")} after the fill → ${JSON.stringify(r.loadAfter)} after the run; ${String(r.at)}`,
      );
    }
    out.push("");
    const names = [...new Set(mine.flatMap((r) => (r.results as Record<string, unknown>[]).map((x) => `${String(x.endpoint)}|${String(x.connections)}`)))];
    out.push(`| endpoint | conn | ${mine.map((r) => `${Number(r.items).toLocaleString("en")}: p50 / p99 / rate / load`).join(" | ")} | largest p99 / 10k p99 (÷ 1.5) | p99/limit |`);
    out.push(`| --- | ---: | ${mine.map(() => "---").join(" | ")} | ---: | ---: |`);
    for (const key of names) {
      const [endpoint, conn] = key.split("|") as [string, string];
      const cells = mine.map((r) => (r.results as Record<string, unknown>[]).find((x) => x.endpoint === endpoint && String(x.connections) === conn));
      const first = cells[0]?.p99 as number | undefined;
      const lastCell = [...cells].reverse().find(Boolean);
      const lastP99 = lastCell?.p99 as number | undefined;
      const lookup = endpoint.startsWith("GET /v1/evidence/items") && conn === "8";
      const floor = endpoint.startsWith("floor");
      const limit = lookup ? LOOKUP_P99_MS : PAGE_P99_MS;
      const aggregate = endpoint.includes("(aggregate)");
      out.push(
        `| ${endpoint} | ${conn} | ${cells.map((c) => (c ? `${String(c.p50)} / ${String(c.p99)} / ${String(c.rate)}/s / ${(c.load as number[])[0]}` : "–")).join(" | ")} | ${
          first && lastP99 && cells.length > 1 ? `${(lastP99 / first).toFixed(2)} (${(lastP99 / first / 1.5).toFixed(2)})` : "–"
        } | ${floor || aggregate || lastP99 === undefined ? "–" : (lastP99 / limit).toFixed(2)} |`,
      );
    }
    out.push("");
    for (const r of mine) {
      const rs = r.results as Record<string, unknown>[];
      const api8 = rs.find((x) => String(x.endpoint).startsWith("GET /v1/evidence/items") && x.connections === 8);
      const fl = rs.find((x) => String(x.endpoint).startsWith("floor"));
      if (api8 && fl) {
        out.push(
          `Lookup at ${Number(r.items).toLocaleString("en")} items: ${String(api8.rate)}/s vs floor ${String(fl.rate)}/s = ${((Number(api8.rate) / Number(fl.rate)) * 100).toFixed(0)} % of the floor ` +
            `(target ≥ ${FLOOR_SHARE * 100} %: ratio to limit ${(FLOOR_SHARE / (Number(api8.rate) / Number(fl.rate))).toFixed(2)}); p99 ${String(api8.p99)} ms vs floor ${String(fl.p99)} ms.`,
          "",
        );
      }
    }
    const largest = mine[mine.length - 1]!;
    out.push(`### Indexes each endpoint's statements use (${Number(largest.items).toLocaleString("en")} items; full EXPLAIN output in api.json \`plans\`)`, "");
    out.push("| endpoint | indexes in its plans |", "| --- | --- |");
    for (const [name, plans] of Object.entries(largest.plans as Record<string, string[]>)) out.push(`| ${name} | ${indexesIn(plans).join(", ") || "(primary key / small table)"} |`);
    out.push("");
  }
  return out.join("\n");
}

async function main(): Promise<void> {
  for (const backend of BACKENDS) {
    for (const level of LEVELS) {
      const r = await runLevel(backend, level);
      // read again just before writing: another invocation (another level) may have written meanwhile
      const prior = fs.existsSync(RESULTS_JSON) ? (JSON.parse(fs.readFileSync(RESULTS_JSON, "utf8")) as { runs?: Record<string, unknown>[] }).runs ?? [] : [];
      const runs = [...prior.filter((x) => !(x.backend === backend && x.level === level)), r];
      fs.writeFileSync(RESULTS_JSON, JSON.stringify({ runs }, null, 2) + "\n");
      fs.writeFileSync(RESULTS_MD, render(runs));
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
