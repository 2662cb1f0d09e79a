import { expect } from "chai";
import request from "supertest";
import { processProof } from "../../../service/src/api/queries/evidence-tree-cache";
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

    it("should serve the proof as the indexer stored it, so that a client's own check exposes a store tampered with since", async () => {
      // `valid` is the indexer's check at index time (the manifest rebuilt the anchored root); the lookup does no
      // hashing (issue 10). What an auditor trusts is its own fold of the proof to the anchored root.
      const o = (await request(h.app).get(`/v1/evidence/items/${ITEMS[2]!.digest}`).expect(200)).body.data.occurrences[0];
      expect(o.proof).to.deep.equal([`0x${"11".repeat(32)}`, `0x${"11".repeat(32)}`]);
      expect(processProof(o.leaf, o.proof)).to.not.equal(o.batch.root);
      const good = (await request(h.app).get(`/v1/evidence/items/${ITEMS[0]!.digest}`).expect(200)).body.data.occurrences[0];
      expect(processProof(good.leaf, good.proof)).to.equal(good.batch.root);
    });

    it("should answer on the lean path exactly what the router answers, 200 and 404, and count it in the metrics", async () => {
      for (const digest of [ITEMS[0]!.digest, ITEMS[1]!.digest.slice(2).toUpperCase(), `0x${"ab".repeat(32)}`]) {
        const lean = await request(h.app).get(`/v1/evidence/items/${digest}`);
        // an Origin header sends the request through express (CORS is express's)
        const routed = await request(h.app).get(`/v1/evidence/items/${digest}`).set("Origin", "http://example.test");
        expect(routed.headers["access-control-allow-origin"]).to.equal("*");
        expect(lean.headers["access-control-allow-origin"]).to.equal(undefined);
        expect(lean.status).to.equal(routed.status);
        expect(lean.body).to.deep.equal(routed.body);
        expect(lean.headers["content-type"]).to.equal(routed.headers["content-type"]);
      }
      const metrics = (await request(h.app).get("/metrics").expect(200)).text;
      expect(metrics).to.match(/shuquan_api_request_duration_seconds_count\{method="GET",route="\/v1\/evidence\/items\/\{digest\}",status_code="404"\} [1-9]/);
    });
  });
}
