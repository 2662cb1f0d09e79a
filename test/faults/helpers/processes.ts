/** Spawning the fault suite's child indexer and watching it. */
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";

const CHILD = path.join(__dirname, "child-indexer.ts");

/** A running child and how it ended. */
export interface Child {
  child: ChildProcess;
  /** Resolves when the process exits. */
  done: Promise<{ code: number | null; signal: string | null; out: string; err: string }>;
  readonly out: string;
  readonly err: string;
}

/** Spawns the child indexer with `env`. */
export function spawnIndexer(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD], {
    env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (err += c));
  const done = new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal, out, err })),
  );
  return {
    child,
    done,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}
