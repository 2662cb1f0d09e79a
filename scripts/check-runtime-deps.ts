/**
 * Runtime imports only runtime dependencies: walks the compiled build (dist/, from `npm run build`) from its entry
 * points — the service, the CLI, the deploy script — through every relative require, and checks that each package
 * it requires is listed in package.json `dependencies` (a pruned production install has nothing else).
 *
 * Exceptions are explicit: code that runs only in the development install (the embedded chain of `npm start`,
 * `npx hardhat run`) may name a development dependency, and must say so here.
 *
 *   npm run build && npm run check:runtime-deps
 */
import { builtinModules } from "node:module";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const ENTRY_POINTS = ["service/src/main.js", "service/src/cli/main.js", "scripts/deploy.js"];
/** Development-only requires, by compiled file (relative to dist/). */
const DEV_ONLY: Record<string, string[]> = {
  "scripts/deploy.js": ["hardhat"], // only under `npx hardhat run`
};

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
const runtime = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.js`, `${base}.json`, path.join(base, "index.js")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const packageOf = (spec: string): string => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);

const problems: string[] = [];
const seen = new Set<string>();
const queue = ENTRY_POINTS.map((e) => path.join(DIST, e));
for (const e of queue) if (!existsSync(e)) problems.push(`entry point ${path.relative(ROOT, e)} is missing: run npm run build`);
while (queue.length > 0) {
  const file = queue.pop()!;
  if (seen.has(file) || !existsSync(file)) continue;
  seen.add(file);
  if (!file.endsWith(".js")) continue;
  const text = readFileSync(file, "utf8");
  const rel = path.relative(DIST, file);
  for (const m of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
    const spec = m[1]!;
    if (spec.startsWith(".")) {
      const target = resolveRelative(file, spec);
      if (!target) problems.push(`${rel}: cannot resolve ${spec}`);
      else queue.push(target);
    } else if (!builtins.has(spec)) {
      const name = packageOf(spec);
      if (!runtime.has(name) && !(DEV_ONLY[rel] ?? []).includes(name)) problems.push(`${rel}: requires ${name}, which is not a runtime dependency`);
    }
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(`runtime deps: ${p}`);
  process.exit(1);
}
console.log(`runtime deps: ${seen.size} compiled files reachable from ${ENTRY_POINTS.join(", ")} require only dependencies (${[...runtime].join(", ")})`);
