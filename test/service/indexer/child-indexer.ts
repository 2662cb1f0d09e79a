/**
 * Child process for the kill-and-restart test: indexes over HTTP JSON-RPC into the database named by LOCATOR,
 * with small ranges and an artificial RPC delay so that a SIGKILL lands mid-backfill. Prints "done" at the end.
 * Env: LOCATOR, RPC_URL, CONTRACTS (JSON of FollowedContract[]), RANGE, DELAY_MS.
 */
import { createLogger } from "../../../service/src/logger";
import { createIndexer, type FollowedContract } from "../../../service/src/indexer";
import { createHttpTransport, type Transport } from "../../../service/src/chain/transport";
import { openLocator } from "../../helpers/backends";

async function main(): Promise<void> {
  const delay = Number(process.env.DELAY_MS ?? 0);
  const http = createHttpTransport(process.env.RPC_URL!);
  const slow: Transport = {
    request: async (m, p) => {
      await new Promise((r) => setTimeout(r, delay));
      return http.request(m, p);
    },
    batch: async (c) => {
      await new Promise((r) => setTimeout(r, delay));
      return http.batch(c);
    },
  };
  const db = await openLocator(process.env.LOCATOR!);
  const range = Number(process.env.RANGE ?? 2);
  const indexer = await createIndexer(
    { logger: createLogger({ level: "warn" }) },
    {
      db,
      chains: [{ chainId: 31337, transport: slow, contracts: JSON.parse(process.env.CONTRACTS!) as FollowedContract[], initialRange: range, maxRange: range }],
    },
  );
  await indexer.catchUp();
  await db.close();
  process.stdout.write("done\n");
}

// Run only as a child process (kill-restart.test.ts spawns it), never when a test runner loads the file.
if (require.main === module) main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e) + "\n");
  process.exit(1);
});
