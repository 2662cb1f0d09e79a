/**
 * One cold backfill, in its own process so that its peak RSS is its own. Prints one JSON line.
 * Env: BACKEND (sqlite|postgres), RPC_URL, EMITTER, START_BLOCK, DB_FILE or PG_URL,
 * MODE: `node` (default: JSON-RPC over HTTP to the node) or `replay` (the node's answers recorded first, then
 * served from memory as JSON text: measures the indexer alone — parse, decode, map, write — without the node).
 * REPLAY_FILE (replay mode): the recording is kept in this file (written on first use, read afterwards), so that
 * repeated runs do not wait for the node to answer the recording again.
 */
import fs from "node:fs";
import os from "node:os";
import { Writable } from "node:stream";
import { peakRssMB } from "./peak-rss";
import { postgresServerCpuSeconds } from "./server-cpu";
import { createHttpTransport, type RpcCall, type Transport } from "../../service/src/chain/transport";
import { createLogger } from "../../service/src/logger";
import { createIndexer } from "../../service/src/indexer";
import { createPostgresDb, createSqliteDb, dropPostgresSchema, migrate, type Db } from "../../service/src/store";

async function main(): Promise<void> {
  const backend = process.env.BACKEND as "sqlite" | "postgres";
  const schema = `bench_${Date.now().toString(36)}`;
  let db: Db;
  if (backend === "postgres") db = await createPostgresDb(process.env.PG_URL!, { schema });
  else db = createSqliteDb(process.env.DB_FILE!);
  await migrate(db);
  const replay = process.env.MODE === "replay";
  const transport = replay ? await recordedTransport(process.env.RPC_URL!, process.env.EMITTER!, Number(process.env.START_BLOCK)) : undefined;
  const head = headWorkLog();
  const indexer = await createIndexer(
    { logger: head.logger },
    {
      db,
      chains: [
        {
          chainId: 31337,
          rpcUrl: process.env.RPC_URL!,
          transport,
          contracts: [{ name: "DataAssetRegistry", address: process.env.EMITTER!, startBlock: Number(process.env.START_BLOCK) }],
          // INITIAL_RANGE: a fixed first range in blocks (default: the indexer's, a one-block probe of the density)
          ...(process.env.INITIAL_RANGE ? { initialRange: Number(process.env.INITIAL_RANGE) } : {}),
          // FETCH_IN_WORKER=1: read, decode and map in a worker thread (default: the indexer's, the main thread)
          ...(process.env.FETCH_IN_WORKER ? { fetchInWorker: process.env.FETCH_IN_WORKER !== "0" } : {}),
          // TARGET_LOGS: logs per eth_getLogs range to aim for (default: the indexer's, 5000)
          ...(process.env.TARGET_LOGS ? { targetLogsPerRange: Number(process.env.TARGET_LOGS) } : {}),
        },
      ],
    },
  );
  const loadBefore = os.loadavg()[0].toFixed(2);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuSeconds();
  const server0 = backend === "postgres" ? postgresServerCpuSeconds() : NaN;
  await indexer.catchUp();
  const serverCpuSeconds = Number((postgresServerCpuSeconds() - server0).toFixed(2));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
  const mainCpuSeconds = Number((mainThreadCpuSeconds() - main0).toFixed(2));
  const st = indexer.status().chains[0];
  const counts: Record<string, number> = {};
  for (const t of ["assets", "asset_parents", "holdings", "trades", "licences", "evidence_batches"]) {
    counts[t] = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))!.n;
  }
  const maxRssMB = peakRssMB();
  await db.close();
  if (backend === "postgres") await dropPostgresSchema(process.env.PG_URL!, schema);
  process.stdout.write(
    JSON.stringify({ kind: "shuquan", backend, mode: replay ? "replay" : "node", events: st.eventsIndexed, seconds: Number(seconds.toFixed(3)), eventsPerSecond: Math.round(st.eventsIndexed / seconds), cpuSeconds, mainCpuSeconds, ...(Number.isFinite(serverCpuSeconds) ? { serverCpuSeconds } : {}), ...(head.seconds() !== undefined ? { headSeconds: head.seconds() } : {}), loadBefore, loadAfter: os.loadavg()[0].toFixed(2), maxRssMB, finalRangeSize: st.rangeSize, rows: counts }) + "\n",
  );
}

/**
 * The message the indexer logs when a first backfill has reached the head and built what it left for it. Written out
 * here, not imported: run.ts compiles this file into older trees too, whose sources may not export it.
 */
const HEAD_WORK_DONE = "backfill reached the head: deferred indexes built";

/**
 * The run's logger: warnings and errors (RPC retries, refetches) go to stderr beside the figures; of the rest only the
 * seconds of the work a first backfill leaves to the head (the deferred index builds and the derived tables' fill,
 * part of the run's time) are kept.
 */
function headWorkLog(): { logger: ReturnType<typeof createLogger>; seconds(): number | undefined } {
  let seconds: number | undefined;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        const entry = JSON.parse(line) as { level: number; msg?: string; seconds?: number };
        if (entry.msg === HEAD_WORK_DONE) seconds = entry.seconds;
        if (entry.level >= 40) process.stderr.write(line + "\n");
      }
      done();
    },
  });
  return { logger: createLogger({ level: "info", format: "json", stream }), seconds: () => seconds };
}

/** CPU time of the main thread alone (Linux: /proc/self/task/<pid>/stat, utime + stime in clock ticks of 10 ms). */
function mainThreadCpuSeconds(): number {
  try {
    const f = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

interface Recording {
  head: number;
  /** header JSON by block number */
  headers: Record<string, string>;
  /** log JSON texts by block number */
  logs: Record<string, string[]>;
}

/** Records every log and header of the range once (or reads REPLAY_FILE), then answers from memory (as JSON text, parsed per call). */
async function recordedTransport(url: string, address: string, start: number): Promise<Transport> {
  const file = process.env.REPLAY_FILE;
  let rec: Recording;
  if (file && fs.existsSync(file)) rec = JSON.parse(fs.readFileSync(file, "utf8")) as Recording;
  else {
    rec = await record(url, address, start);
    if (file) fs.writeFileSync(file, JSON.stringify(rec));
  }
  const head = rec.head;
  const headers = new Map<number, string>(Object.entries(rec.headers).map(([k, v]) => [Number(k), v]));
  const byBlock = new Map<number, string[]>(Object.entries(rec.logs).map(([k, v]) => [Number(k), v]));
  const answer = (c: RpcCall): unknown => {
    const p = c.params as [{ fromBlock: string; toBlock: string } | string];
    switch (c.method) {
      case "eth_chainId":
        return "0x7a69";
      case "eth_blockNumber":
        return "0x" + head.toString(16);
      case "eth_getBlockByNumber":
        return JSON.parse(headers.get(Number(p[0] as string)) ?? "null");
      case "eth_getLogs": {
        const f = p[0] as { fromBlock: string; toBlock: string };
        const parts: string[] = [];
        for (let n = Number(f.fromBlock); n <= Number(f.toBlock); n++) for (const l of byBlock.get(n) ?? []) parts.push(l);
        return JSON.parse(`[${parts.join(",")}]`);
      }
      default:
        throw new Error(`replay: ${c.method}`);
    }
  };
  return {
    request: async (method, params) => answer({ method, params }) as never,
    batch: async (calls) => calls.map(answer),
  };
}

async function record(url: string, address: string, start: number): Promise<Recording> {
  const http = createHttpTransport(url, { timeoutMs: 600_000 });
  const head = Number(await http.request<string>("eth_blockNumber", []));
  type Log = { blockNumber: string };
  const rec: Recording = { head, headers: {}, logs: {} };
  for (let b = start; b <= head; b += 20) {
    const logs = await http.request<Log[]>("eth_getLogs", [{ address: [address], fromBlock: "0x" + b.toString(16), toBlock: "0x" + Math.min(head, b + 19).toString(16) }]);
    for (const l of logs) (rec.logs[Number(l.blockNumber)] ??= []).push(JSON.stringify(l));
  }
  const nums = Array.from({ length: head - start + 1 }, (_, i) => start + i);
  const hs = await http.batch(nums.map((n) => ({ method: "eth_getBlockByNumber", params: ["0x" + n.toString(16), false] })));
  hs.forEach((h, i) => {
    const x = h as { number: string; hash: string; parentHash: string; timestamp: string; logsBloom: string };
    // logsBloom: the indexer checks each eth_getLogs answer against it (indexer/range-check.ts)
    rec.headers[nums[i]] = JSON.stringify({ number: x.number, hash: x.hash, parentHash: x.parentHash, timestamp: x.timestamp, logsBloom: x.logsBloom });
  });
  return rec;
}

main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e) + "\n");
  process.exit(1);
});
