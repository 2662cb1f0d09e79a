/**
 * A JSON-RPC fault proxy in front of a node: passes calls through, or (at a rate) answers with a fault the way real
 * nodes and networks do — HTTP/JSON-RPC errors, connection resets, hangs past the client's time limit, truncated
 * JSON, eth_getLogs answered with an empty list, a node lagging behind (head and blocks `lag` blocks back), or a
 * node that is down (connections refused).
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type FaultMode = "none" | "errors" | "resets" | "timeouts" | "truncated" | "empty-logs" | "lagging" | "down";

/** The proxy and its dials. */
export interface FaultProxy {
  url: string;
  /** Sets the fault and the share of requests it hits (1: every one); `lag` for `lagging`. */
  set(mode: FaultMode, rate?: number, lag?: number): Promise<void>;
  /** Requests seen and faults injected, by mode. */
  readonly requests: number;
  readonly injected: Record<FaultMode, number>;
  close(): Promise<void>;
}

interface Call {
  id: number;
  method: string;
  params?: unknown[];
}

const hex = (n: number): string => "0x" + n.toString(16);

/** Starts a proxy to `upstream` on 127.0.0.1 (a free port, kept across `down` spells). */
export async function startFaultProxy(upstream: string, options: { hangMs?: number } = {}): Promise<FaultProxy> {
  let mode: FaultMode = "none";
  let rate = 1;
  let lag = 30;
  let requests = 0;
  const injected = Object.fromEntries(["none", "errors", "resets", "timeouts", "truncated", "empty-logs", "lagging", "down"].map((m) => [m, 0])) as Record<FaultMode, number>;
  const sockets = new Set<Socket>();

  const post = async (body: unknown): Promise<unknown> => {
    const r = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return r.json();
  };
  const upstreamHead = async (): Promise<number> => Number(((await post({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] })) as { result: string }).result);

  /** A lagging node: its head is `lag` back and it has no block above it. */
  const lagged = async (calls: Call[], answers: { id: number; result?: unknown }[]): Promise<void> => {
    const top = (await upstreamHead()) - lag;
    calls.forEach((c, i) => {
      const a = answers[i];
      if (c.method === "eth_blockNumber") a.result = hex(Math.max(0, top));
      else if ((c.method === "eth_getBlockByNumber" || c.method === "eth_getBlockReceipts") && Number(c.params?.[0]) > top) a.result = null;
      else if (c.method === "eth_getLogs" && Array.isArray(a.result)) a.result = (a.result as { blockNumber: string }[]).filter((l) => Number(l.blockNumber) <= top);
    });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> => {
    requests++;
    const hit = mode !== "none" && Math.random() < rate;
    const parsed = JSON.parse(raw) as Call | Call[];
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    if (hit && mode === "errors") {
      injected.errors++;
      if (Math.random() < 0.5) {
        res.statusCode = 503;
        res.end("upstream busy");
      } else {
        res.setHeader("content-type", "application/json");
        const err = (c: Call) => ({ jsonrpc: "2.0", id: c.id, error: { code: -32603, message: "internal error" } });
        res.end(JSON.stringify(Array.isArray(parsed) ? calls.map(err) : err(calls[0])));
      }
      return;
    }
    if (hit && mode === "resets") {
      injected.resets++;
      req.socket.destroy();
      return;
    }
    if (hit && mode === "timeouts") {
      injected.timeouts++;
      setTimeout(() => req.socket.destroy(), options.hangMs ?? 3000);
      return;
    }
    let answer = (await post(parsed)) as { id: number; result?: unknown } | { id: number; result?: unknown }[];
    const answers = Array.isArray(answer) ? answer : [answer];
    if (hit && mode === "empty-logs" && calls.some((c) => c.method === "eth_getLogs")) {
      injected["empty-logs"]++;
      calls.forEach((c, i) => {
        if (c.method === "eth_getLogs") answers[i].result = [];
      });
    }
    if (hit && mode === "lagging") {
      injected.lagging++;
      await lagged(calls, answers);
    }
    answer = Array.isArray(answer) ? answers : answers[0];
    const text = JSON.stringify(answer);
    res.setHeader("content-type", "application/json");
    if (hit && mode === "truncated") {
      injected.truncated++;
      res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    }
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch(() => req.socket.destroy());
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  let listening = true;

  const stopListening = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  const listen = async (): Promise<void> => {
    if (listening) return;
    await new Promise<void>((r, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.removeListener("error", reject);
        r();
      });
    });
    listening = true;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    async set(m, r = 1, l = 30) {
      mode = m;
      rate = r;
      lag = l;
      if (m === "down") {
        injected.down++;
        await stopListening();
      } else await listen();
    },
    get requests() {
      return requests;
    },
    injected,
    async close() {
      await stopListening();
    },
  };
}
