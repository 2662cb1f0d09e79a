/**
 * Web page benchmark, driving headless Chromium (playwright-core, Debian's /usr/bin/chromium):
 *  1. first load — compressed JavaScript transferred for the home page before any lazily loaded part (graph,
 *     charts, hashing), as the browser received it from the service (gzip by the API process), target ≤ 250 KB;
 *  2. an asset page whose lineage has 200 other assets within the page's 5 levels and 1,000 trades — time from
 *     navigation start (cold: new browser context, nothing cached) until the graph shows every node, the timeline
 *     is drawn and the trades table its first page with the control to show all, target < 1 s; wall time, and the
 *     CPU time of the page's main thread (Chrome's ThreadTime metric), which a busy shared machine inflates less;
 *     then the time to show all 1,000 rows.
 * The data set (dataset.ts) is written straight into an SQLite store (the indexer's own insert path) and served by
 * createApi with the built page in a child process (serve.ts). Figures go to bench/results/web.md and web.json with the load average.
 *
 *   node -r ts-node/register/transpile-only bench/web/run.ts [--runs 7]
 */
import { populate } from "./dataset";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type CDPSession } from "playwright-core";
import { createSqliteDb, migrate } from "../../service/src/store";
import { ensureWebBuild } from "../../service/src/web";

const ROOT = path.resolve(__dirname, "../..");
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1] || 7);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await ensureWebBuild();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-web-bench-"));
  const dbFile = path.join(dir, "bench.sqlite");
  const db = createSqliteDb(dbFile);
  await migrate(db);
  const data = await populate(db);
  const head = Number((await db.get<{ b: number }>("SELECT block_number AS b FROM checkpoints"))!.b);
  await db.close();
  const port = 46000 + Math.floor(Math.random() * 900);
  const server = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "serve.ts"), dbFile, String(port), String(head)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on("data", (b: Buffer) => b.toString().includes("ready") && resolve());
    server.once("exit", (code) => reject(new Error(`the API process exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const lineage = (await (await fetch(`${base}/v1/assets/${data.target}/lineage?depth=5`)).json()) as { data: { nodes: unknown[] } };
  data.nodes = lineage.data.nodes.length;
  if (data.nodes !== 201) throw new Error(`the data set should put 200 assets within 5 levels of the target, not ${data.nodes - 1}`);
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

  // 2. the asset page, cold, RUNS times: ready = every graph node, the timeline, the first page of trades and the
  //    control to show them all; then "show all" until every one of the 1,000 rows is in the page
  const ready: number[] = [];
  const readyCpu: number[] = [];
  const all: number[] = [];
  const allCpu: number[] = [];
  const apiTimes: number[] = [];
  const layoutTimes: number[] = [];
  let shown = { nodes: 0, rows: 0, firstRows: 0 };
  const cpu = async (c: CDPSession): Promise<number> =>
    ((await c.send("Performance.getMetrics")).metrics.find((m) => m.name === "ThreadTime")?.value ?? NaN) * 1000;
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await ctx.newPage();
    const c = await ctx.newCDPSession(p);
    await c.send("Performance.enable", { timeDomain: "threadTicks" });
    await p.goto(`${base}/asset/${data.target}`);
    await p.waitForFunction(
      (nodes) =>
        document.querySelectorAll(".graph a.node").length >= nodes &&
        document.querySelectorAll("[data-testid=trade-row]").length > 0 &&
        document.querySelector("[data-testid=more-trades]") !== null &&
        document.querySelector("[data-testid=timeline]") !== null,
      data.nodes,
      { timeout: 60_000, polling: "raf" },
    );
    ready.push(await p.evaluate(() => performance.now()));
    readyCpu.push(await cpu(c));
    shown.firstRows = await p.locator("[data-testid=trade-row]").count();
    if (process.env.BENCH_DEBUG)
      console.log(
        await p.evaluate(() =>
          performance.getEntriesByType("resource").map((e) => { const r = e as PerformanceResourceTiming; return `${r.name.replace(/^https?:\/\/[^/]+/, "").slice(0, 50)} start ${Math.round(r.startTime)} ttfb ${Math.round(r.responseStart)} end ${Math.round(r.responseEnd)}`; }).join("\n"),
        ),
      );
    layoutTimes.push(await p.evaluate(() => performance.getEntriesByName("lineage-layout")[0]?.duration ?? NaN));
    apiTimes.push(
      await p.evaluate(() =>
        Math.max(...performance.getEntriesByType("resource").filter((e) => e.name.includes("/v1/assets/")).map((e) => (e as PerformanceResourceTiming).responseEnd)),
      ),
    );
    const cpuBefore = await cpu(c);
    const t0 = await p.evaluate(() => performance.now());
    // the report carries the first page of trades; the trades section's cursor brings the next pages, and the table
    // shows every row it holds on "Show all"
    const next = p.locator("[data-testid=more-trades]:not([disabled])");
    while (await next.count()) {
      await Promise.all([p.waitForResponse((r) => r.url().includes("/provenance/trades")), next.click()]);
      await p.waitForFunction(() => document.querySelector("[data-testid=more-trades][disabled]") === null, undefined, { timeout: 60_000, polling: "raf" });
    }
    await p.getByRole("button", { name: /^Show all/ }).click();
    await p.waitForFunction((n) => document.querySelectorAll("[data-testid=trade-row]").length >= n, data.trades, { timeout: 60_000, polling: "raf" });
    all.push((await p.evaluate(() => performance.now())) - t0);
    allCpu.push((await cpu(c)) - cpuBefore);
    shown = { ...shown, ...(await p.evaluate(() => ({ nodes: document.querySelectorAll(".graph a.node").length, rows: document.querySelectorAll("[data-testid=trade-row]").length }))) };
    await ctx.close();
  }
  await browser.close();
  server.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });

  const result = {
    measuredAt: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.cpus()[0]?.model ?? "?"}`,
    loadAverage: load,
    firstLoad: { jsTransferredKB: Number(firstLoadKB.toFixed(1)), limitKB: 250, ratio: Number((firstLoadKB / 250).toFixed(3)), files: js },
    assetPage: {
      lineageNodes: shown.nodes,
      tradeRows: shown.rows,
      firstPageRows: shown.firstRows,
      runs: RUNS,
      readyMs: { median: Math.round(median(ready)), max: Math.round(Math.max(...ready)), all: ready.map(Math.round) },
      readyMainThreadCpuMs: { median: Math.round(median(readyCpu)), max: Math.round(Math.max(...readyCpu)) },
      showAllMs: { median: Math.round(median(all)), max: Math.round(Math.max(...all)) },
      showAllMainThreadCpuMs: { median: Math.round(median(allCpu)), max: Math.round(Math.max(...allCpu)) },
      lastApiResponseMs: { median: Math.round(median(apiTimes)), max: Math.round(Math.max(...apiTimes)) },
      graphLayoutMs: { median: Math.round(median(layoutTimes)), max: Math.round(Math.max(...layoutTimes)) },
      limitMs: 1000,
      ratio: Number((median(ready) / 1000).toFixed(3)),
      cpuRatio: Number((median(readyCpu) / 1000).toFixed(3)),
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
| asset page (${shown.nodes - 1} lineage assets + the asset, 1,000 trades), cold load: navigation start → every graph node, the timeline and the first ${shown.firstRows} trades drawn — wall time, median of ${RUNS} | ${result.assetPage.readyMs.median} ms (max ${result.assetPage.readyMs.max}) | 1000 ms | ${result.assetPage.ratio} |
| the same, CPU time of the page's main thread (what the page itself costs, whatever else the machine runs) | ${result.assetPage.readyMainThreadCpuMs.median} ms (max ${result.assetPage.readyMainThreadCpuMs.max}) | 1000 ms | ${result.assetPage.cpuRatio} |
| then "Show all": all ${shown.rows} trade rows in the page — wall / main-thread CPU, median | ${result.assetPage.showAllMs.median} ms / ${result.assetPage.showAllMainThreadCpuMs.median} ms | — | — |

First-load scripts (transferred / decoded bytes): ${js.map((f) => `\`${f.url}\` ${f.transferred} / ${f.decoded}`).join(", ")}.
The asset page also loads the lazy graph chunk (fetched while its data is on the way); its API answers (provenance
with the first page of each section, the lineage graph, the metadata) had all arrived by ${result.assetPage.lastApiResponseMs.median} ms (median); the graph's
layout (dagre, longest-path ranking, in a Web Worker beside the main thread) took ${result.assetPage.graphLayoutMs.median} ms (median). The trades table shows ${shown.firstRows} rows and grows
on request (the trades section's next pages, then "Show all"): all 1,000 rows are ~45,000 DOM nodes, which cost seconds.
The API runs in its own process (\`bench/web/serve.ts\`); browser and API share the machine's 2 cores.
Wall times of every run: ${result.assetPage.readyMs.all.join(", ")} ms.
`;
  fs.writeFileSync(path.join(ROOT, "bench/results/web.md"), md);
  process.stdout.write(md);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
