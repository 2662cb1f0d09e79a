import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import request from "supertest";
import { buildOwnershipStatement, ownershipDomain, OWNERSHIP_TYPES, ownershipTypedMessage } from "../../../service/src/digest/ownership-statement";
import { A, ASSET1, ASSET2, BACKENDS, BAD_ROOT, BATCH_ROOT, CHAIN, ITEMS, P0, P1, T1, T2, T3, T4, T5, W, timeOf, useFixtureApi } from "./fixture";
import { expectCurrencyWithin } from "../../helpers/price-accuracy";

for (const backend of BACKENDS) {
  describe(`API participants, trades, stats, pledges, evidence, ownership (${backend.name})`, function () {
    const h = useFixtureApi(backend);

    describe("participants", () => {
      it("should list exchanges and find one by address or code", async () => {
        const list = (await request(h.app).get("/v1/exchanges").expect(200)).body.data;
        expect(list.map((e: { code: string }) => e.code)).to.deep.equal(["SHDE", "GZDE"]);
        const byCode = (await request(h.app).get("/v1/exchanges/shde").expect(200)).body.data;
        expect(byCode).to.include({ address: A.exA, status: "active", name: "Shanghai Data Exchange" });
        expect((await request(h.app).get(`/v1/exchanges/${A.exB}`).expect(200)).body.data.code).to.equal("GZDE");
        await request(h.app).get("/v1/exchanges/ZZZZ").expect(404);
        expect((await request(h.app).get("/v1/exchanges/not-a-code").expect(400)).body.error.field).to.equal("params.exchange");
      });

      it("should list merchants with status, and show a merchant's recognitions", async () => {
        const all = (await request(h.app).get("/v1/merchants").expect(200)).body.data;
        expect(all).to.have.length(5);
        const suspended = (await request(h.app).get("/v1/merchants?status=suspended").expect(200)).body.data;
        expect(suspended.map((m: { address: string }) => m.address)).to.deep.equal([A.m5]);
        expect(suspended[0].active).to.equal(false);
        const ofB = (await request(h.app).get(`/v1/merchants?exchange=${A.exB}`).expect(200)).body.data;
        expect(ofB.map((m: { address: string }) => m.address).sort()).to.deep.equal([A.m2, A.m3].sort());
        const m1 = (await request(h.app).get(`/v1/merchants/${A.m1}`).expect(200)).body.data;
        expect(m1.recognisedAt).to.deep.equal(
          [{ exchange: A.exA, path: "home" }, { exchange: A.exB, path: "whole-exchange" }].sort((a, b) => (a.exchange < b.exchange ? -1 : 1)),
        );
        const m5 = (await request(h.app).get(`/v1/merchants/${A.m5}`).expect(200)).body.data;
        expect(m5.statusHistory[0]).to.include({ status: "suspended", byRegulator: true, reason: "licence withdrawn" });
        await request(h.app).get(`/v1/merchants/0x${"12".repeat(20)}`).expect(404);
      });

      it("should answer the recognition question by every path", async () => {
        const rec = async (m: string, e: string) => (await request(h.app).get(`/v1/recognition?merchant=${m}&exchange=${e}`).expect(200)).body.data;
        expect(await rec(A.m1, A.exA)).to.include({ recognised: true, path: "home" });
        expect(await rec(A.m1, A.exB)).to.include({ recognised: true, path: "whole-exchange" });
        expect(await rec(A.m2, A.exA)).to.include({ recognised: true, path: "single-merchant" });
        expect(await rec(A.m3, A.exA)).to.include({ recognised: false, path: "none" });
        expect(await rec(A.m5, A.exA)).to.include({ recognised: false, path: "none", reason: "merchant is suspended" });
        expect(await rec(A.m1, A.m2)).to.include({ recognised: false, exchangeStatus: "none" });
        const bad = await request(h.app).get(`/v1/recognition?merchant=${A.m1}`).expect(400);
        expect(bad.body.error.field).to.equal("query.exchange");
        expect(bad.body.error.message).to.equal("query.exchange: exchange is required (an address, 0x followed by 40 hex digits)");
        expect((await request(h.app).get(`/v1/recognition?exchange=${A.exA}`).expect(400)).body.error.message).to.equal(
          "query.merchant: merchant is required (an address, 0x followed by 40 hex digits)",
        );
        // a value that is present but wrong keeps its specific message
        expect((await request(h.app).get(`/v1/recognition?merchant=${A.m1}&exchange=0x12`).expect(400)).body.error.message).to.equal(
          "query.exchange: expected 0x followed by 40 hex digits",
        );
      });
    });

    describe("trades", () => {
      it("should filter by asset, party, exchange, venue and time, newest first", async () => {
        const ids = async (qs: string): Promise<string[]> =>
          (await request(h.app).get(`/v1/trades?${qs}`).expect(200)).body.data.map((t: { tradeId: string }) => t.tradeId);
        expect(await ids("")).to.deep.equal([T5, T4, T3, T2, T1]);
        expect(await ids(`asset=${ASSET2}`)).to.deep.equal([T4, T2]);
        expect(await ids(`party=${A.m4}`)).to.deep.equal([T4, T2]);
        expect(await ids(`exchange=${A.exB}`)).to.deep.equal([T3, T2]);
        expect(await ids("venue=off_exchange")).to.deep.equal([T2]);
        expect(await ids("venue=off-exchange&right=processing")).to.deep.equal([T2]);
        expect(await ids(`from=${timeOf(11)}&to=${timeOf(14)}`)).to.deep.equal([T3, T2]);
        expect(await ids("linked=true")).to.deep.equal([T2, T1]);
        expect(await ids("right=holding&limit=1")).to.deep.equal([T4]);
      });

      it("should return the linked trade both ways and never price a confidential trade", async () => {
        const t2 = (await request(h.app).get(`/v1/trades/${BigInt(T2).toString()}`).expect(200)).body.data;
        expect(t2).to.include({ tradeId: T2, venue: "off-exchange", price: "250000", currency: "CNY", linkedTradeId: T1 });
        expect(t2.linkedTrade).to.include({ tradeId: T1, venue: "on-exchange" });
        const t1 = (await request(h.app).get(`/v1/trades/${T1}`).expect(200)).body.data;
        expect(t1.linkedBy.map((t: { tradeId: string }) => t.tradeId)).to.deep.equal([T2]);
        const t3 = (await request(h.app).get(`/v1/trades/${T3}`).expect(200)).body.data;
        expect(t3).to.include({ confidential: true, price: null, currency: null });
        expect(t3.priceCommitment).to.match(/^0x[0-9a-f]{64}$/);
        const t5 = (await request(h.app).get(`/v1/trades/${T5}`).expect(200)).body.data;
        expect(t5.event.final).to.equal(true);
        await request(h.app).get(`/v1/trades/${T1.replace(/.$/, "f")}`).expect(404);
        expect((await request(h.app).get("/v1/trades/12x").expect(400)).body.error.field).to.equal("params.tradeId");
        expect((await request(h.app).get("/v1/trades?venue=online").expect(400)).body.error.field).to.equal("query.venue");
        expect((await request(h.app).get("/v1/trades?from=-1").expect(400)).body.error.field).to.equal("query.from");
        const reversed = (await request(h.app).get("/v1/trades?from=200&to=100").expect(400)).body.error;
        expect(reversed).to.deep.equal({ code: "bad_request", field: "query.from", message: "query.from: from 200 is after to 100; the range is from <= block time < to" });
        expect((await request(h.app).get("/v1/trades?from=100&to=100").expect(200)).body.data).to.deep.equal([]);
      });
    });

    describe("GET /v1/stats/prices", () => {
      it("should give counts, volume, quartiles per kind and currency, counting confidential trades unpriced", async () => {
        const data = (await request(h.app).get("/v1/stats/prices?groupBy=kind").expect(200)).body.data;
        expect(data.quantileRelativeAccuracy).to.equal(0.01);
        const g = data.groups;
        const by = Object.fromEntries(g.map((x: { group: string }) => [x.group, x]));
        expect(by.resource.tradeCount).to.equal(2);
        expect(by.resource.currencies).to.have.length(1);
        expectCurrencyWithin(by.resource.currencies[0], { currency: "CNY", count: 2, volume: "400000", min: "100000", q1: "150000", median: "200000", q3: "250000", max: "300000" });
        expect(by.product.currencies.map((c: { currency: string }) => c.currency)).to.deep.equal(["CNY", "USD"]);
        expect(by.model).to.deep.equal({ group: "model", tradeCount: 1, confidentialCount: 1, currencies: [] });
      });

      it("should group by exchange and by period", async () => {
        const ex = (await request(h.app).get("/v1/stats/prices?groupBy=exchange").expect(200)).body.data.groups;
        expect(ex.map((x: { group: string; tradeCount: number }) => [x.group, x.tradeCount]).sort()).to.deep.equal([[A.exA, 3], [A.exB, 2]].sort());
        const months = (await request(h.app).get("/v1/stats/prices?groupBy=period&period=month").expect(200)).body.data.groups;
        expect(months.map((x: { group: string; tradeCount: number }) => [x.group, x.tradeCount])).to.deep.equal([["2026-02", 2], ["2026-03", 2], ["2026-07", 1]]);
        const feb = months[0].currencies[0];
        expectCurrencyWithin(feb, { currency: "CNY", count: 2, volume: "350000", min: "100000", q1: "137500", median: "175000", q3: "212500", max: "250000" });
        expect((await request(h.app).get("/v1/stats/prices?groupBy=colour").expect(400)).body.error.field).to.equal("query.groupBy");
        expect((await request(h.app).get("/v1/stats/prices").expect(400)).body.error.field).to.equal("query.groupBy");
        expect((await request(h.app).get("/v1/stats/prices").expect(400)).body.error.message).to.equal("query.groupBy: groupBy is required: one of kind, exchange, period, destination");
        const reversed = (await request(h.app).get("/v1/stats/prices?groupBy=kind&from=200&to=100").expect(400)).body.error;
        expect(reversed).to.include({ field: "query.from" });
        expect(reversed.message).to.match(/from 200 is after to 100/);
      });
    });

    describe("pledges", () => {
      it("should list active and past pledges of an asset and of a lender", async () => {
        const lender = (await request(h.app).get(`/v1/pledges?lender=${A.m3}`).expect(200)).body.data;
        expect(lender.map((p: { pledgeId: string; status: string }) => [p.pledgeId, p.status])).to.deep.equal([[P1, "active"], [P0, "released"]]);
        const active = (await request(h.app).get(`/v1/pledges?lender=${A.m3}&status=active`).expect(200)).body.data;
        expect(active.map((p: { assetId: string }) => p.assetId)).to.deep.equal([ASSET2]);
        const ofAsset = (await request(h.app).get(`/v1/pledges?asset=${ASSET1}`).expect(200)).body.data;
        expect(ofAsset[0]).to.include({ pledgeId: P0, amount: "1000000", currency: "CNY", holder: A.m2 });
        expect((await request(h.app).get("/v1/pledges/2").expect(200)).body.data.pledgeId).to.equal(P1);
        await request(h.app).get("/v1/pledges/99").expect(404);
        expect((await request(h.app).get("/v1/pledges?status=open").expect(400)).body.error.field).to.equal("query.status");
      });
    });

    describe("evidence", () => {
      it("should give an item's batch, leaf and a proof that verifies against the anchored root", async () => {
        const item = ITEMS[0]!;
        const res = (await request(h.app).get(`/v1/evidence/items/${item.digest.slice(2)}`).expect(200)).body.data;
        expect(res.occurrences).to.have.length(1);
        const o = res.occurrences[0];
        expect(o).to.include({ itemDigest: item.digest, assetId: ASSET1, label: item.label, leafIndex: 0, valid: true });
        expect(o.batch).to.include({ root: BATCH_ROOT, manifestStatus: "valid", leafCount: 3, exchange: A.exA });
        expect(o.batch.anchored).to.include({ blockNumber: 21, blockTime: timeOf(21) });
        expect(StandardMerkleTree.verify(BATCH_ROOT, ["bytes32", "uint256"], [item.digest, item.assetId], o.proof)).to.equal(true);
        const noAsset = (await request(h.app).get(`/v1/evidence/items/${ITEMS[1]!.digest}`).expect(200)).body.data.occurrences[0];
        // the leaf's own value (as in the manifest and proofs files), not null: it goes to verifyItem as is
        expect(noAsset).to.include({ assetId: `0x${"0".repeat(64)}`, hasAsset: false, valid: true });
        expect(o.hasAsset).to.equal(true);
        expect(StandardMerkleTree.verify(BATCH_ROOT, ["bytes32", "uint256"], [noAsset.itemDigest, noAsset.assetId], noAsset.proof)).to.equal(true);
        await request(h.app).get(`/v1/evidence/items/0x${"ee".repeat(32)}`).expect(404);
        expect((await request(h.app).get("/v1/evidence/items/0xzz").expect(400)).body.error.field).to.equal("params.digest");
      });

      it("should give batches by root, and items only of a valid batch", async () => {
        const ok = (await request(h.app).get(`/v1/evidence/batches/${BATCH_ROOT}`).expect(200)).body.data;
        expect(ok).to.include({ manifestStatus: "valid", manifestCid: "bafkreimanifestvalid" });
        const items = (await request(h.app).get(`/v1/evidence/batches/${BATCH_ROOT}/items?limit=2`).expect(200)).body;
        expect(items.data.map((i: { leafIndex: number }) => i.leafIndex)).to.deep.equal([0, 1]);
        const rest = (await request(h.app).get(`/v1/evidence/batches/${BATCH_ROOT}/items?cursor=${items.page.nextCursor}`).expect(200)).body;
        expect(rest.data.map((i: { itemDigest: string }) => i.itemDigest)).to.deep.equal([ITEMS[2]!.digest]);
        expect(items.data.map((i: { assetId: string; hasAsset: boolean }) => [i.assetId, i.hasAsset])).to.deep.equal([[ASSET1, true], [`0x${"0".repeat(64)}`, false]]);
        const bad = (await request(h.app).get(`/v1/evidence/batches/${BAD_ROOT}`).expect(200)).body.data;
        expect(bad).to.include({ manifestStatus: "mismatch", assetId: (await request(h.app).get(`/v1/evidence/batches/${BAD_ROOT}`)).body.data.assetId });
        expect((await request(h.app).get(`/v1/evidence/batches/${BAD_ROOT}/items`).expect(200)).body.data).to.deep.equal([]);
        await request(h.app).get(`/v1/evidence/batches/0x${"01".repeat(32)}`).expect(404);
      });
    });

    describe("POST /v1/ownership/verify", () => {
      const statement = (holder: string, block?: number): string =>
        buildOwnershipStatement({ assetId: ASSET1, holder, chainId: CHAIN, block, issuedAt: "2026-11-28T05:00:00Z" });

      it("should accept an EIP-191 statement by the holder at that block", async () => {
        const text = statement(A.m2, 12);
        const signature = await W.m2.signMessage(text);
        const v = (await request(h.app).post("/v1/ownership/verify").send({ assetId: ASSET1, holder: A.m2, block: 12, statement: text, signature, scheme: "eip191" }).expect(200)).body.data;
        expect(v).to.include({ valid: true, signer: A.m2, holderAtBlock: A.m2, block: 12, chainId: CHAIN, final: true });
        expect(v.reasons).to.deep.equal([]);
        expect(v.holderSince.blockNumber).to.equal(10);
      });

      it("should accept an EIP-712 statement at the indexed head", async () => {
        const text = statement(A.m2);
        const types = { OwnershipStatement: [...OWNERSHIP_TYPES.OwnershipStatement] };
        const signature = await W.m2.signTypedData(ownershipDomain(CHAIN), types, ownershipTypedMessage({ assetId: ASSET1, holder: A.m2, statement: text }));
        const v = (await request(h.app).post("/v1/ownership/verify").send({ assetId: ASSET1, holder: A.m2, statement: text, signature, scheme: "eip712" }).expect(200)).body.data;
        expect(v).to.include({ valid: true, block: 40 });
      });

      it("should refuse a holder who did not hold the asset at that block", async () => {
        const text = statement(A.m2, 8);
        const signature = await W.m2.signMessage(text);
        const v = (await request(h.app).post("/v1/ownership/verify").send({ assetId: ASSET1, holder: A.m2, block: 8, statement: text, signature, scheme: "eip191" }).expect(200)).body.data;
        expect(v.valid).to.equal(false);
        expect(v.reasons.map((r: { code: string }) => r.code)).to.deep.equal(["holder_mismatch"]);
        expect(v.holderAtBlock).to.equal(A.m1);
      });

      it("should refuse a signature by someone else, and a statement that says something else", async () => {
        const text = statement(A.m2, 12);
        const forged = await W.m1.signMessage(text);
        const v = (await request(h.app).post("/v1/ownership/verify").send({ assetId: ASSET1, holder: A.m2, block: 12, statement: text, signature: forged, scheme: "eip191" }).expect(200)).body.data;
        expect(v.valid).to.equal(false);
        expect(v.reasons.map((r: { code: string }) => r.code)).to.deep.equal(["signer_mismatch"]);
        const other = statement(A.m2, 13);
        const sig = await W.m2.signMessage(other);
        const w = (await request(h.app).post("/v1/ownership/verify").send({ assetId: ASSET1, holder: A.m2, block: 12, statement: other, signature: sig, scheme: "eip191" }).expect(200)).body.data;
        expect(w.reasons.map((r: { code: string }) => r.code)).to.deep.equal(["statement_mismatch"]);
        const eip712AsPersonal = await W.m2.signMessage("hello");
        const x = (await request(h.app).post("/v1/ownership/verify").send({ assetId: ASSET1, holder: A.m2, statement: text, signature: eip712AsPersonal, scheme: "eip712" }).expect(200)).body.data;
        expect(x.valid).to.equal(false);
      });

      it("should answer 400 naming the field for a malformed body", async () => {
        const base = { assetId: ASSET1, holder: A.m2, statement: "x", signature: `0x${"11".repeat(65)}`, scheme: "eip191" };
        expect((await request(h.app).post("/v1/ownership/verify").send({ ...base, signature: "0x1234" }).expect(400)).body.error.field).to.equal("body.signature");
        expect((await request(h.app).post("/v1/ownership/verify").send({ ...base, holder: "m2" }).expect(400)).body.error.field).to.equal("body.holder");
        expect((await request(h.app).post("/v1/ownership/verify").send({ ...base, scheme: "rsa" }).expect(400)).body.error.field).to.equal("body.scheme");
        expect((await request(h.app).post("/v1/ownership/verify").send({ ...base, block: -1 }).expect(400)).body.error.field).to.equal("body.block");
        const { assetId: _a, scheme: _s, ...partial } = base;
        expect((await request(h.app).post("/v1/ownership/verify").send(partial).expect(400)).body.error.message).to.equal("body.assetId: assetId is required (0x followed by 64 hex digits)");
        expect((await request(h.app).post("/v1/ownership/verify").send({ ...base, scheme: undefined }).expect(400)).body.error.message).to.equal("body.scheme: scheme is required: one of eip191, eip712");
        expect((await request(h.app).post("/v1/ownership/verify").send({ ...base, statement: undefined }).expect(400)).body.error.message).to.equal("body.statement: statement is required (a string)");
        await request(h.app).post("/v1/ownership/verify").set("content-type", "application/json").send("{not json").expect(400);
        const unknown = (await request(h.app).post("/v1/ownership/verify").send({ ...base, assetId: `0x${"ab".repeat(32)}` }).expect(200)).body.data;
        expect(unknown.reasons[0].code).to.equal("asset_not_found");
      });

      it("should answer 413 for a body over the JSON limit and 415 for a body not sent as JSON, as JSON errors", async () => {
        const base = { assetId: ASSET1, holder: A.m2, statement: "x", signature: `0x${"11".repeat(65)}`, scheme: "eip191" };
        const big = await request(h.app).post("/v1/ownership/verify").send({ ...base, statement: "x".repeat(70_000) }).expect(413);
        expect(big.type).to.equal("application/json");
        expect(big.body.error).to.deep.equal({ code: "payload_too_large", message: "body: larger than the 64kb limit for a JSON body", field: "body" });
        const form = await request(h.app).post("/v1/ownership/verify").type("form").send(base).expect(415);
        expect(form.body.error).to.deep.equal({
          code: "unsupported_media_type", message: "body: expected Content-Type: application/json, got application/x-www-form-urlencoded", field: "body",
        });
        const text = await request(h.app).post("/v1/ownership/verify").set("content-type", "text/plain").send(JSON.stringify(base)).expect(415);
        expect(text.body.error.message).to.match(/expected Content-Type: application\/json, got text\/plain/);
        await request(h.app).post("/v1/ownership/verify").set("content-type", "application/json; charset=utf-8").send(JSON.stringify(base)).expect(200);
        const latin = await request(h.app).post("/v1/ownership/verify").set("content-type", "application/json; charset=latin1").send(JSON.stringify(base)).expect(415);
        expect(latin.body.error.code).to.equal("unsupported_media_type");
        const parse = await request(h.app).post("/v1/ownership/verify").set("content-type", "application/json").send("{not json").expect(400);
        expect(parse.body.error).to.include({ code: "bad_request", field: "body" });
        expect(parse.body.error.message).to.match(/^body: malformed JSON/);
      });
    });
  });
}
