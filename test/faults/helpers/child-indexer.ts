/**
 * A service-like indexer process for the fault suite: follows RPC_URL (through the fault proxy) into the store named
 * by LOCATOR until its indexed block reaches TARGET, then prints "done" and exits 0. Anything else is a death the
 * suite counts. Env: LOCATOR, RPC_URL, CONTRACTS (JSON), TARGET, RANGE (blocks per range), TIMEOUT_MS.
 */
import { createHttpTransport } from "../../../service/src/chain/transport";
import { createIndexer, type FollowedContract } from "../../../service/src/indexer";
import { createLogger } from "../../../service/src/logger";
import { openLocator } from "../../helpers/backends";

async function main(): Promise<void> {
  const logger = createLogger({ level: (process.env.LOG_LEVEL as "warn") ?? "warn", format: "json" });
  const target = Number(process.env.TARGET);
  const range = Number(process.env.RANGE ?? 4);
  // The store may be down when the process starts (a PostgreSQL outage): wait for it like the service would.
  let db;
  for (let attempt = 1; ; attempt++) {
    try {
      db = await openLocator(process.env.LOCATOR!);
      break;
    } catch (e) {
      logger.warn({ attempt, err: (e as Error).message }, "store not reachable yet; retrying");
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const indexer = await createIndexer(
    { logger },
    {
      db,
      pollIntervalMs: 50,
      rpcRetry: { retries: 3, baseDelayMs: 50, maxDelayMs: 500 },
      chains: [
        {
          chainId: 31337,
          transport: createHttpTransport(process.env.RPC_URL!, { timeoutMs: Number(process.env.TIMEOUT_MS ?? 2000) }),
          contracts: JSON.parse(process.env.CONTRACTS!) as FollowedContract[],
          initialRange: range,
          maxRange: range,
        },
      ],
    },
  );
  indexer.start();
  for (;;) {
    const st = indexer.status().chains[0];
    if (st.indexedBlock >= target) break;
    if (st.state === "failed") throw new Error(`indexer failed: ${st.lastError}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await indexer.stop();
  await db.close();
  process.stdout.write("done\n");
  process.exit(0);
}

// Run only as a child process, never when a test runner loads the file.
if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`child indexer died: ${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  });
}
