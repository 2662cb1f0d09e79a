import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer } from "../../../service/src/indexer";
import { buildManifest, evidenceLeafHash, canonicalJsonBytes } from "../../../service/src/digest";
import { createLocalContentStore, type ContentStore } from "../../../service/src/content";
import { BACKENDS, type OpenedDb } from "../../helpers/backends";
import { createFakeChain, type FakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, L, account, word } from "../../helpers/fake-scenario";

const common = { logger: createSilentLogger() };
const sha = (s: string): string => "0x" + createHash("sha256").update(s).digest("hex");
const EX = account(0x100);

for (const backend of BACKENDS) {
  describe(`indexer/manifests (${backend.name})`, function () {
    this.timeout(60_000);
    let o: OpenedDb;
    let dir: string;
    let content: ContentStore;
    let chain: FakeChain;
    beforeEach(async () => {
      o = await backend.open();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-content-"));
      content = createLocalContentStore(dir);
      chain = createFakeChain();
    });
    afterEach(async () => {
      await o.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const indexerFor = () =>
      createIndexer(common, { db: o.db, chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }], content, manifestRetryBaseMs: 1 });
    const status = async (root: string) =>
      (await o.db.get<{ manifest_status: string; manifest_error: string | null; manifest_attempts: number }>(
        "SELECT manifest_status, manifest_error, manifest_attempts FROM evidence_batches WHERE root = ?",
        [root],
      ))!;

    it("should index the items of a manifest that rebuilds the anchored root", async () => {
      const asset = BigInt(word("asset"));
      const built = buildManifest([
        { digest: sha("receipt 1"), assetId: asset, label: "receipts/1.json" },
        { digest: sha("receipt 2") },
        { digest: sha("log 3"), assetId: asset },
      ]);
      const cid = await content.put(built.bytes);
      chain.mine([L.anchored(built.manifest.root, EX, 3, cid)]);
      const indexer = await indexerFor();
      await indexer.catchUp();
      expect(await status(built.manifest.root)).to.include({ manifest_status: "valid", manifest_error: null, manifest_attempts: 1 });
      const items = await o.db.all<Record<string, unknown>>("SELECT * FROM evidence_items ORDER BY leaf_index");
      expect(items).to.have.length(3);
      expect(items[0]).to.include({ item_digest: sha("receipt 1"), label: "receipts/1.json", batch_root: built.manifest.root, block_number: 1 });
      expect(items[1]).to.include({ asset_id: "0x" + "0".repeat(64), label: null });
      // leaf hashes are what EvidenceAnchor.leafOf computes, and proofs rebuild from the stored leaves
      const tree = StandardMerkleTree.of(items.map((i) => [i.item_digest as string, i.asset_id as string]), ["bytes32", "uint256"]);
      expect(tree.root).to.equal(built.manifest.root);
      for (const it of items) {
        expect(it.leaf_hash).to.equal(evidenceLeafHash(it.item_digest as string, it.asset_id as string));
        expect(it.tree_index).to.equal(built.tree.dump().values[it.leaf_index as number].treeIndex);
        const proof = (it.proof as string).slice(2).match(/.{64}/g)!.map((h) => "0x" + h);
        expect(StandardMerkleTree.verify(built.manifest.root, ["bytes32", "uint256"], [it.item_digest as string, it.asset_id as string], proof)).to.equal(true);
      }
    });

    it("should mark a manifest whose items do not rebuild the root as mismatch, indexing no item", async () => {
      const good = buildManifest([{ digest: sha("a") }, { digest: sha("b") }]);
      const forged = { ...good.manifest, items: [{ digest: sha("a"), assetId: "0x" + "0".repeat(64) }, { digest: sha("c"), assetId: "0x" + "0".repeat(64) }] };
      const cid = await content.put(canonicalJsonBytes(forged));
      chain.mine([L.anchored(good.manifest.root, EX, 2, cid)]);
      const indexer = await indexerFor();
      await indexer.catchUp();
      const s = await status(good.manifest.root);
      expect(s.manifest_status).to.equal("mismatch");
      expect(s.manifest_error).to.match(/rebuild root/);
      expect(await o.db.all("SELECT * FROM evidence_items")).to.have.length(0);
      await indexer.verifyManifests(); // mismatch is final: not retried
      expect((await status(good.manifest.root)).manifest_attempts).to.equal(1);
    });

    it("should mark a leaf count that differs from the anchored one as mismatch", async () => {
      const m = buildManifest([{ digest: sha("x") }, { digest: sha("y") }]);
      const cid = await content.put(m.bytes);
      chain.mine([L.anchored(m.manifest.root, EX, 5, cid)]);
      const indexer = await indexerFor();
      await indexer.catchUp();
      expect((await status(m.manifest.root)).manifest_status).to.equal("mismatch");
    });

    it("should mark a manifest that is not JSON as mismatch", async () => {
      const cid = await content.put(new TextEncoder().encode("not json"));
      const root = word("root");
      chain.mine([L.anchored(root, EX, 1, cid)]);
      const indexer = await indexerFor();
      await indexer.catchUp();
      expect((await status(root)).manifest_status).to.equal("mismatch");
    });

    it("should mark a missing manifest unavailable, then index it once it can be fetched", async () => {
      const m = buildManifest([{ digest: sha("late") }]);
      const other = createLocalContentStore(path.join(dir, "elsewhere"));
      const cid = await other.put(m.bytes); // same CID, not in the indexer's store yet
      chain.mine([L.anchored(m.manifest.root, EX, 1, cid)]);
      const indexer = await indexerFor();
      await indexer.catchUp();
      expect(await status(m.manifest.root)).to.include({ manifest_status: "unavailable", manifest_attempts: 1 });
      expect(await o.db.all("SELECT * FROM evidence_items")).to.have.length(0);
      await content.put(m.bytes);
      await new Promise((r) => setTimeout(r, 5)); // retry is due after the backoff (1 ms base)
      const r = await indexer.verifyManifests();
      expect(r.valid).to.equal(1);
      expect(await status(m.manifest.root)).to.include({ manifest_status: "valid", manifest_attempts: 2 });
      expect(await o.db.all("SELECT * FROM evidence_items")).to.have.length(1);
    });

    it("should not hold up later batches behind unavailable ones, and retry those with backoff", async () => {
      const other = createLocalContentStore(path.join(dir, "elsewhere"));
      const missing: string[] = [];
      for (let i = 0; i < 55; i++) {
        const m = buildManifest([{ digest: sha(`missing ${i}`) }]);
        missing.push(m.manifest.root);
        chain.mine([L.anchored(m.manifest.root, EX, 1, await other.put(m.bytes))]);
      }
      const later: string[] = [];
      for (let i = 0; i < 60; i++) {
        const m = buildManifest([{ digest: sha(`present ${i}`) }]);
        later.push(m.manifest.root);
        chain.mine([L.anchored(m.manifest.root, EX, 1, await content.put(m.bytes))]);
      }
      const indexer = await createIndexer(common, {
        db: o.db,
        chains: [{ chainId: chain.chainId, transport: chain.transport, contracts: CONTRACTS }],
        content,
        manifestRetryBaseMs: 60_000,
      });
      await indexer.catchUp(); // one pass (50 batches)
      const second = await indexer.verifyManifests();
      const third = await indexer.verifyManifests();
      expect(second.unavailable + third.unavailable).to.equal(5); // the other 50 are not due for a minute
      const counts = await o.db.all<{ manifest_status: string; n: number }>(
        "SELECT manifest_status, COUNT(*) AS n FROM evidence_batches GROUP BY manifest_status ORDER BY manifest_status",
      );
      expect(counts.map((c) => [c.manifest_status, Number(c.n)])).to.deep.equal([
        ["unavailable", 55],
        ["valid", 60],
      ]);
      expect(await o.db.all("SELECT * FROM evidence_items")).to.have.length(60);
      const retry = await o.db.get<{ r: number }>("SELECT MIN(manifest_retry_at) AS r FROM evidence_batches WHERE manifest_status = 'unavailable'");
      expect(Number(retry!.r)).to.be.greaterThan(Date.now() + 50_000);
    });

    it("should drop a valid batch's items when a reorg removes the batch", async () => {
      const m = buildManifest([{ digest: sha("gone") }]);
      const cid = await content.put(m.bytes);
      chain.mine([]);
      chain.mine([L.anchored(m.manifest.root, EX, 1, cid)]);
      const indexer = await indexerFor();
      await indexer.catchUp();
      expect(await o.db.all("SELECT * FROM evidence_items")).to.have.length(1);
      chain.reorgTo(1);
      chain.mineEmpty(3);
      await indexer.catchUp();
      await indexer.catchUp();
      expect(await o.db.all("SELECT * FROM evidence_batches")).to.have.length(0);
      expect(await o.db.all("SELECT * FROM evidence_items")).to.have.length(0);
    });
  });
}
