/**
 * One cold backfill, in its own process so that its peak RSS is its own. Prints one JSON line.
 * Env: BACKEND (sqlite|postgres), RPC_URL, EMITTER, START_BLOCK, DB_FILE or PG_URL,
 * MODE: `node` (default: JSON-RPC over HTTP to the node) or `replay` (the node's answers recorded first, then
 * served from memory as JSON text: measures the indexer alone — parse, decode, map, write — without the node).
 */
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
  const indexer = await createIndexer(
    { logger: createLogger({ level: "warn" }) },
    {
      db,
      chains: [
        {
          chainId: 31337,
          rpcUrl: process.env.RPC_URL!,
          transport,
          contracts: [{ name: "DataAssetRegistry", address: process.env.EMITTER!, startBlock: Number(process.env.START_BLOCK) }],
          initialRange: 50,
        },
      ],
    },
  );
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await indexer.catchUp();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = Number(((cpu.user + cpu.system) / 1e6).toFixed(2));
  const st = indexer.status().chains[0];
  const counts: Record<string, number> = {};
  for (const t of ["assets", "asset_parents", "holdings", "trades", "licences", "evidence_batches"]) {
    counts[t] = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))!.n;
  }
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  await db.close();
  if (backend === "postgres") await dropPostgresSchema(process.env.PG_URL!, schema);
  process.stdout.write(
    JSON.stringify({ backend, mode: replay ? "replay" : "node", events: st.eventsIndexed, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(st.eventsIndexed / seconds), cpuSeconds, maxRssMB, finalRangeSize: st.rangeSize, rows: counts }) + "\n",
  );
}

/** Records every log and header of the range once, then answers from memory (as JSON text, parsed per call). */
async function recordedTransport(url: string, address: string, start: number): Promise<Transport> {
  const http = createHttpTransport(url, { timeoutMs: 600_000 });
  const head = Number(await http.request<string>("eth_blockNumber", []));
  type Log = { blockNumber: string };
  const logs: Log[] = [];
  for (let b = start; b <= head; b += 20) {
    logs.push(...(await http.request<Log[]>("eth_getLogs", [{ address: [address], fromBlock: "0x" + b.toString(16), toBlock: "0x" + Math.min(head, b + 19).toString(16) }])));
  }
  const headers = new Map<number, string>();
  const nums = Array.from({ length: head - start + 1 }, (_, i) => start + i);
  const hs = await http.batch(nums.map((n) => ({ method: "eth_getBlockByNumber", params: ["0x" + n.toString(16), false] })));
  hs.forEach((h, i) => {
    const x = h as { number: string; hash: string; parentHash: string; timestamp: string };
    headers.set(nums[i], JSON.stringify({ number: x.number, hash: x.hash, parentHash: x.parentHash, timestamp: x.timestamp }));
  });
  const byBlock = new Map<number, string[]>();
  for (const l of logs) {
    const n = Number(l.blockNumber);
    let a = byBlock.get(n);
    if (!a) byBlock.set(n, (a = []));
    a.push(JSON.stringify(l));
  }
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

main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e) + "\n");
  process.exit(1);
});
