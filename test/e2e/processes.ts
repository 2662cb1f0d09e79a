/**
 * Child processes for the end-to-end tests: started detached (own process group, so a whole `npm start` tree can
 * be stopped), output captured, waits bounded in time.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** A started process with its captured output. */
export interface Started {
  proc: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects when the process exits first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Resolves with the exit code (null after a signal) once the process has exited. */
  exited(ms?: number): Promise<number | null>;
  /** SIGINT to the group, then SIGKILL after `graceMs`; waits for the exit. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to this process only (its children, e.g. the chain, stay). */
  killHard(): void;
}

/** Starts `command args` detached, with `env`, in `cwd`. */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Started {
  const proc = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  proc.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  let code: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => proc.once("exit", (c) => resolve((code = c))));
  const exited = async (ms = 60_000) =>
    Promise.race([exit, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`process did not exit within ${ms} ms:\n${out.slice(-3000)}`)), ms).unref())]);
  return {
    proc,
    output: () => out,
    async waitFor(pattern, ms = 180_000) {
      const deadline = Date.now() + ms;
      while (!pattern.test(out)) {
        if (code !== undefined) throw new Error(`process exited (${code}) before ${pattern}:\n${out.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    exited,
    async stop(graceMs = 15_000) {
      if (code !== undefined || proc.pid === undefined) return;
      try {
        process.kill(-proc.pid, "SIGINT");
      } catch {
        return;
      }
      const done = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
      if (!done) {
        try {
          process.kill(-proc.pid, "SIGKILL");
        } catch {
          /* gone */
        }
        await exit;
      }
    },
    killHard() {
      if (proc.pid !== undefined) process.kill(proc.pid, "SIGKILL");
    },
  };
}

/** GET a JSON document. */
export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls `fn` until it returns a value (not undefined), or throws after `ms`. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
