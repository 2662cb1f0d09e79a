/**
 * What an API process beside the indexer (ROLE=api) reads of the indexer's progress from the database: here, that the
 * store's first backfill is under way while its `meta` record is there, and its end once the record is gone.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { evaluateHealth, FIRST_BACKFILL_PROBLEM } from "../../../service/src/api/health";
import { createSilentLogger } from "../../../service/src/logger";
import { createStoreStatus } from "../../../service/src/roles/store-status";
import { deferIndexesIfEmpty, DEFERRED_INDEXES_KEY } from "../../../service/src/store/backfill-indexes";
import { BACKENDS, openPerTest } from "../../helpers/backends";

/** A node that answers eth_blockNumber with `head`. */
async function nodeAt(head: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const { id } = JSON.parse(body) as { id: number };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result: "0x" + head.toString(16) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("roles/store-status", function () {
  this.timeout(60_000);
  for (const backend of BACKENDS) {
    context(backend.name, () => {
      const open = openPerTest(backend);

      it("should report the store's first backfill while its record is there, and stop reading it once it is over", async () => {
        const { db } = await open();
        const node = await nodeAt(10);
        const status = createStoreStatus({ db, chains: [{ chainId: 31337, rpcUrl: node.url, startBlock: 1 }], pollIntervalMs: 60_000, logger: createSilentLogger() });
        try {
          await status.refresh();
          expect(status.status().firstBackfill).to.equal(false); // nothing recorded yet: an empty store

          await deferIndexesIfEmpty(db); // the indexer starts its first backfill
          await db.run(
            `INSERT INTO checkpoints (chain_id, block_number, block_hash, block_time, head_block, finalized_block, confirmations, updated_at)
             VALUES (31337, 10, '0xaa', 1000, 10, 10, 0, 1)`,
          );
          await status.refresh();
          expect(status.status().firstBackfill).to.equal(true);
          expect(status.status().chains[0]).to.include({ indexedBlock: 10, lag: 0 });
          expect(evaluateHealth(status.status(), {}, Date.now()).problems).to.deep.equal([FIRST_BACKFILL_PROBLEM]);

          await db.run("DELETE FROM meta WHERE key = ?", [DEFERRED_INDEXES_KEY]); // its indexes built
          await status.refresh();
          expect(status.status().firstBackfill).to.equal(false);
          expect(evaluateHealth(status.status(), {}, Date.now()).status).to.equal("ok");

          // a store that has served is not asked again (the record of a store with rows is never written anew)
          await db.run("INSERT INTO meta (key, value) VALUES (?, 'test')", [DEFERRED_INDEXES_KEY]);
          await status.refresh();
          expect(status.status().firstBackfill).to.equal(false);
        } finally {
          status.stop();
          await node.close();
        }
      });
    });
  }
});
