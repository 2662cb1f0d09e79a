import fs from "node:fs";

/**
 * Peak RSS of this process in MB (VmHWM). Not getrusage's maxRSS: on Linux that keeps the parent's peak across
 * fork + exec, so a child spawned by a 150 MB parent reports at least 150 MB.
 */
export function peakRssMB(): number {
  try {
    const m = /VmHWM:\s*(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (m) return Math.round(Number(m[1]) / 1024);
  } catch {
    /* not Linux */
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
