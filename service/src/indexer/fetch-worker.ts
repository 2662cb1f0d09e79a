/**
 * Range fetching in a worker thread, for chains reached over HTTP: the worker reads a range (fetch-range.ts: the same
 * consistency checks), parses, decodes and maps it to rows (handlers/), and hands the main thread the rows as one
 * JSON text, the headers and the range's bounds. The main thread is left with what must be serial — the writes.
 *
 * Why: profiled, JSON-parsing the node's answers, decoding and mapping were about half of a backfill's CPU, all on
 * the thread that also writes; a plain eth_getLogs client does only the parsing. In the worker they run beside the
 * writes (on a second core, or with a second share of a busy one). Rows cross as JSON text: parsing it costs the main
 * thread ~3 µs a row, less than structured cloning (~5 µs) and far less than the work moved.
 *
 * Errors cross by name and fields and are rebuilt as the same classes (RangeChangedError, ReorgDetectedError,
 * IncompleteLogsError, LogRangeTooLargeError, RetryableError, RpcResponseError, FatalError), so chain-sync treats them
 * as before. If the worker dies, every pending range fails with a RetryableError and the next fetch starts a new worker.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { BlockHeader } from "../chain/rpc";
import type { RetryOptions } from "../chain/retry";
import { BaseError, FatalError, LogRangeTooLargeError, RetryableError, RpcResponseError } from "../errors";
import type { SqlValue } from "../store/db";
import { writtenColumns, type EventTableName } from "../store/schema";
import type { TableRows } from "./handlers";
import { RangeChangedError, ReorgDetectedError, type FetchedRange, type RangeBase, type RangeReader, type SettledPart } from "./fetch-range";
import { IncompleteLogsError } from "./range-check";

/** What the worker needs to know (plain data: it crosses to the worker). */
export interface FetchWorkerOptions {
  chainId: number;
  rpcUrl: string;
  addresses: readonly string[];
  /** The RPC retry policy (numbers only). */
  retry?: Omit<RetryOptions, "shouldRetry" | "onRetry">;
}

/** A log kept raw because it did not decode (logged by the main thread). */
export interface MalformedLog {
  blockNumber: number;
  logIndex: number;
  error: string;
}

/** The fetcher over a worker. */
export interface WorkerFetch {
  /** Starts the worker now and resolves once it has loaded (so that a backfill does not wait for it). */
  ready(): Promise<void>;
  fetch: RangeReader;
  /** Stops the worker (pending ranges fail). */
  close(): Promise<void>;
}

interface Request {
  id: number;
  base: RangeBase | null;
  from: number;
  to: number;
  settled: SettledPart;
}

interface SerializedError {
  name: string;
  message: string;
  blockNumber?: number;
  expected?: string;
  actual?: string;
  code?: number;
  from?: number;
  to?: number;
  blocks?: number[];
}

type Reply =
  | {
      id: number;
      ok: true;
      from: number;
      to: number;
      toHeader: BlockHeader;
      below: BlockHeader | null;
      headers: BlockHeader[];
      blockTimes: [number, number][];
      logCount: number;
      rowsJson: string;
      malformed: MalformedLog[];
    }
  | { id: number; ok: false; error: SerializedError };

const WORKER_KIND = "shuquan-fetch-range";

/**
 * Fetches ranges in `threads` worker threads (default 1), each range to the thread with the fewest in flight. (Two
 * were tried: ~40 MB more RSS each, and no faster on two cores shared with the node and the database.)
 */
export function createWorkerFetch(options: FetchWorkerOptions, onMalformed?: (logs: MalformedLog[]) => void, threads = 1): WorkerFetch {
  const pool = Array.from({ length: Math.max(1, threads) }, () => ({ fetcher: createOneWorker(options, onMalformed), inFlight: 0 }));
  return {
    async ready() {
      await Promise.all(pool.map((p) => p.fetcher.ready()));
    },
    async fetch(base, from, to, settled) {
      const p = pool.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      p.inFlight++;
      try {
        return await p.fetcher.fetch(base, from, to, settled);
      } finally {
        p.inFlight--;
      }
    },
    async close() {
      await Promise.all(pool.map((p) => p.fetcher.close()));
    },
  };
}

/** One worker thread (created on first use, restarted after a crash). */
function createOneWorker(options: FetchWorkerOptions, onMalformed?: (logs: MalformedLog[]) => void): WorkerFetch {
  let worker: Worker | undefined;
  let loaded: Promise<void> | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: FetchedRange) => void; reject: (e: Error) => void }>();

  const failAll = (e: Error): void => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };

  const start = (): Worker => {
    // Run from TypeScript sources (development, tests), the worker loads this module through ts-node's hook, as the
    // process that started it did; the build runs the compiled .js and needs no hook.
    const fromSources = __filename.endsWith(".ts");
    const w = new Worker(`require(${JSON.stringify(__filename)});`, {
      eval: true,
      workerData: { kind: WORKER_KIND, options },
      ...(fromSources ? { execArgv: [...process.execArgv, "--require", "ts-node/register/transpile-only"] } : {}),
    });
    w.unref();
    loaded = new Promise<void>((resolve) => {
      w.once("message", () => resolve()); // the worker's first message says it has loaded
      w.once("exit", () => resolve());
    });
    w.on("message", (m: Reply | "ready") => {
      if (m === "ready") return;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (!m.ok) return p.reject(rebuildError(m.error));
      if (m.malformed.length) onMalformed?.(m.malformed);
      p.resolve({
        from: m.from,
        to: m.to,
        toHeader: m.toHeader,
        below: m.below ?? undefined,
        headers: new Map(m.headers.map((h) => [h.number, h])),
        blockTimes: new Map(m.blockTimes),
        events: [],
        logCount: m.logCount,
        rows: parseRows(m.rowsJson),
      });
    });
    w.on("error", (e) => {
      if (worker === w) worker = undefined;
      failAll(new RetryableError("range fetch worker failed", { cause: e }));
    });
    w.on("exit", () => {
      if (worker === w) worker = undefined;
      failAll(new RetryableError("range fetch worker stopped"));
    });
    return w;
  };

  return {
    async ready() {
      worker ??= start();
      await loaded;
    },
    fetch(base, from, to, settled) {
      worker ??= start();
      const w = worker;
      const id = nextId++;
      return new Promise<FetchedRange>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref(); // a pending range keeps the process alive; an idle worker does not
        const req: Request = { id, base: base ?? null, from, to, settled };
        w.postMessage(req);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}

function parseRows(json: string): TableRows {
  const out: TableRows = new Map();
  for (const [table, values] of JSON.parse(json) as [EventTableName, SqlValue[][]][]) out.set(table, { columns: writtenColumns(table), values });
  return out;
}

function serializeError(e: unknown): SerializedError {
  const err = e instanceof Error ? e : new Error(String(e));
  const s: SerializedError = { name: err.constructor.name, message: err instanceof BaseError ? err.shortMessage : err.message };
  if (e instanceof ReorgDetectedError) Object.assign(s, { blockNumber: e.blockNumber, expected: e.expected, actual: e.actual });
  if (e instanceof RpcResponseError) s.code = e.code;
  if (e instanceof IncompleteLogsError) Object.assign(s, { from: e.from, to: e.to, blocks: [...e.blocks] });
  return s;
}

function rebuildError(s: SerializedError): Error {
  switch (s.name) {
    case "ReorgDetectedError":
      return new ReorgDetectedError(s.blockNumber!, s.expected!, s.actual!);
    case "RangeChangedError":
      return new RangeChangedError(s.message);
    case "IncompleteLogsError":
      return new IncompleteLogsError(s.from!, s.to!, s.blocks!);
    case "LogRangeTooLargeError":
      return new LogRangeTooLargeError(s.message);
    case "RpcResponseError": {
      const e = new RpcResponseError("", s.code ?? 0, "");
      Object.defineProperty(e, "message", { value: s.message });
      return e;
    }
    case "FatalError":
    case "ConfigError":
      return new FatalError(s.message);
    default:
      // everything else (network faults, bad answers) is worth another try, as in the main thread
      return new RetryableError(s.message);
  }
}

/** The worker's side: one RPC client, decoder and handlers; ranges are read one message at a time, concurrently. */
async function runWorker(options: FetchWorkerOptions): Promise<void> {
  const [{ createDecoder }, { createRpc }, { createHttpTransport }, { fetchRange }, { eventsToRows, HANDLED_EVENTS }] = await Promise.all([
    import("../chain/decoder"),
    import("../chain/rpc"),
    import("../chain/transport"),
    import("./fetch-range"),
    import("./handlers"),
  ]);
  const rpc = createRpc(createHttpTransport(options.rpcUrl), options.retry ?? {});
  const decoder = createDecoder(HANDLED_EVENTS);
  const addressSet = new Set(options.addresses.map((a) => a.toLowerCase()));
  const addresses = [...addressSet];
  parentPort!.postMessage("ready");
  parentPort!.on("message", (req: Request) => {
    void (async () => {
      let reply: Reply;
      try {
        const r = await fetchRange(rpc, decoder, addresses, addressSet, req.base ?? undefined, req.from, req.to, { settled: req.settled });
        const rows = eventsToRows(options.chainId, r.events, (n) => r.blockTimes.get(n)!);
        const malformed: MalformedLog[] = [];
        for (const ev of r.events) {
          if (ev.name === null && ev.error) malformed.push({ blockNumber: ev.meta.blockNumber, logIndex: ev.meta.logIndex, error: ev.error });
        }
        reply = {
          id: req.id,
          ok: true,
          from: r.from,
          to: r.to,
          toHeader: r.toHeader,
          below: r.below ?? null,
          headers: [...r.headers.values()],
          blockTimes: [...r.blockTimes],
          logCount: r.logCount,
          rowsJson: JSON.stringify([...rows].map(([t, set]) => [t, set.values])),
          malformed,
        };
      } catch (e) {
        reply = { id: req.id, ok: false, error: serializeError(e) };
      }
      parentPort!.postMessage(reply);
    })();
  });
}

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND) {
  void runWorker((workerData as { options: FetchWorkerOptions }).options);
}
