/**
 * The fair floor of the evidence lookup (issue 10): a bare node:http handler doing the same indexed read the API's lean
 * path does — the item's rows by digest (with the stored proof), each batch by its key from an in-memory cache, as
 * the lean path keeps them — and answering JSON, with no framework, validation, metrics or envelope. The API's lookup
 * is measured beside it in the same run. Prints `LISTENING <port>`; exits on SIGTERM.
 *
 * env: BENCH_BACKEND sqlite|postgres, BENCH_SQLITE_FILE, BENCH_PG_URL, BENCH_PG_SCHEMA
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createPostgresDb, createSqliteDb, type Db } from "../../service/src/store";

async function main(): Promise<void> {
  const db: Db =
    process.env.BENCH_BACKEND === "postgres"
      ? await createPostgresDb(process.env.BENCH_PG_URL!, { schema: process.env.BENCH_PG_SCHEMA })
      : createSqliteDb(process.env.BENCH_SQLITE_FILE!, { readonly: true });
  const batches = new Map<string, Record<string, unknown>>();
  const server = http.createServer((req, res) => {
    const digest = (req.url ?? "").slice("/v1/evidence/items/".length).toLowerCase();
    void (async () => {
      const rows = await db.all<Record<string, unknown>>(
        "SELECT chain_id, block_number, log_index, batch_root, leaf_index, item_digest, asset_id, label, leaf_hash, proof FROM evidence_items WHERE item_digest = ? LIMIT 100",
        [digest],
      );
      const out = [];
      for (const r of rows) {
        // the batch from an in-memory cache, as the API's lean path has it: the floor does the same one read per lookup
        const key = `${String(r.chain_id)}:${String(r.block_number)}:${String(r.log_index)}`;
        let b = batches.get(key);
        if (!b) {
          b = await db.get<Record<string, unknown>>("SELECT root, manifest_status, tx_hash, block_time FROM evidence_batches WHERE chain_id = ? AND block_number = ? AND log_index = ?", [
            Number(r.chain_id), Number(r.block_number), Number(r.log_index),
          ]);
          if (b) batches.set(key, b);
        }
        out.push({ ...r, batch: b });
      }
      const body = JSON.stringify(out.length ? { data: out } : { error: "not found" });
      res.writeHead(out.length ? 200 : 404, { "Content-Type": "application/json" });
      res.end(body);
    })();
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`));
  const stop = (): void => {
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
