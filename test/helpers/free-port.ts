import { createServer } from "node:net";

const handedOut = new Set<number>();

/**
 * A free TCP port on 127.0.0.1, never the same twice in this process. Chosen below Linux's ephemeral range
 * (32768+), where the local ends of outgoing connections would otherwise take it between the check and its use.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
}
