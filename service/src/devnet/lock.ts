/**
 * One embedded instance per data directory: two would run two chains over one state file and one index. The lock
 * file names its holder with its start time, so a lock left by a process that died — even when its pid has since
 * been reused by another program — is taken over, with one log line, instead of refusing to start.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Logger } from "../logger";
import { formatIdentity, parseIdentity, processCommandLine, selfIdentity, stillRunning } from "./process-identity";

/** Another live instance holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(readonly pid: number, dataDir: string) {
    super(`another Shuquan instance (pid ${pid}) is using DATA_DIR ${dataDir}: stop it, or start this one with another DATA_DIR`);
    this.name = "DataDirLockedError";
  }
}

/** Locks `dataDir` for this process; returns the release function. */
export function lockDataDir(dataDir: string, logger: Logger): () => void {
  const file = path.join(dataDir, "shuquan.lock");
  const release = () => {
    try {
      const held = parseIdentity(fs.readFileSync(file, "utf8"));
      if (held?.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      /* already gone */
    }
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, formatIdentity(selfIdentity()), { flag: "wx" });
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue; // released meanwhile: try again
    }
    const held = parseIdentity(text);
    // A bare-pid record (older versions) carries no start time: judge it by whether that pid runs Shuquan.
    const alive = held !== undefined && stillRunning(held) && (held.startTime !== null || looksLikeShuquan(held.pid));
    if (held && alive) throw new DataDirLockedError(held.pid, dataDir);
    logger.warn(
      `taking over ${file}: its holder${held ? ` (pid ${held.pid})` : ""} is gone${held && held.startTime !== null ? " (that pid now belongs to another process or none)" : ""}`,
    );
    fs.rmSync(file, { force: true });
  }
  throw new Error(`cannot lock ${file}`);
}

function looksLikeShuquan(pid: number): boolean {
  const cmd = processCommandLine(pid);
  return cmd === null || /shuquan|service\/src\/main|dist\/service/.test(cmd);
}
