/**
 * Web page benchmark, driving headless Chromium (playwright-core, Debian's /usr/bin/chromium):
 *  1. first load — compressed JavaScript transferred for the home page before any lazily loaded part (graph,
 *     charts, hashing), as the browser received it from the service (gzip by the API process), target ≤ 250 KB;
 *  2. an asset page whose lineage has 200 other assets within the page's 5 levels and 1,000 trades — time from
 *     navigation start (cold: new browser context, nothing cached) until the graph shows every node, the trades
 *     table every row and the timeline is drawn, target < 1 s.
 * The data set is written straight into an SQLite store (the indexer's own insert path) and served by createApi
 * with the built page, in this process. Figures go to bench/results/web.md and web.json with the load average.
 *
 *   node -r ts-node/register/transpile-only bench/web/run.ts [--runs 7]
 */
import { keccak256, toUtf8Bytes } from "ethers";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { createApi } from "../../service/src/api";
import { formatAssetId, formatRegistrationNumber, sha256Hex, tradeIdOf } from "../../service/src/digest";
import { createSqliteDb, insertRows, migrate, type Db, type SqlValue } from "../../service/src/store";
import { ensureWebBuild } from "../../service/src/web";

const ROOT = path.resolve(__dirname, "../..");
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1] || 7);
const CHAIN = 31337;
const T0 = 1767225600; // 2026-01-01
const EX_A = "0x96553b790c5ee9d21f2fbcb46d5347b90927d4a9";
const EX_B = "0xd3f4526d35c6c4b69303624055c1522118cb2ece";
const addr = (n: number): string => `0x${(0x1000 + n).toString(16).padStart(40, "0")}`;

/** Writes the data set; returns the asset whose page is measured and the lineage size. */
async function populate(db: Db): Promise<{ target: string; nodes: number; trades: number }> {
  const rows = new Map<string, Record<string, SqlValue>[]>();
  let block = 1;
  let log = 0;
  const row = (table: string, values: Record<string, SqlValue>, newBlock = true): void => {
    if (newBlock) (block++, (log = 0));
    else log++;
    const list = rows.get(table) ?? [];
    list.push({ chain_id: CHAIN, contract: "0x0000000000000000000000000000000000001002", block_number: block, log_index: log, tx_hash: keccak256(toUtf8Bytes(`tx ${block} ${log}`)), block_time: T0 + block * 600, ...values });
    rows.set(table, list);
  };
  row("exchanges", { exchange: EX_A, code: "SHDE", name: "Shanghai Data Exchange", regulator: addr(0) });
  row("exchanges", { exchange: EX_B, code: "GZDE", name: "Guiyang Global Big Data Exchange", regulator: addr(0) });
  let seq = 0;
  const asset = (label: string, holder: string, parents: string[]): string => {
    const id = formatAssetId(BigInt(sha256Hex(label)));
    seq++;
    const kind = parents.length ? "product" : "resource";
    row("assets", {
      asset_id: id, holder, exchange: EX_A, exchange_code: "SHDE", sequence: seq, kind, source: "enterprise", level: "general",
      metadata_digest: sha256Hex(`meta ${label}`), metadata_cid: "bafkreibench", consent_digest: null,
      registration_number: formatRegistrationNumber({ exchangeCode: "SHDE", registeredAt: T0 + (block + 1) * 600, kind, source: "enterprise", sequence: seq }),
      parent_count: parents.length,
    });
    parents.forEach((p, i) => row("asset_parents", { asset_id: id, parent_id: p, position: i }, false));
    row("holdings", { asset_id: id, from_address: `0x${"0".repeat(40)}`, to_address: holder, trade_id: null, kind: "mint" }, false);
    return id;
  };
  const holder = addr(1);
  // ancestors: 5 levels (22 at each of levels 5..2, 10 at level 1), each with 2 parents one level up
  let level: string[] = Array.from({ length: 22 }, (_, i) => asset(`up5-${i}`, holder, []));
  for (let k = 4; k >= 1; k--) {
    const n = k === 1 ? 10 : 22;
    const prev = level;
    level = Array.from({ length: n }, (_, i) => asset(`up${k}-${i}`, holder, [prev[i % prev.length]!, prev[(i + 7) % prev.length]!]));
  }
  const target = asset("the measured asset", holder, level);
  // descendants: 10 at level 1, then 23 at each of levels 2..5, each made from 1-2 assets one level down
  let down = [target];
  for (let k = 1; k <= 5; k++) {
    const n = k === 1 ? 10 : 23;
    const prev = down;
    down = Array.from({ length: n }, (_, i) => asset(`down${k}-${i}`, holder, k === 1 ? [target] : [prev[i % prev.length]!, prev[(i + 3) % prev.length]!].filter((v, j, a) => a.indexOf(v) === j)));
  }
  // 1,000 trades of the measured asset: processing licences to many buyers, every tenth off-exchange and confidential, linked
  for (let i = 1; i <= 1000; i++) {
    const ex = i % 10 === 0 ? EX_B : EX_A;
    const id = formatAssetId(tradeIdOf(ex, i));
    const confidential = i % 10 === 0;
    row("trades", {
      trade_id: id, asset_id: target, exchange: ex, seller: holder, buyer: addr(100 + (i % 300)), right: "processing", licence_id: null,
      price: confidential ? null : String(10_000 + i * 37), currency: confidential ? null : "CNY",
      price_commitment: confidential ? sha256Hex(`price ${i}`) : null, confidential: confidential ? 1 : 0,
      contract_digest: sha256Hex(`contract ${i}`), venue: confidential ? "off_exchange" : "on_exchange",
      linked_trade_id: confidential ? formatAssetId(tradeIdOf(EX_A, i - 1)) : null,
    });
  }
  for (const [table, list] of rows) await insertRows(db, table, list);
  await db.run(
    "INSERT INTO checkpoints (chain_id, block_number, block_hash, block_time, head_block, finalized_block, confirmations, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [CHAIN, block, keccak256(toUtf8Bytes("head")), T0 + block * 600, block, block, 0, Date.now()],
  );
  const nodes = Number((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM assets"))!.n);
  return { target, nodes, trades: 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const webRoot = await ensureWebBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-web-bench-"));
  const db = createSqliteDb(path.join(dir, "bench.sqlite"));
  await migrate(db);
  const data = await populate(db);
  const head = Number((await db.get<{ b: number }>("SELECT block_number AS b FROM checkpoints"))!.b);
  const status = { chains: [{ chainId: CHAIN, indexedBlock: head, chainHead: head, confirmations: 0, lastProgressAt: Date.now(), eventsPerSecond: 0, indexedBlockTime: T0 + head * 600 }] };
  const quiet = { info: () => undefined, warn: () => undefined, error: (o: object) => console.error(o) };
  const app = createApi({ db, indexerStatus: () => status, logger: quiet, webRoot, publicChains: [] });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--disable-sync"],
  });
  const load = os.loadavg().map((l) => Number(l.toFixed(2)));

  // 1. first load: JS transferred for the home page (nothing lazy is needed there)
  const ctx1 = await browser.newContext();
  const p1 = await ctx1.newPage();
  const js: { url: string; transferred: number; decoded: number }[] = [];
  p1.on("requestfinished", async (req) => {
    if (req.resourceType() !== "script") return;
    const sizes = await req.sizes();
    const body = await (await req.response())!.body();
    js.push({ url: new URL(req.url()).pathname, transferred: sizes.responseBodySize, decoded: body.length });
  });
  await p1.goto(base + "/", { waitUntil: "networkidle" });
  await p1.waitForTimeout(300);
  await ctx1.close();
  const firstLoadKB = js.reduce((n, f) => n + f.transferred, 0) / 1024;

  // 2. the asset page, cold, RUNS times
  const times: number[] = [];
  const apiTimes: number[] = [];
  let shown = { nodes: 0, rows: 0 };
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await ctx.newPage();
    await p.goto(`${base}/asset/${data.target}`);
    await p.waitForFunction(
      ([nodes, trades]) =>
        document.querySelectorAll(".graph a.node").length >= nodes && document.querySelectorAll("[data-testid=trade-row]").length >= trades && document.querySelector("[data-testid=timeline]") !== null,
      [data.nodes, data.trades] as const,
      { timeout: 30_000, polling: "raf" },
    );
    times.push(await p.evaluate(() => performance.now()));
    apiTimes.push(
      await p.evaluate(() =>
        Math.max(...performance.getEntriesByType("resource").filter((e) => e.name.includes("/v1/assets/")).map((e) => (e as PerformanceResourceTiming).responseEnd)),
      ),
    );
    shown = await p.evaluate(() => ({ nodes: document.querySelectorAll(".graph a.node").length, rows: document.querySelectorAll("[data-testid=trade-row]").length }));
    await ctx.close();
  }
  await browser.close();
  server.close();
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const result = {
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.cpus()[0]?.model ?? "?"}`,
    loadAverage: load,
    firstLoad: { jsTransferredKB: Number(firstLoadKB.toFixed(1)), limitKB: 250, ratio: Number((firstLoadKB / 250).toFixed(3)), files: js },
    assetPage: {
      lineageNodes: shown.nodes,
      tradeRows: shown.rows,
      runs: RUNS,
      renderMs: { median: Math.round(median(times)), max: Math.round(Math.max(...times)), all: times.map(Math.round) },
      lastApiResponseMs: { median: Math.round(median(apiTimes)), max: Math.round(Math.max(...apiTimes)) },
      limitMs: 1000,
      ratio: Number((median(times) / 1000).toFixed(3)),
    },
  };
  fs.mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "bench/results/web.json"), JSON.stringify(result, null, 2) + "\n");
  const md = `# Web page benchmark

\`node -r ts-node/register/transpile-only bench/web/run.ts\` — headless Chromium (playwright-core, Debian's chromium) against
createApi serving the built page over an SQLite store written for the purpose. Measured ${result.measuredAt} on ${result.machine};
load average ${load.join(" / ")} (1 / 5 / 15 min) — a shared machine, figures are noisy.

| figure | measured | limit | ratio |
| --- | --- | --- | --- |
| first load: compressed JavaScript before lazy parts (home page) | ${result.firstLoad.jsTransferredKB} KB | 250 KB | ${result.firstLoad.ratio} |
| asset page, ${shown.nodes - 1} lineage assets + the asset, ${shown.rows} trades: navigation start → graph, trades table and timeline drawn (median of ${RUNS} cold loads) | ${result.assetPage.renderMs.median} ms (max ${result.assetPage.renderMs.max}) | 1000 ms | ${result.assetPage.ratio} |

First-load scripts (transferred / decoded bytes): ${js.map((f) => `\`${f.url}\` ${f.transferred} / ${f.decoded}`).join(", ")}.
The asset page also loads the lazy graph chunk; its API answers (provenance, lineage graph) had all arrived by ${result.assetPage.lastApiResponseMs.median} ms (median).
Every run: ${result.assetPage.renderMs.all.join(", ")} ms.
`;
  fs.writeFileSync(path.join(ROOT, "bench/results/web.md"), md);
  process.stdout.write(md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
