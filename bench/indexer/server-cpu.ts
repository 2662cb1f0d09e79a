import fs from "node:fs";

/**
 * CPU seconds used so far by the PostgreSQL server on this machine: every process named `postgres` (postmaster,
 * backends, WAL writer, checkpointer…), its own time and that of its children already reaped. NaN when none is
 * visible (a remote server, or not Linux). Read it before and after a window in which the run's connections stay open.
 */
export function postgresServerCpuSeconds(): number {
  let ticks = 0;
  let seen = false;
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return NaN;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) !== "postgres") continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]); // utime stime cutime cstime
      seen = true;
    } catch {
      // the process ended while /proc was read
    }
  }
  return seen ? ticks / 100 : NaN; // clock ticks of 10 ms
}
