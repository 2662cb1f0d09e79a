/**
 * A production install made as an operator makes it — `npm ci && npm run build && npm prune --omit=dev` — in a
 * temporary copy of the repository, so that the working tree keeps its development install. The copy's
 * node_modules are hard links of this one's (what `npm ci` installed from the same lockfile; `npm prune` only
 * unlinks), its hidden lockfile a real copy (npm rewrites it). SHUQUAN_PRUNED_INSTALL names a ready one instead.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" }, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${(r.stdout + r.stderr).slice(-4000)}`);
}

/** The folder of a pruned production install (made once per process). */
export function prunedInstall(): { dir: string; made: boolean } {
  if (process.env.SHUQUAN_PRUNED_INSTALL) return { dir: process.env.SHUQUAN_PRUNED_INSTALL, made: false };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-prod-"));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  // the compiled contracts come along so that build:contracts has nothing to recompile (it checks them)
  for (const d of ["artifacts", "cache", "typechain-types"]) {
    if (fs.existsSync(path.join(ROOT, d))) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
  }
  run("cp", ["-al", path.join(ROOT, "node_modules"), path.join(dir, "node_modules")], ROOT);
  fs.rmSync(path.join(dir, "node_modules", ".cache"), { recursive: true, force: true });
  const hidden = path.join(dir, "node_modules", ".package-lock.json");
  if (fs.existsSync(hidden)) {
    const text = fs.readFileSync(hidden);
    fs.rmSync(hidden);
    fs.writeFileSync(hidden, text); // a file of its own: npm prune rewrites it
  }
  run("npm", ["run", "build"], dir);
  run("npm", ["prune", "--omit=dev"], dir);
  return { dir, made: true };
}
