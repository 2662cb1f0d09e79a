/**
 * The receipt verifier's retry queue (store/manifest-queue.ts, shared with evidence): receipt batches whose manifests
 * cannot be fetched are retried with backoff and never hold up the batches anchored after them — the defect issue 14
 * fixed for evidence, which the receipt store had kept (it read pending and unavailable batches together, oldest
 * first, with a LIMIT).
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildReceiptManifest, inputsRoot, sha256Hex } from "../../../service/src/digest";
import { createLocalContentStore, type ContentStore } from "../../../service/src/content";
import { createReceiptVerifier } from "../../../service/src/indexer/receipt-manifests";
import { createSilentLogger } from "../../../service/src/logger";
import { insertRows } from "../../../service/src/store";
import { BACKENDS, type OpenedDb } from "../../helpers/backends";

const common = { logger: createSilentLogger() };
const CHAIN = 31337;
const ANCHOR = "0x" + "a7".repeat(20);
const LICENSEE = "0x" + "b0".repeat(20);

/** A one-receipt manifest, distinct per `tag`. */
function manifest(tag: string) {
  const inputs = [sha256Hex(`input ${tag}`)];
  return buildReceiptManifest([
    {
      licenceId: sha256Hex("licence"),
      licensee: LICENSEE,
      purposeDigest: sha256Hex("scope"),
      inputsRoot: inputsRoot(inputs),
      inputs,
      outputDigest: sha256Hex(`out ${tag}`),
      parametersDigest: sha256Hex("{}"),
      start: 100,
      end: 200,
    },
  ]);
}

for (const backend of BACKENDS) {
  describe(`receipt manifest retry queue (${backend.name})`, function () {
    this.timeout(60_000);
    let o: OpenedDb;
    let dir: string;
    let content: ContentStore;
    beforeEach(async () => {
      o = await backend.open();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-receipts-"));
      content = createLocalContentStore(dir);
    });
    afterEach(async () => {
      await o.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Anchors a batch per manifest, one block each, in order; `present` ones can be fetched. */
    async function anchor(list: { root: string; cid: string }[], firstBlock: number): Promise<void> {
      await insertRows(
        o.db,
        "receipt_batches",
        list.map((m, i) => ({
          chain_id: CHAIN,
          contract: ANCHOR,
          block_number: firstBlock + i,
          log_index: 0,
          tx_hash: sha256Hex(`tx ${firstBlock + i}`),
          block_time: 1_000 + firstBlock + i,
          root: m.root,
          submitter: LICENSEE,
          leaf_count: 1,
          manifest_cid: m.cid,
        })),
      );
    }

    it("should not hold up later receipt batches behind unavailable ones, and retry those with backoff", async () => {
      const elsewhere = createLocalContentStore(path.join(dir, "elsewhere"));
      const missing = [];
      for (let i = 0; i < 55; i++) {
        const m = manifest(`missing ${i}`);
        missing.push({ root: m.manifest.root, cid: await elsewhere.put(m.bytes) });
      }
      const later = [];
      for (let i = 0; i < 60; i++) {
        const m = manifest(`present ${i}`);
        later.push({ root: m.manifest.root, cid: await content.put(m.bytes) });
      }
      await anchor(missing, 1);
      await anchor(later, 100);
      const verifier = createReceiptVerifier(common, { db: o.db, content, retryBaseMs: 60_000 });
      const passes = [];
      for (let i = 0; i < 4; i++) passes.push(await verifier.runOnce(CHAIN));
      expect(passes.reduce((n, p) => n + p.unavailable, 0)).to.equal(55); // each missing one tried once: not due again for a minute
      expect(passes.reduce((n, p) => n + p.valid, 0)).to.equal(60);
      const counts = await o.db.all<{ manifest_status: string; n: number }>(
        "SELECT manifest_status, COUNT(*) AS n FROM receipt_batches GROUP BY manifest_status ORDER BY manifest_status",
      );
      expect(counts.map((c) => [c.manifest_status, Number(c.n)])).to.deep.equal([
        ["unavailable", 55],
        ["valid", 60],
      ]);
      expect(await o.db.all("SELECT * FROM receipts")).to.have.length(60);
      const retry = await o.db.get<{ lo: number; hi: number }>(
        "SELECT MIN(manifest_retry_at) AS lo, MAX(manifest_retry_at) AS hi FROM receipt_batches WHERE manifest_status = 'unavailable'",
      );
      expect(Number(retry!.lo)).to.be.greaterThan(Date.now() + 50_000);
      expect(Number(retry!.hi)).to.be.at.most(Date.now() + 60_000);
      const valid = await o.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM receipt_batches WHERE manifest_retry_at IS NOT NULL AND manifest_status = 'valid'");
      expect(Number(valid!.n)).to.equal(0);
    });

    it("should retry an unavailable receipt manifest once due, and index it when it can be fetched", async () => {
      const m = manifest("late");
      const cid = await createLocalContentStore(path.join(dir, "elsewhere")).put(m.bytes);
      await anchor([{ root: m.manifest.root, cid }], 1);
      const verifier = createReceiptVerifier(common, { db: o.db, content, retryBaseMs: 1 });
      expect(await verifier.runOnce(CHAIN)).to.include({ unavailable: 1, valid: 0 });
      await content.put(m.bytes);
      await new Promise((r) => setTimeout(r, 10)); // due after the backoff (1 ms base, doubled once)
      expect(await verifier.runOnce(CHAIN)).to.include({ unavailable: 0, valid: 1 });
      const row = await o.db.get<{ manifest_status: string; manifest_attempts: number; manifest_retry_at: number | null }>(
        "SELECT manifest_status, manifest_attempts, manifest_retry_at FROM receipt_batches",
      );
      expect(row).to.deep.include({ manifest_status: "valid", manifest_retry_at: null });
      expect(Number(row!.manifest_attempts)).to.equal(2);
    });
  });
}
