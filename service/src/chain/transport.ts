/**
 * JSON-RPC transports: plain `fetch` over HTTP (with JSON-RPC batches) or an EIP-1193 provider (e.g. Hardhat's
 * in-process `hre.network.provider`). Both classify faults: network errors, HTTP 429/5xx and timeouts are
 * {@link RetryableError}s; a JSON-RPC error object becomes an {@link RpcResponseError}.
 */
import { isAscii } from "node:buffer";
import http from "node:http";
import https from "node:https";
import { RetryableError, RpcResponseError } from "../errors";

/** One JSON-RPC call. */
export interface RpcCall {
  method: string;
  params: readonly unknown[];
}

/** Sends JSON-RPC calls to one node. */
export interface Transport {
  /** One call; resolves to `result`. */
  request<T = unknown>(method: string, params: readonly unknown[]): Promise<T>;
  /** Several calls in one round trip where the transport can; results in order. Throws on the first error. */
  batch(calls: readonly RpcCall[]): Promise<unknown[]>;
  /**
   * Optional (HTTP): like `batch`, but each part's answer comes back as `read(body, calls)` made it from the raw
   * response bytes, or, where `read` returns undefined (a shape it does not handle), as `batch` would have it. For
   * callers that need a few fields of large answers (block headers) without building every object.
   */
  batchScanned?<T>(calls: readonly RpcCall[], read: (body: Buffer, calls: readonly RpcCall[]) => T[] | undefined): Promise<(T | unknown)[]>;
}

/** Minimal EIP-1193 provider. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Largest JSON-RPC batch sent at once; bigger batches are split. Default 100. */
  maxBatchSize?: number;
  /** Parts of a split batch in flight at once. Default 4. */
  parallelBatches?: number;
}

interface JsonRpcResponse {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** Largest declared answer length received into one buffer taken up front (a larger one is read as chunks). */
const MAX_PREALLOCATED = 256 * 1024 * 1024;

/**
 * The answer's bytes: the first `size` bytes of the buffer taken up front when every byte went into it, else those it
 * holds followed by the chunks (a body longer than its header said; node:http refuses a shorter one).
 */
function bodyOf(whole: Buffer | undefined, inWhole: number, chunks: Buffer[], size: number): Buffer {
  if (whole && chunks.length === 0) return whole.subarray(0, size);
  if (whole) return Buffer.concat([whole.subarray(0, inWhole), ...chunks], size);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

/** Creates a transport that POSTs JSON-RPC to `url` (node:http, kept-alive connections). */
export function createHttpTransport(url: string, options: HttpTransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBatch = options.maxBatchSize ?? 100;
  const parallelBatches = Math.max(1, options.parallelBatches ?? 4);
  let nextId = 1;

  // node:http rather than fetch: profiled at 1,000 events a block, fetch's body streams (undici) and the copy of the
  // whole answer into an ArrayBuffer were ~20 % of the indexer's CPU; here each answer is read into one Buffer.
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const agent = new client.Agent({ keepAlive: true });

  function postRaw(body: unknown, what: string): Promise<Buffer> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise<Buffer>((resolve, reject) => {
      let settled = false;
      const fail = (e: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const req = client.request(
        target,
        { method: "POST", agent, headers: { "content-type": "application/json", "content-length": payload.length } },
        (res) => {
          // With a declared length (anvil, geth, most proxies) each chunk is copied into one buffer as it comes, so a
          // large answer is held once rather than as its chunks plus their concatenation (at 5,000 logs, ~5.6 MB an
          // answer, several in flight: measured in a backfill's peak RSS).
          const declared = Number(res.headers["content-length"]);
          const expected = Number.isSafeInteger(declared) && declared > 0 && declared <= MAX_PREALLOCATED ? declared : 0;
          const whole = expected ? Buffer.allocUnsafe(expected) : undefined;
          const chunks: Buffer[] = [];
          let inWhole = 0;
          let size = 0;
          res.on("data", (c: Buffer) => {
            if (whole && chunks.length === 0 && inWhole + c.length <= expected) inWhole += c.copy(whole, inWhole);
            else chunks.push(c);
            size += c.length;
          });
          res.on("error", (e) => fail(new RetryableError(`RPC ${what}: malformed or truncated response`, { cause: e })));
          res.on("aborted", () => fail(new RetryableError(`RPC ${what}: malformed or truncated response`)));
          res.on("end", () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const buf = bodyOf(whole, inWhole, chunks, size);
            const status = res.statusCode ?? 0;
            if (status === 429 || status >= 500) {
              reject(new RetryableError(`RPC ${what}: HTTP ${status} from ${url}`, { details: buf.toString("utf8") }));
            } else if (status === 413) reject(new RpcResponseError(what, 413, "response too large"));
            else if (status < 200 || status >= 300) reject(new RpcResponseError(what, status, `HTTP ${status}: ${buf.toString("utf8")}`));
            else resolve(buf);
          });
        },
      );
      // the whole exchange, answer included, within timeoutMs (as a fetch with AbortSignal.timeout)
      const timer = setTimeout(() => fail(new RetryableError(`RPC ${what}: no answer from ${url} within ${timeoutMs} ms`)), timeoutMs);
      req.on("error", (e) => fail(new RetryableError(`RPC ${what}: cannot reach ${url}`, { cause: e })));
      req.end(payload);
    });
  }

  const parse = (buf: Buffer, what: string): unknown => {
    try {
      // JSON-RPC answers are hex and ASCII almost always: decode those as latin1 (a copy), others as UTF-8.
      return JSON.parse(isAscii(buf) ? buf.toString("latin1") : buf.toString("utf8"));
    } catch (e) {
      throw new RetryableError(`RPC ${what}: malformed or truncated response`, { cause: e });
    }
  };

  const post = async (body: unknown, what: string): Promise<unknown> => parse(await postRaw(body, what), what);

  const unwrap = (method: string, r: JsonRpcResponse | undefined): unknown => {
    if (!r) throw new RetryableError(`RPC ${method}: no response in batch`);
    if (r.error) throw new RpcResponseError(method, r.error.code, r.error.message, r.error.data);
    return r.result;
  };

  return {
    async request<T>(method: string, params: readonly unknown[]): Promise<T> {
      const id = nextId++;
      const r = (await post({ jsonrpc: "2.0", id, method, params }, method)) as JsonRpcResponse;
      return unwrap(method, r) as T;
    },
    batch: (calls) => sendBatch(calls, undefined),
    batchScanned: (calls, read) => sendBatch(calls, read),
  };

  /** Sends `calls` in parts of `maxBatch`, a few parts at once; results in call order. */
  async function sendBatch<T>(calls: readonly RpcCall[], read: ((body: Buffer, calls: readonly RpcCall[]) => T[] | undefined) | undefined): Promise<unknown[]> {
    const sendChunk = async (from: number): Promise<unknown[]> => {
      const chunk = calls.slice(from, from + maxBatch);
      const first = nextId;
      nextId += chunk.length;
      const body = chunk.map((c, j) => ({ jsonrpc: "2.0", id: first + j, method: c.method, params: c.params }));
      const raw = await postRaw(body, chunk[0].method);
      const scanned = read?.(raw, chunk);
      if (scanned) return scanned;
      const res = parse(raw, chunk[0].method);
      if (!Array.isArray(res)) {
        // Some nodes answer a batch with one error object.
        const single = res as JsonRpcResponse;
        unwrap(chunk[0].method, single);
        throw new RetryableError(`RPC batch: unexpected response shape`);
      }
      const byId = new Map<number, JsonRpcResponse>();
      for (const r of res as JsonRpcResponse[]) byId.set(r.id, r);
      return chunk.map((c, j) => unwrap(c.method, byId.get(first + j)));
    };
    // Parts go out a few at a time (the headers of a range are many parts).
    const starts: number[] = [];
    for (let i = 0; i < calls.length; i += maxBatch) starts.push(i);
    const parts: unknown[][] = new Array(starts.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < starts.length) {
        const k = next++;
        parts[k] = await sendChunk(starts[k]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelBatches, starts.length) }, worker));
    return parts.flat();
  }
}

/** Creates a transport over an EIP-1193 provider; batches become sequential calls. */
export function createEip1193Transport(provider: Eip1193Provider): Transport {
  const request = async <T>(method: string, params: readonly unknown[]): Promise<T> => {
    try {
      return (await provider.request({ method, params: [...params] })) as T;
    } catch (e) {
      if (e instanceof RetryableError || e instanceof RpcResponseError) throw e;
      const err = e as { code?: unknown; message?: unknown; data?: unknown };
      if (typeof err.code === "number") {
        throw new RpcResponseError(method, err.code, String(err.message ?? "error"), err.data);
      }
      throw new RetryableError(`RPC ${method}: provider failed`, { cause: e });
    }
  };
  return {
    request,
    async batch(calls: readonly RpcCall[]): Promise<unknown[]> {
      const out: unknown[] = [];
      for (const c of calls) out.push(await request(c.method, c.params));
      return out;
    },
  };
}
