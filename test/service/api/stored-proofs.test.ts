import { expect } from "chai";
import request from "supertest";
import { BACKENDS, BATCH_ROOT, EVIDENCE_TREE, ITEMS, useFixtureApi } from "./fixture";

for (const backend of BACKENDS) {
  describe(`API evidence with proofs stored at index time (${backend.name})`, () => {
    const h = useFixtureApi(backend);
    before(async () => {
      // the column of store migration 2 (docs/indexer.md, evidence_items.proof): sibling hashes concatenated as one
      // hex string. The migrated schema has it; add it only to an older one.
      const cols = h.db.dialect === "sqlite"
        ? await h.db.all<{ name: string }>("SELECT name FROM pragma_table_info('evidence_items')")
        : await h.db.all<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'evidence_items' AND table_schema = current_schema()");
      if (!cols.some((c) => c.name === "proof")) await h.db.exec("ALTER TABLE evidence_items ADD COLUMN proof TEXT");
      for (const [i, it] of ITEMS.entries()) {
        const proof = EVIDENCE_TREE.getProof(i);
        await h.db.run("UPDATE evidence_items SET proof = ? WHERE item_digest = ?", [`0x${proof.map((p) => p.slice(2)).join("")}`, it.digest]);
      }
      // a corrupted stored proof must be reported, not served as valid
      await h.db.run("UPDATE evidence_items SET proof = ? WHERE item_digest = ?", [`0x${"11".repeat(64)}`, ITEMS[2]!.digest]);
    });

    it("should serve the stored proof without building a tree", async () => {
      const o = (await request(h.app).get(`/v1/evidence/items/${ITEMS[0]!.digest}`).expect(200)).body.data.occurrences[0];
      expect(o.proof).to.deep.equal(EVIDENCE_TREE.getProof(0));
      expect(o).to.include({ valid: true });
      expect(o.batch.root).to.equal(BATCH_ROOT);
    });

    it("should flag a stored proof that does not fold to the root", async () => {
      const o = (await request(h.app).get(`/v1/evidence/items/${ITEMS[2]!.digest}`).expect(200)).body.data.occurrences[0];
      expect(o.valid).to.equal(false);
    });
  });
}
