/**
 * Telling a live process from a reused pid: a pid alone names a process only while it lives, so lock and pid files
 * record the process's start time beside it (Linux: /proc/<pid>/stat field 22, in clock ticks since boot).
 */
import { readFileSync } from "node:fs";

/** A process as recorded in a lock or pid file. */
export interface ProcessIdentity {
  pid: number;
  /** Start time from /proc, or null where the platform does not tell. */
  startTime: string | null;
}

/** True while a process with `pid` exists (it may be another program that reused the pid). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The start time of `pid`, or null when unknown (no /proc, or no such process). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null; // field 22 overall
  } catch {
    return null;
  }
}

/** This process's identity. */
export function selfIdentity(): ProcessIdentity {
  return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/** The command line of `pid` (Linux), or null. */
export function processCommandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return null;
  }
}

/**
 * True when the recorded process still runs: the pid is alive and, where start times are known, it started when
 * the record says (so a pid reused by another program does not count).
 */
export function stillRunning(recorded: ProcessIdentity): boolean {
  if (!pidAlive(recorded.pid)) return false;
  if (recorded.startTime === null) return true;
  const now = processStartTime(recorded.pid);
  return now === null || now === recorded.startTime;
}

/** Parses a record written by {@link formatIdentity} (or a bare pid, as older lock files hold). */
export function parseIdentity(text: string): ProcessIdentity | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { pid: Number(t), startTime: null };
  try {
    const o = JSON.parse(t) as { pid?: unknown; startTime?: unknown };
    if (typeof o.pid !== "number") return undefined;
    return { pid: o.pid, startTime: typeof o.startTime === "string" ? o.startTime : null };
  } catch {
    return undefined;
  }
}

/** The text of a record. */
export function formatIdentity(id: ProcessIdentity, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...id, ...extra }) + "\n";
}
