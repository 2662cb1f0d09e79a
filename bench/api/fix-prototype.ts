/**
 * Prototype of the proposed fix (docs/benchmarks-api.md), measured in a bench-only store — service/src is not
 * changed: the proof material is written at index time, so a lookup needs no tree and no cache.
 *
 *   A. evidence_proofs: each item's proof (ceil(log2 n) × 32 bytes, BLOB/BYTEA) keyed by the item's primary key.
 *      Lookup: item query + batch query + one point query (or zero extra if it were a column of evidence_items).
 *   B. evidence_tree_nodes: every node of each batch tree (2n − 1 rows of 32 bytes) keyed by
 *      (chain_id, block_number, log_index, tree_index). Lookup: item query + batch query + one query
 *      `tree_index IN (siblings…)`.
 *
 * For each: storage added per item (file / relation size delta), time to build it during population, and the
 * lookup's latency (in-process, the same SQL as the API for the first two queries), with every proof checked
 * against the batch root.
 *
 * The result is merged into bench/results/api.json (`fixPrototype`) and rendered in api.md (unless --no-save).
 *
 *   node -r ts-node/register/transpile-only bench/api/fix-prototype.ts [--items 100000] [--backend sqlite|postgres] [--lookups 2000]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildTreeFromLeaves, processProof, treeProof } from "../../service/src/api/queries/evidence-tree-cache";
import { eventCols } from "../../service/src/api/queries/rows";
import { createPostgresDb, createSqliteDb, dropPostgresSchema, insertValues, migrate, type Db, type SqlValue } from "../../service/src/store";
import { summarise } from "./load";
import { populate } from "./populate";
import { saveResults } from "./run";

const PG_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const arg = (n: string, d: string): string => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? process.argv[i + 1] : d;
};
const ITEMS = Number(arg("items", "100000"));
const BACKEND = arg("backend", "sqlite");
const LOOKUPS = Number(arg("lookups", "2000"));
const log = (m: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

const ITEM_COLS = `${eventCols("i")}, i.batch_root, i.leaf_index, i.tree_index, i.item_digest, i.asset_id, i.label, i.leaf_hash`;
const BATCH_COLS = `${eventCols("b")}, b.root, b.exchange, b.asset_id, b.leaf_count, b.manifest_cid, b.manifest_status, b.manifest_error`;
const ITEM_SQL = `SELECT ${ITEM_COLS}, b.root AS b_root FROM evidence_items i
     JOIN evidence_batches b ON b.chain_id = i.chain_id AND b.block_number = i.block_number AND b.log_index = i.log_index
     WHERE i.item_digest = ? AND b.manifest_status = 'valid' ORDER BY i.block_number, i.log_index, i.leaf_index LIMIT 100`;

interface ItemRow {
  chain_id: number;
  block_number: number;
  log_index: number;
  leaf_index: number;
  tree_index: number;
  batch_root: string;
  leaf_hash: string;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-api-fix-"));
  const schema = `bench_apifix_${process.pid}`;
  const file = path.join(dir, "fix.sqlite");
  const db: Db = BACKEND === "postgres" ? await createPostgresDb(PG_URL, { schema }) : createSqliteDb(file);
  const blob = BACKEND === "postgres" ? "BYTEA" : "BLOB";
  const size = async (tables: string[]): Promise<number> => {
    if (BACKEND === "postgres") {
      const r = await db.get<{ s: string }>(`SELECT (${tables.map((t) => `pg_total_relation_size('${t}')`).join(" + ")})::text AS s`);
      return Number(r!.s);
    }
    await db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return fs.statSync(file).size;
  };
  try {
    await migrate(db);
    const sampleFile = path.join(dir, "sample.txt");
    log(`${BACKEND}: populating ${ITEMS} items, load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
    // evidence_items.proof (migration 2) is left NULL here: the base size is the store without proofs
    const proofColumn = await db.all("SELECT proof FROM evidence_items WHERE 1 = 0").then(
      () => true,
      () => false,
    );
    const pop = await populate(db, { items: ITEMS, batchSize: 10_000, sampleFile, sampleSize: 50_000, checkEvery: 0, proofColumn, storedProofs: false, log });
    const base = await size(["evidence_items", "evidence_batches"]);
    const sample = fs.readFileSync(sampleFile, "utf8").split("\n").filter(Boolean).map((l) => l.split(" ")[0]);

    const noRowid = BACKEND === "sqlite" ? " WITHOUT ROWID" : "";
    await db.exec(
      `CREATE TABLE evidence_proofs (chain_id INTEGER NOT NULL, block_number BIGINT NOT NULL, log_index INTEGER NOT NULL, leaf_index INTEGER NOT NULL, proof ${blob} NOT NULL, PRIMARY KEY (chain_id, block_number, log_index, leaf_index))${noRowid}`,
    );
    await db.exec(
      `CREATE TABLE evidence_tree_nodes (chain_id INTEGER NOT NULL, block_number BIGINT NOT NULL, log_index INTEGER NOT NULL, tree_index INTEGER NOT NULL, hash ${blob} NOT NULL, PRIMARY KEY (chain_id, block_number, log_index, tree_index))${noRowid}`,
    );
    const batches = await db.all<{ chain_id: number; block_number: number; log_index: number; root: string }>("SELECT chain_id, block_number, log_index, root FROM evidence_batches ORDER BY block_number");
    let tProofs = 0;
    let tNodes = 0;
    let tTree = 0;
    for (const b of batches) {
      let t = performance.now();
      const leaves = await db.all<{ leaf_index: number; tree_index: number; leaf_hash: string }>(
        "SELECT leaf_index, tree_index, leaf_hash FROM evidence_items WHERE chain_id = ? AND block_number = ? AND log_index = ? ORDER BY leaf_index",
        [b.chain_id, b.block_number, b.log_index],
      );
      const tree = buildTreeFromLeaves(leaves.map((l) => ({ treeIndex: Number(l.tree_index), leafHash: l.leaf_hash })));
      tTree += performance.now() - t;
      const key: SqlValue[] = [b.chain_id, b.block_number, b.log_index];
      t = performance.now();
      const proofRows = leaves.map((l) => [...key, l.leaf_index, Buffer.concat(treeProof(tree, Number(l.tree_index)).map((h) => Buffer.from(h.slice(2), "hex")))]);
      await db.transaction((tx) => insertValues(tx, "evidence_proofs", ["chain_id", "block_number", "log_index", "leaf_index", "proof"], proofRows as unknown as SqlValue[][]));
      tProofs += performance.now() - t;
      t = performance.now();
      const nodeRows: unknown[][] = [];
      for (let i = 0; i < 2 * tree.leaves - 1; i++) nodeRows.push([...key, i, tree.nodes.subarray(i * 32, i * 32 + 32)]);
      await db.transaction((tx) => insertValues(tx, "evidence_tree_nodes", ["chain_id", "block_number", "log_index", "tree_index", "hash"], nodeRows as SqlValue[][]));
      tNodes += performance.now() - t;
    }
    if (BACKEND === "postgres") await db.exec("ANALYZE");
    const withProofs = await size(["evidence_items", "evidence_batches", "evidence_proofs"]);
    const withAll = await size(["evidence_items", "evidence_batches", "evidence_proofs", "evidence_tree_nodes"]);
    // SQLite: one file; the two tables' shares are measured by dropping them in turn below.
    let proofsBytes = withProofs - base;
    let nodesBytes = withAll - withProofs;
    if (BACKEND === "sqlite") {
      const pages = async (t: string): Promise<number> => {
        try {
          const r = await db.get<{ n: number }>("SELECT SUM(pgsize) AS n FROM dbstat WHERE name = ?", [t]);
          return Number(r?.n ?? NaN);
        } catch {
          return NaN;
        }
      };
      proofsBytes = await pages("evidence_proofs");
      nodesBytes = await pages("evidence_tree_nodes");
      if (Number.isNaN(proofsBytes)) proofsBytes = nodesBytes = withAll - base; // dbstat not compiled in: total only
    }

    const lat = { current_itemQuery: [] as number[], batchQuery: [] as number[], A_proofQuery: [] as number[], B_nodesQuery: [] as number[], A_total: [] as number[], B_total: [] as number[] };
    let bad = 0;
    for (let k = 0; k < LOOKUPS; k++) {
      const digest = sample[Math.floor(Math.random() * sample.length)];
      const t0 = performance.now();
      const r = (await db.all<ItemRow>(ITEM_SQL, [digest]))[0];
      const t1 = performance.now();
      await db.get(`SELECT ${BATCH_COLS} FROM evidence_batches b WHERE b.root = ? ORDER BY b.block_number LIMIT 1`, [r.batch_root]);
      const t2 = performance.now();
      const pr = await db.get<{ proof: Buffer }>("SELECT proof FROM evidence_proofs WHERE chain_id = ? AND block_number = ? AND log_index = ? AND leaf_index = ?", [
        r.chain_id, r.block_number, r.log_index, r.leaf_index,
      ]);
      const proofA: string[] = [];
      for (let o = 0; o < pr!.proof.length; o += 32) proofA.push(`0x${pr!.proof.subarray(o, o + 32).toString("hex")}`);
      const t3 = performance.now();
      const sib: number[] = [];
      for (let i = Number(r.tree_index); i > 0; i = Math.floor((i - 1) / 2)) sib.push(i % 2 === 1 ? i + 1 : i - 1);
      const nodes = await db.all<{ tree_index: number; hash: Buffer }>(
        `SELECT tree_index, hash FROM evidence_tree_nodes WHERE chain_id = ? AND block_number = ? AND log_index = ? AND tree_index IN (${sib.map(() => "?").join(", ")})`,
        [r.chain_id, r.block_number, r.log_index, ...sib],
      );
      const byIndex = new Map(nodes.map((n) => [Number(n.tree_index), `0x${Buffer.from(n.hash).toString("hex")}`]));
      const proofB = sib.map((i) => byIndex.get(i)!);
      const t4 = performance.now();
      lat.current_itemQuery.push(t1 - t0);
      lat.batchQuery.push(t2 - t1);
      lat.A_proofQuery.push(t3 - t2);
      lat.B_nodesQuery.push(t4 - t3);
      lat.A_total.push(t3 - t0);
      lat.B_total.push(t2 - t0 + (t4 - t3));
      if (processProof(r.leaf_hash, proofA) !== r.batch_root || processProof(r.leaf_hash, proofB) !== r.batch_root) bad++;
    }
    const out = {
      date: new Date().toISOString(),
      backend: BACKEND,
      items: ITEMS,
      loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      populateSeconds: pop.seconds,
      baseStoreBytesPerItem: base / ITEMS,
      A_proofs: { bytesPerItem: proofsBytes / ITEMS, buildAndInsertSeconds: (tProofs + tTree) / 1000 },
      B_nodes: { bytesPerItem: nodesBytes / ITEMS, buildAndInsertSeconds: (tNodes + tTree) / 1000 },
      treeRebuildSecondsIncluded: tTree / 1000,
      lookups: LOOKUPS,
      proofFailures: bad,
      latencyMs: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, summarise(Float64Array.from(v))])),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    if (!process.argv.includes("--no-save")) saveResults([], [out]);
  } finally {
    await db.close();
    if (BACKEND === "postgres") await dropPostgresSchema(PG_URL, schema);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
