/**
 * The routes the web page needs: one search box, the lineage graph with its authorising licences, activity over
 * time, an exchange's recognitions, an account's licences, /v1/config — and CORS and the page itself served beside
 * the API without shadowing it.
 */
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { formatRegistrationNumber, tradeIdOf } from "../../../service/src/digest";
import { A, ASSET1, ASSET2, ASSET3, BACKENDS, BATCH_ROOT, ITEMS, L1, L2, L4, L5, T1, fixtureStatus, quietLogger, timeOf, useFixtureApi } from "./fixture";

const REG1 = formatRegistrationNumber({ exchangeCode: "SHDE", registeredAt: timeOf(5), kind: "resource", source: "enterprise", sequence: 1 });

for (const backend of BACKENDS) {
  describe(`API routes for the web page (${backend.name})`, function () {
    const h = useFixtureApi(backend);
    const find = async (q: string) => (await request(h.app).get(`/v1/search?q=${encodeURIComponent(q)}`).expect(200)).body.data;

    describe("GET /v1/search", () => {
      it("should resolve a registration number, in any case, and say why a mistyped one cannot match", async () => {
        expect((await find(REG1)).hits).to.deep.equal([{ type: "asset", id: ASSET1, label: REG1 }]);
        expect((await find(REG1.toLowerCase())).hits[0].id).to.equal(ASSET1);
        const wrongCheck = REG1.slice(0, -1) + (REG1.endsWith("A") ? "B" : "A");
        const bad = await find(wrongCheck);
        expect(bad.hits).to.deep.equal([]);
        expect(bad.readAs).to.deep.equal(["registration-number"]);
        expect(bad.problem).to.match(/check character .* is wrong/);
      });

      it("should resolve a digest with or without 0x, a trade id in hex or decimal, an evidence item and a batch root", async () => {
        expect((await find(ASSET2.slice(2))).hits.map((x: { type: string }) => x.type)).to.deep.equal(["asset"]);
        expect((await find(T1)).hits[0]).to.include({ type: "trade", id: T1 });
        expect((await find(tradeIdOf(A.exA, 1).toString())).hits[0]).to.include({ type: "trade", id: T1 });
        expect((await find(ITEMS[0]!.digest)).hits[0]).to.include({ type: "evidence-item", id: ITEMS[0]!.digest });
        expect((await find(BATCH_ROOT)).hits[0]).to.include({ type: "evidence-batch", id: BATCH_ROOT });
      });

      it("should resolve a transaction hash to what it wrote", async () => {
        const tx = keccak256(toUtf8Bytes("tx:10:1")); // block 10: the holding change (log 0) and trade T1 (log 1)
        const hit = (await find(tx)).hits.find((x: { type: string }) => x.type === "transaction");
        expect(hit.events).to.deep.equal([{ what: "trade-recorded", ref: T1, blockNumber: 10, logIndex: 1 }]);
      });

      it("should resolve addresses to an exchange, a merchant, or nothing", async () => {
        expect((await find(A.exA)).hits).to.deep.equal([{ type: "exchange", id: "SHDE", label: "Shanghai Data Exchange (SHDE)" }]);
        expect((await find(A.m1.toUpperCase().replace("0X", "0x"))).hits).to.deep.equal([{ type: "merchant", id: A.m1, label: A.m1 }]);
        expect((await find(`0x${"12".repeat(20)}`)).hits).to.deep.equal([]);
      });

      it("should resolve an exchange code or a part of its name, and a registration-number prefix", async () => {
        expect((await find("gzde")).hits.map((x: { id: string }) => x.id)).to.deep.equal(["GZDE"]);
        expect((await find("Guangzhou")).hits.map((x: { id: string }) => x.id)).to.deep.equal(["GZDE"]);
        expect((await find("data exchange")).hits.map((x: { id: string }) => x.id)).to.deep.equal(["GZDE", "SHDE"]);
        expect((await find("SHDE-2026")).hits.filter((x: { type: string }) => x.type === "asset").map((x: { id: string }) => x.id).sort()).to.deep.equal([ASSET1, ASSET2].sort());
        expect((await find("no such thing")).hits).to.deep.equal([]);
      });

      it("should refuse an empty or over-long query", async () => {
        expect((await request(h.app).get("/v1/search").expect(400)).body.error.field).to.equal("query.q");
        expect((await request(h.app).get(`/v1/search?q=${"x".repeat(201)}`).expect(400)).body.error.field).to.equal("query.q");
      });
    });

    describe("GET /v1/assets/{id}/lineage", () => {
      it("should draw ancestors and descendants, each derivation with what authorised it", async () => {
        const g = (await request(h.app).get(`/v1/assets/${ASSET2}/lineage`).expect(200)).body.data;
        const depth = Object.fromEntries(g.nodes.map((n: { assetId: string; depth: number }) => [n.assetId, n.depth]));
        expect(depth).to.deep.equal({ [ASSET2]: 0, [ASSET1]: -1, [ASSET3]: 1 });
        expect(g.nodes.find((n: { assetId: string }) => n.assetId === ASSET3)).to.include({ kind: "model", exchangeCode: "GZDE" });
        const edge = (child: string, parent: string) => g.edges.find((e: { child: string; parent: string }) => e.child === child && e.parent === parent);
        // m1 held asset 1 when it registered asset 2
        expect(edge(ASSET2, ASSET1)).to.include({ basis: "holder", licence: null });
        // m2 registered asset 3 from asset 2 holding neither it nor a processing licence for it: not derivable
        expect(edge(ASSET3, ASSET2)).to.include({ basis: "unknown", licence: null });
        expect(g.truncated).to.deep.equal({ up: false, down: false });
      });

      it("should name the processing licence that authorised a derivation from a parent held by another", async () => {
        const g = (await request(h.app).get(`/v1/assets/${ASSET3}/lineage?depth=1`).expect(200)).body.data;
        const e = g.edges.find((x: { parent: string }) => x.parent === ASSET1);
        expect(e.basis).to.equal("licence");
        expect(e.licence).to.include({ licenceId: L1, grantee: A.m2, grantor: A.m1 });
        expect(e.licence.granted).to.include({ blockNumber: 7 });
        expect(e.registered).to.include({ blockNumber: 8 });
      });

      it("should 404 an unknown asset and 400 a bad depth", async () => {
        await request(h.app).get(`/v1/assets/0x${"ab".repeat(32)}/lineage`).expect(404);
        expect((await request(h.app).get(`/v1/assets/${ASSET1}/lineage?depth=21`).expect(400)).body.error.field).to.equal("query.depth");
      });
    });

    describe("GET /v1/stats/activity", () => {
      it("should count registrations, trades, pledges and evidence per month", async () => {
        const res = (await request(h.app).get("/v1/stats/activity").expect(200)).body.data;
        expect(res.period).to.equal("month");
        const sum = (k: string) => res.periods.reduce((s: number, p: Record<string, number>) => s + p[k]!, 0);
        expect([sum("registrations"), sum("trades"), sum("confidentialTrades"), sum("pledges"), sum("evidenceBatches"), sum("evidenceItems")]).to.deep.equal([3, 5, 1, 2, 2, 5]);
        const jan = res.periods.find((p: { period: string }) => p.period === "2026-01");
        expect(jan).to.include({ registrations: 2, trades: 0 }); // blocks 5 and 6; block 8 is in February
        expect(res.periods.map((p: { period: string }) => p.period)).to.deep.equal([...res.periods.map((p: { period: string }) => p.period)].sort());
      });

      it("should filter by exchange and time, and refuse a reversed range", async () => {
        const gz = (await request(h.app).get(`/v1/stats/activity?exchange=${A.exB}&period=year`).expect(200)).body.data.periods;
        expect(gz).to.deep.equal([{ period: "2026", registrations: 1, trades: 2, confidentialTrades: 1, pledges: 0, evidenceBatches: 1, evidenceItems: 2 }]);
        const early = (await request(h.app).get(`/v1/stats/activity?to=${timeOf(7)}`).expect(200)).body.data.periods;
        expect(early.reduce((s: number, p: { registrations: number }) => s + p.registrations, 0)).to.equal(2);
        expect((await request(h.app).get("/v1/stats/activity?from=10&to=5").expect(400)).body.error.field).to.equal("query.from");
      });
    });

    describe("participant relations", () => {
      it("should say whom an exchange recognises now and who recognises it", async () => {
        const a = (await request(h.app).get("/v1/exchanges/SHDE/recognitions").expect(200)).body.data;
        expect(a.recognises.map((r: { subject: string }) => r.subject)).to.deep.equal([A.m2]); // m3 was withdrawn
        expect(a.recognisedBy.map((r: { recogniser: string; subjectKind: string }) => [r.recogniser, r.subjectKind])).to.deep.equal([[A.exB, "exchange"]]);
        const b = (await request(h.app).get(`/v1/exchanges/${A.exB}/recognitions`).expect(200)).body.data;
        expect(b.recognises.map((r: { subject: string }) => r.subject)).to.deep.equal([A.exA]);
        expect(b.recognisedBy).to.deep.equal([]);
        await request(h.app).get("/v1/exchanges/ZZZZ/recognitions").expect(404);
      });

      it("should list an account's licences, granted and received, with their state", async () => {
        const r = (await request(h.app).get(`/v1/accounts/${A.m2}/licences`).expect(200)).body.data;
        expect(r.licences.map((l: { licenceId: string }) => l.licenceId)).to.deep.equal([L5, L4, L2, L1]);
        expect(r.licences.find((l: { licenceId: string }) => l.licenceId === L2).state).to.equal("revoked");
        expect(r.registrationNumbers[ASSET1]).to.equal(REG1);
        expect(r.truncated).to.equal(false);
        expect((await request(h.app).get(`/v1/accounts/${A.regulator}/licences`).expect(200)).body.data.licences).to.deep.equal([]);
        expect((await request(h.app).get("/v1/accounts/0x12/licences").expect(400)).body.error.field).to.equal("params.address");
      });
    });

    describe("OpenAPI", () => {
      it("should document the new routes", async () => {
        const doc = (await request(h.app).get("/v1/openapi.json").expect(200)).body;
        for (const p of ["/v1/search", "/v1/config", "/v1/assets/{id}/lineage", "/v1/stats/activity", "/v1/exchanges/{exchange}/recognitions", "/v1/accounts/{address}/licences"])
          expect(doc.paths, p).to.have.property(p);
      });
    });
  });
}

describe("API: CORS, /v1/config and the web page beside it", function () {
  const db = { dialect: "sqlite" as const, all: async () => [], get: async () => undefined };
  const base = { db, indexerStatus: () => fixtureStatus(), logger: quietLogger };
  const web = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-web-"));
  fs.mkdirSync(path.join(web, "assets"));
  fs.writeFileSync(path.join(web, "index.html"), "<!doctype html><title>Shuquan</title>");
  fs.writeFileSync(path.join(web, "assets", "app-abc.js"), "console.log(1)");
  after(() => fs.rmSync(web, { recursive: true, force: true }));

  it("should allow any origin by default, only the listed ones when configured, and none when told so", async () => {
    const any = await request(createApi(base)).get("/v1/exchanges").set("Origin", "https://audit.example").expect(200);
    expect(any.headers["access-control-allow-origin"]).to.equal("*");
    const listed = createApi({ ...base, corsOrigins: ["https://audit.example"] });
    expect((await request(listed).get("/health").set("Origin", "https://audit.example")).headers["access-control-allow-origin"]).to.equal("https://audit.example");
    expect((await request(listed).get("/health").set("Origin", "https://evil.example")).headers["access-control-allow-origin"]).to.equal(undefined);
    const pre = await request(listed).options("/v1/ownership/verify").set("Origin", "https://audit.example").set("Access-Control-Request-Method", "POST");
    expect(pre.status).to.equal(204);
    expect(pre.headers["access-control-allow-methods"]).to.include("POST");
    const none = createApi({ ...base, corsOrigins: [] });
    expect((await request(none).get("/health").set("Origin", "https://audit.example")).headers["access-control-allow-origin"]).to.equal(undefined);
  });

  it("should tell browsers the chain's RPC URL and contract addresses", async () => {
    const chains = [{ chainId: 31337, rpcUrl: "http://127.0.0.1:8545", contracts: [{ name: "EvidenceAnchor", address: "0x" + "05".repeat(20) }] }];
    const cfg = (await request(createApi({ ...base, publicChains: chains })).get("/v1/config").expect(200)).body.data;
    expect(cfg).to.deep.equal({ apiVersion: "1.0.0", chains });
  });

  it("should serve the page at / and at deep links, without shadowing /v1, /health or /metrics", async () => {
    const app = createApi({ ...base, webRoot: web });
    expect((await request(app).get("/").set("Accept", "text/html").expect(200)).text).to.include("<title>Shuquan</title>");
    expect((await request(app).get(`/asset/${ASSET1}`).set("Accept", "text/html").expect(200)).text).to.include("Shuquan");
    const js = await request(app).get("/assets/app-abc.js").expect(200);
    expect(js.headers["cache-control"]).to.include("immutable");
    await request(app).get("/assets/missing.js").expect(404);
    const unknown = await request(app).get("/v1/nope").set("Accept", "text/html").expect(404);
    expect(unknown.body.error.code).to.equal("not_found");
    await request(app).get("/health").set("Accept", "text/html").expect(200);
    expect((await request(app).get("/metrics").expect(200)).text).to.include("shuquan_");
    // without a page, / stays the API's 404
    expect((await request(createApi(base)).get("/").expect(404)).body.error.code).to.equal("not_found");
  });
});
