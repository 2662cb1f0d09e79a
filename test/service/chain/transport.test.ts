import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpTransport } from "../../../service/src/chain/transport";
import { createRpc } from "../../../service/src/chain/rpc";
import { LogRangeTooLargeError, RetryableError, RpcResponseError } from "../../../service/src/errors";

type Req = { id: number; method: string; params: unknown[] };

/** A JSON-RPC server whose answers a test scripts. */
async function serve(handler: (body: Req | Req[], res: http.ServerResponse) => void): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => handler(JSON.parse(b) as Req | Req[], res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
const json = (res: http.ServerResponse, body: unknown, status = 200): void => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
}

describe("chain/transport and chain/rpc over HTTP", () => {
  it("should match batch answers by id, whatever their order", async () => {
    const s = await serve((body, res) => json(res, (body as Req[]).map((r) => ({ jsonrpc: "2.0", id: r.id, result: r.params[0] })).reverse()));
    const t = createHttpTransport(s.url, { maxBatchSize: 2 });
    expect(await t.batch([1, 2, 3].map((n) => ({ method: "echo", params: [n] })))).to.deep.equal([1, 2, 3]);
    s.close();
  });

  it("should send the parts of a split batch a few at once, and keep the results in call order", async () => {
    let inFlight = 0;
    let most = 0;
    const s = await serve((body, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      const reqs = body as Req[];
      // the first part answers last
      setTimeout(() => {
        inFlight--;
        json(res, reqs.map((r) => ({ jsonrpc: "2.0", id: r.id, result: r.params[0] })));
      }, reqs[0].params[0] === 0 ? 60 : 10);
    });
    const t = createHttpTransport(s.url, { maxBatchSize: 10, parallelBatches: 3 });
    const n = [...Array(95).keys()];
    expect(await t.batch(n.map((k) => ({ method: "echo", params: [k] })))).to.deep.equal(n);
    expect(most).to.equal(3);
    s.close();
  });

  for (const declared of [true, false]) {
    it(`should read a large answer whole ${declared ? "with" : "without"} a declared length, split anywhere, multi-byte text included`, async () => {
      // ~3 MB of results, with text whose UTF-8 bytes the pieces below cut in the middle
      const result = Array.from({ length: 12_000 }, (_, i) => ({ n: i, hash: "0x" + i.toString(16).padStart(64, "0"), name: `数权 ${i} 数据资产` }));
      const s = await serve((body, res) => {
        const bytes = Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: (body as Req).id, result }));
        res.writeHead(200, { "content-type": "application/json", ...(declared ? { "content-length": bytes.length } : {}) });
        let at = 0;
        const next = (): void => {
          if (at >= bytes.length) return void res.end();
          const piece = 40_001 + (at % 7); // odd sizes: pieces end inside multi-byte characters
          res.write(bytes.subarray(at, at + piece));
          at += piece;
          setImmediate(next);
        };
        next();
      });
      const t = createHttpTransport(s.url);
      const expected = JSON.stringify(result); // (chai's deep equality takes seconds over 12,000 objects)
      expect(JSON.stringify(await t.request("big", []))).to.equal(expected);
      // twice over one kept-alive connection: the second answer is read as whole as the first
      expect(JSON.stringify(await t.request("big", []))).to.equal(expected);
      s.close();
    });
  }

  it("should refuse an answer cut short of its declared length as retryable", async () => {
    const s = await serve((body, res) => {
      const bytes = Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: (body as Req).id, result: "x".repeat(100_000) }));
      res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length });
      res.write(bytes.subarray(0, 50_000));
      setTimeout(() => res.destroy(), 20);
    });
    const t = createHttpTransport(s.url);
    expect(await failure(t.request("cut", []))).to.be.instanceOf(RetryableError);
    s.close();
  });

  it("should classify HTTP 429/5xx as retryable and JSON-RPC errors as RpcResponseError", async () => {
    let status = 429;
    const s = await serve((body, res) => (status === 200 ? json(res, { jsonrpc: "2.0", id: (body as Req).id, error: { code: -32601, message: "no such method" } }) : json(res, "busy", status)));
    const t = createHttpTransport(s.url);
    expect(await failure(t.request("x", []))).to.be.instanceOf(RetryableError);
    status = 503;
    expect(await failure(t.request("x", []))).to.be.instanceOf(RetryableError);
    status = 200;
    const e = await failure(t.request("x", []));
    expect(e).to.be.instanceOf(RpcResponseError);
    expect((e as RpcResponseError).code).to.equal(-32601);
    s.close();
  });

  it("should treat an unreachable node as retryable", async () => {
    const t = createHttpTransport("http://127.0.0.1:9", { timeoutMs: 2000 });
    expect(await failure(t.request("eth_blockNumber", []))).to.be.instanceOf(RetryableError);
  });

  it("should retry transient faults with backoff, then succeed", async () => {
    let calls = 0;
    const s = await serve((body, res) => (++calls < 3 ? json(res, "overloaded", 502) : json(res, { jsonrpc: "2.0", id: (body as Req).id, result: "0x10" })));
    const delays: number[] = [];
    const rpc = createRpc(createHttpTransport(s.url), { baseDelayMs: 20, onRetry: (_e, _a, d) => delays.push(d) });
    expect(await rpc.eth_blockNumber()).to.equal(16);
    expect(calls).to.equal(3);
    expect(delays[1]).to.be.greaterThan(delays[0]); // exponential
    s.close();
  });

  for (const [label, error] of [
    ["geth -32005", { code: -32005, message: "query returned more than 10000 results" }],
    ["Alchemy size", { code: -32602, message: "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range" }],
    ["block range", { code: -32000, message: "block range is too wide" }],
  ] as const) {
    it(`should turn a too-large log query (${label}) into LogRangeTooLargeError without retrying it`, async () => {
      let calls = 0;
      const s = await serve((body, res) => {
        calls++;
        json(res, { jsonrpc: "2.0", id: (body as Req).id, error });
      });
      const rpc = createRpc(createHttpTransport(s.url), { baseDelayMs: 1 });
      expect(await failure(rpc.eth_getLogs(["0x" + "11".repeat(20)], 0, 100))).to.be.instanceOf(LogRangeTooLargeError);
      expect(calls).to.equal(1);
      s.close();
    });
  }
});
