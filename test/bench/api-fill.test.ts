/**
 * The API benchmark's bulk fill (bench/api/fill.ts, evidence-rows.ts) writes the rows the indexer writes: the fast
 * tree builder gives the indexer's `checkManifest` rows column for column, its COPY text reads back as the same rows,
 * and a filled store on either backend answers the evidence lookup with proofs that verify against the anchored root.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import request from "supertest";
import { fillStore } from "../../bench/api/fill";
import { buildBatchColumns, createKeccak256, itemDigest, itemRows, itemsCopyText, ITEM_COLUMNS, keccakMatchesEthers, proofOf } from "../../bench/api/evidence-rows";
import { createApi } from "../../service/src/api";
import { buildManifest } from "../../service/src/digest";
import { checkManifest } from "../../service/src/indexer/manifests";
import { migrate } from "../../service/src/store";
import { BACKENDS, PG_URL } from "../helpers/backends";

const ENCODING = ["bytes32", "uint256"];

describe("API bench fill: evidence rows", () => {
  it("hash-wasm's keccak-256 gives ethers' keccak256", async () => {
    expect(keccakMatchesEthers(await createKeccak256())).to.equal(true);
  });

  for (const n of [1, 2, 3, 16, 257]) {
    it(`a batch of ${n} has checkManifest's rows, column for column`, async () => {
      const c = buildBatchColumns(await createKeccak256(), 1000, n, 7);
      const built = buildManifest(c.digests.map((d, k) => ({ digest: d, assetId: c.assets[k]!, label: c.labels[k]! })));
      expect(c.root).to.equal(built.manifest.root);
      const check = checkManifest(
        { chainId: 31337, blockNumber: 7, logIndex: 0, contract: String(c.batch[1]), txHash: c.txHash, blockTime: c.blockTime, root: c.root, leafCount: n, manifestCid: "bafy", manifestStatus: "pending", manifestAttempts: 0, manifestCheckedAt: null },
        built.bytes,
      );
      if (check.status !== "valid") throw new Error(`checkManifest: ${check.status}`);
      const rows = itemRows(c);
      expect(check.items.map((r) => Object.keys(r))[0]).to.deep.equal([...ITEM_COLUMNS]);
      expect(rows).to.deep.equal(check.items.map((r) => ITEM_COLUMNS.map((col) => (r as Record<string, unknown>)[col])));
    });
  }

  it("COPY text reads back as the same rows", async () => {
    const c = buildBatchColumns(await createKeccak256(), 0, 100, 2);
    const lines = itemsCopyText(c).toString("latin1").split("\n");
    expect(lines.pop()).to.equal("");
    const numeric = new Set(["chain_id", "block_number", "log_index", "block_time", "leaf_index", "tree_index"]);
    expect(lines.map((l) => l.split("\t").map((v, j) => (numeric.has(ITEM_COLUMNS[j]!) ? Number(v) : v)))).to.deep.equal(itemRows(c));
  });

  it("a stored proof verifies against the root; one with a sibling changed does not", async () => {
    const c = buildBatchColumns(await createKeccak256(), 0, 50, 1);
    const proof = (proofOf(c, 17).slice(2).match(/.{64}/g) ?? []).map((h) => `0x${h}`);
    expect(proof).to.have.length(6); // 50 leaves: depth 5 or 6
    expect(StandardMerkleTree.verify(c.root, ENCODING, [c.digests[17], c.assets[17]], proof)).to.equal(true);
    const tampered = [...proof];
    tampered[2] = `0x${"ab".repeat(32)}`;
    expect(StandardMerkleTree.verify(c.root, ENCODING, [c.digests[17], c.assets[17]], tampered)).to.equal(false);
    expect(StandardMerkleTree.verify(c.root, ENCODING, [c.digests[18], c.assets[18]], proof)).to.equal(false);
  });
});

for (const backend of BACKENDS) {
  describe(`API bench fill: a small store (${backend.name})`, function () {
    this.timeout(120_000);

    it("holds every row, the migrated indexes and statistics, and the lookup serves proofs that verify", async () => {
      const opened = await backend.open({ migrate: false });
      const sampleFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-fill-")), "sample.txt");
      try {
        const db = opened.db;
        const schema = opened.locator.split("#")[1];
        const r = await fillStore(db, {
          items: 2500, trades: 300, batchSize: 1000, workers: 1, sampleFile, sampleSize: 30, verifySample: 10, progress: false,
          ...(schema ? { pg: { url: PG_URL, schema } } : {}), log: () => undefined,
        });
        expect(r.lastBlock).to.equal(3);
        expect(r.crossChecked).to.equal(1000);
        expect(r.verified).to.equal(10);
        const count = async (sql: string): Promise<number> => Number((await db.get<{ n: number }>(sql))!.n);
        expect(await count("SELECT COUNT(*) AS n FROM evidence_items")).to.equal(2500);
        expect(await count("SELECT COUNT(*) AS n FROM evidence_batches WHERE manifest_status = 'valid' AND manifest_attempts = 1")).to.equal(3);
        expect(await count("SELECT COUNT(*) AS n FROM evidence_items WHERE proof IS NULL")).to.equal(0);
        expect(await count("SELECT COUNT(*) AS n FROM trades")).to.equal(300);
        expect(await migrate(db)).to.deep.equal([]); // already at the latest version
        // the derived tables the indexer's store keeps per range, built from the loaded rows
        expect(await count("SELECT COUNT(*) AS n FROM current_holders")).to.equal(await count("SELECT COUNT(DISTINCT asset_id) AS n FROM assets"));
        expect(await count("SELECT SUM(trades) AS n FROM activity_days")).to.equal(300);
        expect(await count("SELECT SUM(evidence_items) AS n FROM activity_days")).to.equal(2500);
        expect(await count("SELECT SUM(trades) AS n FROM trade_days")).to.equal(300);
        // one trade in 50 links to the one before it: both ends are linked
        expect(await count("SELECT COUNT(*) AS n FROM linked_trades")).to.equal(12);
        expect(await count("SELECT SUM(trades) AS n FROM price_days")).to.equal(300);

        // the indexes dropped for the load are all back: the same set a migrated empty store has
        const names = async (d: typeof db): Promise<string[]> =>
          d.dialect === "sqlite"
            ? (await d.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")).map((x) => x.name)
            : (await d.all<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname")).map((x) => x.name);
        const fresh = await backend.open();
        try {
          expect(await names(db)).to.deep.equal(await names(fresh.db));
        } finally {
          await fresh.cleanup();
        }
        if (db.dialect === "sqlite") {
          expect(await count("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'evidence_items'")).to.be.greaterThan(0);
          expect((await db.get<{ journal_mode: string }>("PRAGMA journal_mode"))!.journal_mode).to.equal("wal");
        } else {
          // COPY FREEZE: every page all-visible, as autovacuum leaves settled rows (ANALYZE copied the count from the map)
          for (const table of ["evidence_items", "trades"]) {
            const r = await db.get<{ pages: number; visible: number }>(
              "SELECT relpages AS pages, relallvisible AS visible FROM pg_class WHERE oid = to_regclass(?)",
              [`${schema}.${table}`],
            );
            expect(Number(r!.pages)).to.be.greaterThan(0);
            expect(Number(r!.visible)).to.equal(Number(r!.pages));
          }
        }

        // the lookup (through the API) serves a stored proof that verifies against the anchored root
        const app = createApi({ db, indexerStatus: () => ({ chains: [] }), logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
        for (const i of [0, 1503, 2499]) {
          const res = await request(app).get(`/v1/evidence/items/${itemDigest(i)}`).expect(200);
          const [occ] = res.body.data.occurrences as { assetId: string; proof: string[]; valid: boolean; batch: { root: string } }[];
          expect(occ!.valid).to.equal(true);
          expect(StandardMerkleTree.verify(occ!.batch.root, ENCODING, [itemDigest(i), occ!.assetId], occ!.proof)).to.equal(true);
        }
        await request(app).get(`/v1/evidence/items/${itemDigest(2500)}`).expect(404);
      } finally {
        await opened.cleanup();
        fs.rmSync(path.dirname(sampleFile), { recursive: true, force: true });
      }
    });
  });
}
