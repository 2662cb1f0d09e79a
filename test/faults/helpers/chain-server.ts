/** Serves a {@link FakeChain} over HTTP JSON-RPC (single calls and batches), for indexers in child processes. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeChain } from "../../helpers/fake-chain";

/** A listening chain server. */
export interface ChainServer {
  url: string;
  close(): Promise<void>;
}

interface Call {
  id: number;
  method: string;
  params?: unknown[];
}

/** Starts serving `chain` on 127.0.0.1 (a free port). */
export async function serveChain(chain: FakeChain): Promise<ChainServer> {
  const one = async (c: Call): Promise<object> => {
    try {
      return { jsonrpc: "2.0", id: c.id, result: await chain.transport.request(c.method, c.params ?? []) };
    } catch (e) {
      const err = e as { code?: number; message: string };
      return { jsonrpc: "2.0", id: c.id, error: { code: err.code ?? -32603, message: err.message } };
    }
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Call | Call[];
        const out = Array.isArray(parsed) ? await Promise.all(parsed.map(one)) : await one(parsed);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(out));
      })();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
