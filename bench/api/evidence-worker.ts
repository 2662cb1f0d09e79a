/**
 * Builds evidence batches (bench/api/evidence-rows.ts) in worker threads, so that hashing overlaps the store's
 * writes. The loader asks for batch after batch; each answer carries either the items as PostgreSQL COPY text
 * (bytes, transferred, not copied) or the columns for SQLite's prepared statements, plus the batch row and a few
 * sampled "digest root" lines for the load generator.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { buildBatchColumns, createKeccak256, itemsCopyText, keccakMatchesEthers, type BatchColumns } from "./evidence-rows";

const KIND = "shuquan-bench-evidence-worker";

/** What a batch needs: items first … first+n-1, anchored in `block`; `samples` items sampled. */
export interface BatchRequest {
  id: number;
  first: number;
  n: number;
  block: number;
  samples: number;
}

/** A built batch. */
export interface BuiltBatch {
  id: number;
  root: string;
  batch: BatchColumns["batch"];
  /** "digest root\n" lines of sampled items. */
  sample: string;
  /** PostgreSQL: the items as COPY text. */
  copy?: Uint8Array;
  /** SQLite: the columns. */
  columns?: BatchColumns;
}

type Mode = "copy" | "columns";

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === KIND) {
  const mode = (workerData as { mode: Mode }).mode;
  void createKeccak256().then((h) => {
    if (!keccakMatchesEthers(h)) throw new Error("hash-wasm keccak-256 differs from ethers' keccak256");
    parentPort!.on("message", (r: BatchRequest) => {
      const c = buildBatchColumns(h, r.first, r.n, r.block);
      const lines: string[] = [];
      for (let s = 0; s < Math.min(r.samples, r.n); s++) lines.push(`${c.digests[Math.floor(Math.random() * r.n)]} ${c.root}\n`);
      const out: BuiltBatch = { id: r.id, root: c.root, batch: c.batch, sample: lines.join("") };
      if (mode === "copy") {
        const copy = itemsCopyText(c);
        out.copy = copy;
        parentPort!.postMessage(out, [copy.buffer as ArrayBuffer]);
      } else {
        out.columns = c;
        parentPort!.postMessage(out, [c.proofBuf.buffer as ArrayBuffer, c.treeIndex.buffer as ArrayBuffer, c.proofStart.buffer as ArrayBuffer, c.proofEnd.buffer as ArrayBuffer]);
      }
    });
    parentPort!.postMessage("ready");
  });
}

/** A pool of batch builders answering requests in order. */
export interface BatchBuilders {
  /** Built batches 0 … count-1 in order (at most `window` in flight). */
  batches(count: number, request: (i: number) => Omit<BatchRequest, "id">): AsyncGenerator<BuiltBatch>;
  close(): Promise<void>;
}

/** Starts `workers` threads building batches for `mode`. */
export async function startBatchBuilders(workers: number, mode: Mode): Promise<BatchBuilders> {
  const fromSources = __filename.endsWith(".ts");
  const pool = await Promise.all(
    Array.from({ length: workers }, () => new Promise<Worker>((resolve, reject) => {
      const w = new Worker(`require(${JSON.stringify(__filename)});`, {
        eval: true,
        workerData: { kind: KIND, mode },
        ...(fromSources ? { execArgv: [...process.execArgv, "--require", "ts-node/register/transpile-only"] } : {}),
      });
      w.once("message", () => resolve(w));
      w.once("error", reject);
    })),
  );
  const waiting = new Map<number, { resolve: (b: BuiltBatch) => void; reject: (e: Error) => void }>();
  let failed: Error | undefined;
  for (const w of pool) {
    w.on("message", (m: BuiltBatch) => {
      if (m.columns) {
        // typed arrays and buffers arrive as plain Uint8Arrays: give the proofs back their Buffer methods
        const c = m.columns;
        m.columns = { ...c, proofBuf: Buffer.from(c.proofBuf.buffer, c.proofBuf.byteOffset, c.proofBuf.byteLength) };
      }
      waiting.get(m.id)?.resolve(m);
      waiting.delete(m.id);
    });
    w.on("error", (e) => {
      failed = e;
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
    });
  }
  const window = workers * 2;
  return {
    async *batches(count, request) {
      const inFlight: Promise<BuiltBatch>[] = [];
      const send = (i: number): void => {
        if (failed) throw failed;
        inFlight.push(
          new Promise<BuiltBatch>((resolve, reject) => {
            waiting.set(i, { resolve, reject });
            pool[i % pool.length]!.postMessage({ id: i, ...request(i) } satisfies BatchRequest);
          }),
        );
      };
      let next = 0;
      while (next < Math.min(count, window)) send(next++);
      for (let i = 0; i < count; i++) {
        const b = await inFlight.shift()!;
        if (next < count) send(next++);
        yield b;
      }
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
