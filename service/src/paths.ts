/**
 * Where Shuquan keeps its local data when DATA_DIR does not say: `data/` in the installation (the folder holding
 * Shuquan's package.json: the clone, or the built install), never the current folder of whoever runs a command.
 * The service and the CLI resolve it the same way, so what one stores the other finds.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

let root: string | undefined;

/** The installation root: the nearest folder above this file whose package.json is Shuquan's. */
export function installRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "shuquan") return (root = dir);
      } catch {
        /* not ours: keep looking */
      }
    }
    dir = path.dirname(dir);
  }
  return (root = path.resolve(__dirname, "..", ".."));
}

/** The data directory: `value` (DATA_DIR or --data-dir) resolved against the current folder, else `<install>/data`. */
export function resolveDataDir(value: string | undefined): string {
  const v = value?.trim();
  return v ? path.resolve(v) : path.join(installRoot(), "data");
}
