/**
 * The web page's test bench: `npm start -- --demo` as a separate process with its own DATA_DIR, PORT and CHAIN_PORT
 * (as a newcomer would run it), headless Chromium driven by playwright-core, the `shuquan` CLI for writes, and
 * axe-core injected into the page. Kept small so it follows whatever `npm start` becomes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { freePort } from "../helpers/free-port";

export const ROOT = path.resolve(__dirname, "..", "..");
/** Debian's Chromium (`apt-get install -y chromium`); CHROMIUM_PATH overrides. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A running demo service. */
export interface Service {
  apiUrl: string;
  chainUrl: string;
  dataDir: string;
  work: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Starts `npm start -- --demo` and resolves once its banner is printed. */
export async function startDemo(): Promise<Service> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-web-data-"));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-web-work-"));
  const [apiPort, chainPort] = [await freePort(), await freePort()];
  const { DATABASE_URL: _d, RPC_URL: _r, DEPLOYMENT: _p, PUBLIC_RPC_URL: _u, CORS_ORIGINS: _c, ...inherited } = process.env;
  const env = { ...inherited, DATA_DIR: dataDir, PORT: String(apiPort), CHAIN_PORT: String(chainPort), LOG_LEVEL: "warn" };
  const child: ChildProcess = spawn("npm", ["start", "--", "--demo"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const deadline = Date.now() + 280_000;
  while (!out.includes("Shuquan is running.")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      kill(child);
      throw new Error(`npm start -- --demo did not come up:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    apiUrl,
    chainUrl: `http://127.0.0.1:${chainPort}`,
    dataDir,
    work,
    env,
    async stop() {
      kill(child, "SIGINT");
      await new Promise((r) => setTimeout(r, 2000));
      kill(child, "SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    if (child.pid) process.kill(-child.pid, signal); // the whole group: npm, node, the chain
  } catch {
    /* gone already */
  }
}

/** Runs the CLI against the service (`--json`), with an optional key. */
export function cli(s: Service, args: string[], key?: string): { status: number | null; json: Record<string, unknown>; stderr: string } {
  const env = { ...s.env, RPC_URL: s.chainUrl, SHUQUAN_API_URL: s.apiUrl, ...(key ? { SHUQUAN_PRIVATE_KEY: key } : {}) };
  const r = spawnSync("npx", ["shuquan", "--json", "--quiet", ...args], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    /* the caller's assertion on status says what went wrong */
  }
  return { status: r.status, json, stderr: r.stderr };
}

/** Launches headless Chromium. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh page (its own storage), collecting uncaught page errors. */
export async function newPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: "en-US", timezoneId: "Asia/Shanghai" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, errors };
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
}
