/**
 * The real API (service/src/api createApi) over a populated store, with a static indexer status, on 127.0.0.1.
 * Started as a child process by run.ts; prints `LISTENING <port>` when ready, exits on SIGTERM.
 *
 * env: BENCH_BACKEND sqlite|postgres, BENCH_SQLITE_FILE, BENCH_PG_URL, BENCH_PG_SCHEMA, BENCH_LAST_BLOCK,
 *      BENCH_CACHE_LEAVES (evidenceCacheLeaves; default: the API's default).
 */
import type { AddressInfo } from "node:net";
import { createApi } from "../../service/src/api";
import { createPostgresDb, createSqliteDb, type Db } from "../../service/src/store";

async function main(): Promise<void> {
  const backend = process.env.BENCH_BACKEND ?? "sqlite";
  const db: Db =
    backend === "postgres"
      ? await createPostgresDb(process.env.BENCH_PG_URL!, { schema: process.env.BENCH_PG_SCHEMA, preparedStatements: process.env.DATABASE_PREPARED_STATEMENTS !== "off" })
      : createSqliteDb(process.env.BENCH_SQLITE_FILE!, { readonly: true });
  const last = Number(process.env.BENCH_LAST_BLOCK ?? 1);
  const started = Date.now();
  const status = { chains: [{ chainId: 31337, indexedBlock: last, chainHead: last + 12, confirmations: 12, finalizedBlock: last, indexedBlockTime: 1_767_225_600 + last * 12, lastProgressAt: started, eventsPerSecond: 0 }] };
  const errors: unknown[] = [];
  const app = createApi({
    db,
    indexerStatus: () => status,
    logger: { info: () => undefined, warn: () => undefined, error: (o) => void (errors.length < 5 && errors.push(o)) },
    ...(process.env.BENCH_CACHE_LEAVES ? { evidenceCacheLeaves: Number(process.env.BENCH_CACHE_LEAVES) } : {}),
  });
  const server = app.listen(0, "127.0.0.1", () => {
    process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`);
  });
  server.keepAliveTimeout = 60_000;
  const stop = (): void => {
    const cpu = process.cpuUsage();
    process.stdout.write(`STATS ${JSON.stringify({ cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, rssMb: process.memoryUsage().rss / 2 ** 20, errors })}\n`);
    server.closeAllConnections();
    server.close(() => void db.close().finally(() => process.exit(0)));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
