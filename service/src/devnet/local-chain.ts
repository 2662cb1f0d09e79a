/**
 * The embedded chain of `npm start`: a Hardhat node in a child process, ready when it answers eth_chainId.
 * It starts empty every time; `main.ts` starts the index fresh with it so the two never disagree.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Where and how to run the local chain. */
export interface StartLocalChainParameters {
  /** Repository root (where node_modules/.bin/hardhat lives). */
  root: string;
  host: string;
  port: number;
  /** The node's own output goes here (it logs every transaction). */
  logFile: string;
  /** How long to wait for the node to answer. Default 60 s. */
  timeoutMs?: number;
}

/** A running local chain. */
export interface LocalChain {
  url: string;
  chainId: number;
  /** Stops the node and waits for it to exit. */
  stop(): Promise<void>;
  /** Calls `listener` if the node exits without `stop()` (it crashed or was killed). */
  onUnexpectedExit(listener: (code: number | null, signal: string | null) => void): void;
}

async function rpcChainId(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number(BigInt(body.result)) : undefined;
  } catch {
    return undefined;
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts `hardhat node` (the binary itself, not `npx`, so that killing it stops the server) and waits until it
 * answers. Fails clearly when something else already listens on the port.
 */
export async function startLocalChain(p: StartLocalChainParameters): Promise<LocalChain> {
  const url = `http://${p.host}:${p.port}`;
  if ((await rpcChainId(url)) !== undefined) {
    throw new Error(
      `something already answers JSON-RPC at ${url}: stop it, or choose another port with CHAIN_PORT, ` +
        `or index it instead with RPC_URL=${url} DEPLOYMENT=<deployments file>`,
    );
  }
  fs.mkdirSync(path.dirname(p.logFile), { recursive: true });
  const log = fs.openSync(p.logFile, "w");
  const bin = path.join(p.root, "node_modules", ".bin", "hardhat");
  const child = spawn(bin, ["node", "--hostname", p.host, "--port", String(p.port)], {
    cwd: p.root,
    stdio: ["ignore", log, log],
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
  });
  fs.closeSync(log);
  let exited = false;
  let stopping = false;
  const listeners: ((code: number | null, signal: string | null) => void)[] = [];
  child.once("exit", (code, signal) => {
    exited = true;
    if (!stopping) for (const l of listeners) l(code, signal);
  });

  const deadline = Date.now() + (p.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`the local chain exited during start-up; see ${p.logFile}`);
    const chainId = await rpcChainId(url);
    if (chainId !== undefined) {
      return {
        url,
        chainId,
        async stop() {
          stopping = true;
          child.kill("SIGTERM");
          await waitForExit(child, 5000);
        },
        onUnexpectedExit(listener) {
          listeners.push(listener);
        },
      };
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the local chain did not answer at ${url} within ${(p.timeoutMs ?? 60_000) / 1000} s; see ${p.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
