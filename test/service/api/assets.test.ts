import { expect } from "chai";
import request from "supertest";
import { A, ASSET1, ASSET2, ASSET3, BACKENDS, C, CHAIN, L1, L1_END, L2, L2_REVOKED_AT, L3, T1, T2, T4, P0, P1, BATCH_ROOT, BAD_ROOT, INDEXED_BLOCK, ITEMS, timeOf, useFixtureApi } from "./fixture";

for (const backend of BACKENDS) {
  describe(`API assets and provenance (${backend.name})`, function () {
    const h = useFixtureApi(backend);

    describe("GET /v1/assets", () => {
      it("should list newest first with current holder, status and the indexed head", async () => {
        const res = await request(h.app).get("/v1/assets").expect(200);
        expect(res.body.data.map((a: { assetId: string }) => a.assetId)).to.deep.equal([ASSET3, ASSET2, ASSET1]);
        const a2 = res.body.data[1];
        expect(a2).to.include({ holder: A.m4, registeredHolder: A.m1, status: "pledged", pledged: true, frozen: false, kind: "product", exchangeCode: "SHDE" });
        expect(a2.parents).to.deep.equal([ASSET1]);
        expect(a2.registered).to.include({ chainId: CHAIN, blockNumber: 6, blockTime: timeOf(6), final: true, contract: C.registry });
        expect(res.body.data[0].status).to.equal("frozen");
        expect(res.body.data[2].status).to.equal("registered");
        expect(res.body.meta.heads[0]).to.include({ chainId: CHAIN, indexedBlock: 40, chainHead: 42, lag: 2, finalBlock: 40 });
        expect(res.body.page).to.deep.equal({ nextCursor: null, limit: 50 });
      });

      it("should filter by kind, source, level, holder, exchange, status and registration-number prefix", async () => {
        const ids = async (qs: string): Promise<string[]> =>
          (await request(h.app).get(`/v1/assets?${qs}`).expect(200)).body.data.map((a: { assetId: string }) => a.assetId);
        expect(await ids("kind=model")).to.deep.equal([ASSET3]);
        expect(await ids("source=enterprise&level=general")).to.have.length(3);
        expect(await ids("source=public")).to.deep.equal([]);
        expect(await ids(`holder=${A.m2}`)).to.deep.equal([ASSET3, ASSET1]);
        expect(await ids(`holder=${A.m1}`)).to.deep.equal([]);
        expect(await ids(`exchange=${A.exB}`)).to.deep.equal([ASSET3]);
        expect(await ids("status=frozen")).to.deep.equal([ASSET3]);
        expect(await ids("status=pledged")).to.deep.equal([ASSET2]);
        expect(await ids("status=registered")).to.deep.equal([ASSET1]);
        expect(await ids("q=shde-2026")).to.deep.equal([ASSET2, ASSET1]);
        expect(await ids("q=GZDE-2026-ME")).to.deep.equal([ASSET3]);
      });

      it("should page with a cursor and bound the page size", async () => {
        const first = await request(h.app).get("/v1/assets?limit=2").expect(200);
        expect(first.body.data).to.have.length(2);
        expect(first.body.page.nextCursor).to.be.a("string");
        const second = await request(h.app).get(`/v1/assets?limit=2&cursor=${first.body.page.nextCursor}`).expect(200);
        expect(second.body.data.map((a: { assetId: string }) => a.assetId)).to.deep.equal([ASSET1]);
        expect(second.body.page.nextCursor).to.equal(null);
        const big = await request(h.app).get("/v1/assets?limit=201").expect(400);
        expect(big.body.error).to.include({ code: "bad_request", field: "query.limit" });
        await request(h.app).get("/v1/assets?limit=0").expect(400);
        const bad = await request(h.app).get("/v1/assets?cursor=bm90LWEtY3Vyc29y").expect(400);
        expect(bad.body.error.field).to.equal("query.cursor");
      });

      it("should name the field of a bad filter", async () => {
        expect((await request(h.app).get("/v1/assets?kind=film").expect(400)).body.error.field).to.equal("query.kind");
        expect((await request(h.app).get("/v1/assets?holder=0x12").expect(400)).body.error.field).to.equal("query.holder");
        expect((await request(h.app).get("/v1/assets?q=a%25b").expect(400)).body.error.field).to.equal("query.q");
        expect((await request(h.app).get("/v1/assets?colour=red").expect(400)).body.error.message).to.match(/colour/);
      });
    });

    describe("GET /v1/assets/{id} and lookups", () => {
      it("should find an asset by id, registration number and content digest with or without 0x", async () => {
        const byId = (await request(h.app).get(`/v1/assets/${ASSET2.toUpperCase().replace("0X", "0x")}`).expect(200)).body.data;
        expect(byId.assetId).to.equal(ASSET2);
        const byNo = (await request(h.app).get(`/v1/assets/by-registration/${byId.registrationNumber.toLowerCase()}`).expect(200)).body.data;
        expect(byNo.assetId).to.equal(ASSET2);
        expect((await request(h.app).get(`/v1/assets/by-digest/${ASSET2.slice(2)}`).expect(200)).body.data.assetId).to.equal(ASSET2);
        expect((await request(h.app).get(`/v1/assets/by-digest/${ASSET2}`).expect(200)).body.data.assetId).to.equal(ASSET2);
      });

      it("should answer 400 for malformed ids and 404 for unknown ones", async () => {
        const bad = await request(h.app).get("/v1/assets/0x1234").expect(400);
        expect(bad.body.error).to.include({ code: "bad_request", field: "params.id" });
        const unknown = await request(h.app).get(`/v1/assets/0x${"ab".repeat(32)}`).expect(404);
        expect(unknown.body.error.code).to.equal("not_found");
        const check = await request(h.app).get("/v1/assets/by-registration/SHDE-2026-RE-00000001-0").expect((r) => expect([400, 404]).to.include(r.status));
        if (check.status === 400) expect(check.body.error.field).to.equal("params.registrationNumber");
        await request(h.app).get("/v1/assets/by-digest/xyz").expect(400);
        await request(h.app).get("/v1/nothing-here").expect(404);
      });
    });

    describe("GET /v1/assets/{id}/provenance", () => {
      it("should walk lineage up and down with a depth limit", async () => {
        const r = (await request(h.app).get(`/v1/assets/${ASSET2}/provenance`).expect(200)).body.data;
        expect(r.lineage.up.nodes.map((n: { assetId: string }) => n.assetId)).to.deep.equal([ASSET1]);
        expect(r.lineage.down.nodes.map((n: { assetId: string }) => n.assetId)).to.deep.equal([ASSET3]);
        const r3 = (await request(h.app).get(`/v1/assets/${ASSET3}/provenance?depth=1`).expect(200)).body.data;
        expect(r3.lineage.up.nodes.map((n: { assetId: string }) => n.assetId).sort()).to.deep.equal([ASSET1, ASSET2].sort());
        expect(r3.lineage.up.nodes.every((n: { depth: number }) => n.depth === 1)).to.equal(true);
        const r1 = (await request(h.app).get(`/v1/assets/${ASSET1}/provenance?depth=0`).expect(200)).body.data;
        expect(r1.lineage.down.nodes).to.deep.equal([]);
        expect(r1.lineage.down.truncated).to.equal(true);
        expect((await request(h.app).get(`/v1/assets/${ASSET1}/provenance?depth=21`).expect(400)).body.error.field).to.equal("query.depth");
      });

      it("should give holders over time, licences with terms and revocations, trades, pledges, freezes and evidence", async () => {
        const r = (await request(h.app).get(`/v1/assets/${ASSET2}/provenance`).expect(200)).body.data;
        expect(r.rights.holders.map((p: { holder: string }) => p.holder)).to.deep.equal([A.m1, A.m4]);
        expect(r.rights.holders[0].until.blockNumber).to.equal(14);
        const l2 = r.rights.licences.find((l: { licenceId: string }) => l.licenceId === L2);
        expect(l2).to.include({ state: "revoked", effectiveEnd: L2_REVOKED_AT, right: "operating", sublicensable: true });
        expect(l2.revocation).to.include({ by: A.m1, byRegulator: false, reason: "breach of scope" });
        expect(l2.revocation.event).to.include({ blockNumber: 12 });
        const l3 = r.rights.licences.find((l: { licenceId: string }) => l.licenceId === L3);
        expect(l3).to.include({ tradeId: T2, state: "expired" });
        expect(r.trades.map((t: { tradeId: string }) => t.tradeId)).to.deep.equal([T2, T4]);
        expect(r.trades[0].linkedTrade.tradeId).to.equal(T1);
        expect(r.pledges.map((p: { pledgeId: string; status: string }) => [p.pledgeId, p.status])).to.deep.equal([[P1, "active"]]);
        expect(r.evidence.items.map((i: { itemDigest: string }) => i.itemDigest)).to.deep.equal([ITEMS[2]!.digest]);
        expect(r.evidence.items[0].batchRoot).to.equal(BATCH_ROOT);
        for (const e of [r.rights.holders[0].since, l2.granted, r.trades[0].event, r.pledges[0].registered, r.evidence.items[0].anchored]) {
          expect(e.txHash).to.match(/^0x[0-9a-f]{64}$/);
          expect(e.blockNumber).to.be.a("number");
          expect(e.blockTime).to.be.a("number");
        }
        const r1 = (await request(h.app).get(`/v1/assets/${ASSET1}/provenance`).expect(200)).body.data;
        const l1 = r1.rights.licences.find((l: { licenceId: string }) => l.licenceId === L1);
        expect(l1).to.include({ state: "expired", end: L1_END, revocation: null });
        expect(r1.pledges[0]).to.include({ pledgeId: P0, status: "released" });
        expect(r1.pledges[0].closed).to.include({ status: "released", by: A.m3 });
        expect(r1.trades.at(-1).event.final).to.equal(true);
        const r3 = (await request(h.app).get(`/v1/assets/${ASSET3}/provenance`).expect(200)).body.data;
        expect(r3.freezes).to.have.length(1);
        expect(r3.freezes[0]).to.include({ frozen: true, regulator: A.regulator });
        expect(r3.evidence.batches.map((b: { root: string; manifestStatus: string }) => [b.root, b.manifestStatus])).to.deep.equal([[BAD_ROOT, "mismatch"]]);
      });
    });

    describe("GET /v1/assets/{id}/rights", () => {
      it("should give the holder and licences in force at a time", async () => {
        const at = async (qs: string) => (await request(h.app).get(`/v1/assets/${ASSET1}/rights?${qs}`).expect(200)).body.data;
        const before = await at(`at=${timeOf(5) - 1}`);
        expect(before.holder).to.equal(null);
        const t8 = await at(`at=${timeOf(8)}`);
        expect(t8.holder.address).to.equal(A.m1);
        expect(t8.licences.map((l: { licenceId: string }) => l.licenceId)).to.deep.equal([L1]);
        const t11 = await at(`at=${timeOf(11)}`);
        expect(t11.holder.address).to.equal(A.m2);
        expect(t11.licences).to.deep.equal([]);
        const t16 = await at("block=16");
        expect(t16).to.include({ block: 16, time: timeOf(16), pledged: true });
        const t17 = await at("block=17");
        expect(t17.pledged).to.equal(false);
      });

      it("should see a revocation only from its time on", async () => {
        const at = async (qs: string) => (await request(h.app).get(`/v1/assets/${ASSET2}/rights?${qs}`).expect(200)).body.data;
        expect((await at("block=11")).licences.map((l: { licenceId: string }) => l.licenceId).sort()).to.deep.equal([L2, L3].sort());
        expect((await at("block=12")).licences.map((l: { licenceId: string }) => l.licenceId)).to.deep.equal([L3]);
        expect((await at(`at=${L2_REVOKED_AT - 1}`)).licences.map((l: { licenceId: string }) => l.licenceId)).to.include(L2);
      });

      it("should reject both at and block, a block past the head, and non-numbers", async () => {
        expect((await request(h.app).get(`/v1/assets/${ASSET1}/rights?at=1&block=2`).expect(400)).body.error.field).to.equal("query.at");
        expect((await request(h.app).get(`/v1/assets/${ASSET1}/rights?block=41`).expect(400)).body.error.field).to.equal("query.block");
        expect((await request(h.app).get(`/v1/assets/${ASSET1}/rights?at=yesterday`).expect(400)).body.error.field).to.equal("query.at");
        const future = (await request(h.app).get(`/v1/assets/${ASSET1}/rights?at=${timeOf(INDEXED_BLOCK) + 1}`).expect(400)).body.error;
        expect(future).to.include({ code: "bad_request", field: "query.at" });
        expect(future.message).to.equal(`query.at: at ${timeOf(INDEXED_BLOCK) + 1} is after the indexed head's time ${timeOf(INDEXED_BLOCK)} (block ${INDEXED_BLOCK}); ask for a time at or before it`);
        expect((await request(h.app).get(`/v1/assets/${ASSET1}/rights?at=${timeOf(INDEXED_BLOCK)}`).expect(200)).body.data.time).to.equal(timeOf(INDEXED_BLOCK));
        await request(h.app).get(`/v1/assets/0x${"cd".repeat(32)}/rights`).expect(404);
      });
    });
  });
}
