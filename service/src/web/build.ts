/**
 * Builds the web page (service/web, Vite) when its build is missing or older than its sources, so `npm start` always
 * serves the page its checkout describes. A production install ships the build and no Vite: then a missing build is
 * an error that says how to make one, and a present one is served as it is.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { installRoot } from "../paths";

/** The installation root (the clone, or the built install: dist/ keeps the page where the sources put it). */
const ROOT = installRoot();
/** Sources of the page. */
export const WEB_SOURCE = path.join(ROOT, "service", "web");
/** Where `npm run build:web` writes the page. */
export const WEB_DIST = path.join(WEB_SOURCE, "dist");

// What the bundle is made from, besides service/web itself: the digest code it shares with the CLI, the compiled
// interfaces' ABIs, and the locked dependencies.
const INPUTS = [
  WEB_SOURCE,
  path.join(ROOT, "service", "src", "digest"),
  path.join(ROOT, "artifacts", "contracts", "interfaces"),
  path.join(ROOT, "package-lock.json"),
];

function newestMtime(p: string, skip: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) {
    const child = path.join(p, e);
    if (child !== skip) newest = Math.max(newest, newestMtime(child, skip));
  }
  return newest;
}

/**
 * Why the build in `dist` must be (re)made — "no build yet", or "sources changed since the last build" when a file
 * under `inputs` (the build itself excepted) is newer than its index.html — or null when it is current.
 */
export function webBuildStaleness(dist = WEB_DIST, inputs: readonly string[] = INPUTS): string | null {
  const built = fs.statSync(path.join(dist, "index.html"), { throwIfNoEntry: false });
  if (!built) return "no build yet";
  const newest = Math.max(...inputs.map((i) => newestMtime(i, dist)));
  return newest > built.mtimeMs ? "sources changed since the last build" : null;
}

/** Minimal logger (pino's fits). */
interface BuildLogger {
  info(obj: object, msg?: string): void;
}

/** Vite's command-line entry, from its package.json (its `exports` need not list the bin file). */
export function viteBin(): string {
  const manifest = require.resolve("vite/package.json", { paths: [ROOT] });
  const { bin } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { bin?: string | Record<string, string> };
  const entry = typeof bin === "string" ? bin : bin?.vite;
  if (!entry) throw new Error("vite's package.json names no command");
  return path.join(path.dirname(manifest), entry);
}

/**
 * Makes sure service/web/dist is current: runs `vite build` when it is missing or stale. Returns the directory.
 * @throws when the build fails, or is missing and Vite is not installed
 */
export async function ensureWebBuild(logger?: BuildLogger): Promise<string> {
  const why = webBuildStaleness();
  if (!why) return WEB_DIST;
  let vite: string;
  try {
    vite = viteBin();
  } catch {
    if (why !== "no build yet") return WEB_DIST; // an installed build without its tool chain: serve what was shipped
    throw new Error("the web page is not built and Vite is not installed: run `npm ci && npm run build:web`");
  }
  logger?.info({ reason: why }, "building the web page");
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: WEB_SOURCE, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`building the web page failed (vite exited ${code})`))));
  });
  logger?.info({ ms: Date.now() - started, dir: WEB_DIST }, "web page built");
  return WEB_DIST;
}
