/**
 * A throwaway PostgreSQL cluster the fault suite starts itself (initdb + pg_ctl from the Debian postgresql
 * install), on its own port and data directory under /tmp, so that it can be stopped and started at will without
 * touching the shared server at 5432. As root, the binaries run as the `postgres` user (initdb refuses root).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";

/** A cluster and its controls. */
export interface PgCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  start(): void;
  /** `fast` (what a restart does: sessions terminated) or `immediate` (a crash: no shutdown checkpoint). */
  stop(mode: "fast" | "immediate"): void;
  /** Stops it and removes its directory. */
  remove(): void;
}

/** The directory of the newest installed PostgreSQL's server binaries, or undefined. */
export function pgBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], "bin") : undefined;
}

/** Creates and starts a cluster on `port`. */
export function createPgCluster(port: number): PgCluster {
  const bin = pgBinDir();
  if (!bin) throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql");
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-faults-pg-"));
  const data = path.join(dir, "data");
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  const run = (tool: string, args: string[]): void => {
    const file = path.join(bin, tool);
    if (asRoot) execFileSync("runuser", ["-u", "postgres", "--", file, ...args], { stdio: "pipe" });
    else execFileSync(file, args, { stdio: "pipe" });
  };
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => run("pg_ctl", ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"]),
    stop: (mode) => run("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]),
    remove() {
      try {
        cluster.stop("immediate");
      } catch {
        // not running
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
