/**
 * Start-up checks that fail fast with one clear line, before anything is started: the API port is free, the
 * database answers, the chain answers with the expected chain id.
 */
import { createServer } from "node:net";

/** A start-up check failed: the message is the one line the operator sees. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/** Rejects when `host:port` cannot be listened on (taken by another program, or not allowed). */
export async function assertPortFree(host: string, port: number, what = "PORT"): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (e: NodeJS.ErrnoException) => {
      const why =
        e.code === "EADDRINUSE" ? "is already in use by another program" : e.code === "EACCES" ? "needs privileges to listen on" : `cannot be listened on (${e.code ?? e.message})`;
      reject(new StartupError(`${host}:${port} ${why}: stop that program, or choose another ${what}`));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** A database URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
