/**
 * Regulated use end to end (docs/regulated-use.md): processing receipts inside and outside their licence, an
 * operator, a batch whose manifest does not rebuild its root, and assessments with a response, a withdrawal and an
 * exchange policy — driven on the in-process chain, indexed, then read through the API on SQLite and PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { createLocalContentStore } from "../../../service/src/content";
import { formatAssetId } from "../../../service/src/digest";
import { createIndexer } from "../../../service/src/indexer";
import { createSilentLogger } from "../../../service/src/logger";
import { shuquanFixture } from "../../helpers/fixture";
import { followed, type Deployed } from "../../helpers/hardhat-scenario";
import { driveRegulated, type RegulatedScenario } from "../../helpers/regulated-scenario";
import { BACKENDS, quietLogger } from "./fixture";

interface ReceiptJson {
  batchRoot: string;
  leafIndex: number;
  licensee: string;
  assetId: string | null;
  licensor: string | null;
  start: number;
  end: number;
  leafHash: string;
  proof: string[];
  violations: { code: string; detail: string }[];
}

describe("regulated use: receipts, violations and assessments through the indexer and API", function () {
  this.timeout(180_000);
  let d: Deployed;
  let s: RegulatedScenario;
  let snapshot: string;
  const contentDir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-regulated-"));
  const content = createLocalContentStore(contentDir);

  before(async () => {
    snapshot = (await network.provider.send("evm_snapshot", [])) as string;
    d = await shuquanFixture();
    s = await driveRegulated(d);
    for (const m of s.manifests) await content.put(m);
    await network.provider.send("evm_mine", []);
  });
  after(async () => {
    await network.provider.send("evm_revert", [snapshot]);
    fs.rmSync(contentDir, { recursive: true, force: true });
  });

  for (const backend of BACKENDS) {
    context(`on ${backend.name}`, () => {
      let app: ReturnType<typeof createApi>;
      let close: () => Promise<void>;
      before(async () => {
        const opened = await backend.open();
        close = opened.close;
        const indexer = await createIndexer({ logger: createSilentLogger() }, { db: opened.db, chains: [{ chainId: 31337, provider: network.provider, contracts: followed(d) }], content });
        await indexer.catchUp();
        app = createApi({ db: opened.db, indexerStatus: () => indexer.status(), logger: quietLogger, contentStore: content });
      });
      after(async () => close && (await close()));

      it("should index every receipt of a valid batch with the violations found against its licence", async () => {
        const asset = formatAssetId(s.assetId);
        for (const [batch, expected] of [[s.roots.first, s.expected.first], [s.roots.second, s.expected.second]] as const) {
          const res = await request(app).get(`/v1/receipts?batch=${batch}&limit=10`).expect(200);
          const receipts = (res.body.data as ReceiptJson[]).sort((a, b) => a.leafIndex - b.leafIndex);
          expect(receipts.map((r) => r.violations.map((v) => v.code))).to.deep.equal(expected);
          for (const r of receipts) {
            expect(await d.receipts.verify(batch, r.leafHash, r.proof)).to.equal(true);
          }
        }
        // receipts per licence carry the licence's asset and licensor; per licensee; only the violating ones
        const perLicence = (await request(app).get(`/v1/receipts?licence=${s.licenceId}`).expect(200)).body.data as ReceiptJson[];
        expect(perLicence).to.have.length(5);
        expect(perLicence.every((r) => r.assetId === asset && r.licensor === d.alice.address.toLowerCase())).to.equal(true);
        expect((await request(app).get(`/v1/receipts?asset=${asset}`).expect(200)).body.data).to.have.length(5);
        const bobs = (await request(app).get(`/v1/receipts?licensee=${d.bob.address}`).expect(200)).body.data as ReceiptJson[];
        expect(bobs).to.have.length(5);
        const clean = (await request(app).get(`/v1/receipts?licence=${s.licenceId}&violating=false`).expect(200)).body.data as ReceiptJson[];
        expect(clean.map((r) => [r.batchRoot, r.leafIndex])).to.deep.equal([[s.roots.first, 0]]);
      });

      it("should show a receipt outside the window or after the revocation as a violation to the licensor and the regulator", async () => {
        const mine = (await request(app).get(`/v1/violations?licensor=${d.alice.address}`).expect(200)).body.data as { code: string; detail: string; licensee: string }[];
        const codes = mine.map((v) => v.code).sort();
        expect(codes).to.deep.equal(["after-revocation", "outside-window", "purpose-mismatch", "unauthorised-submitter", "wrong-licensee"]);
        const after = mine.find((v) => v.code === "after-revocation")!;
        expect(after.detail).to.contain(`revoked at ${s.revokedAt}`);
        // the regulator sees all, including a receipt naming a licence nobody granted
        const all = (await request(app).get("/v1/violations").expect(200)).body.data as { code: string; licensor: string | null }[];
        expect(all).to.have.length(6);
        expect(all.find((v) => v.code === "unknown-licence")!.licensor).to.equal(null);
        expect((await request(app).get("/v1/violations?code=outside-window").expect(200)).body.data).to.have.length(1);
        await request(app).get("/v1/violations?code=whatever").expect(400);
      });

      it("should keep a batch whose manifest does not rebuild its root listed as a mismatch, with no receipts", async () => {
        const res = await request(app).get("/v1/receipts/batches?status=mismatch").expect(200);
        expect(res.body.data).to.have.length(1);
        expect(res.body.data[0]).to.include({ root: s.roots.mismatched, submitter: d.bob.address.toLowerCase(), manifestStatus: "mismatch" });
        expect(res.body.data[0].manifestError).to.be.a("string");
        expect((await request(app).get(`/v1/receipts?batch=${s.roots.mismatched}`).expect(200)).body.data).to.have.length(0);
        const valid = (await request(app).get("/v1/receipts/batches?status=valid").expect(200)).body.data as { submitter: string }[];
        expect(valid.map((b) => b.submitter).sort()).to.deep.equal([d.bob.address.toLowerCase(), d.shde.address.toLowerCase()].sort());
      });

      it("should find one receipt by position and by leaf hash, and answer 404 for an unknown one", async () => {
        const one = (await request(app).get(`/v1/receipts/${s.roots.second}/0`).expect(200)).body.data as ReceiptJson;
        expect(one.violations.map((v) => v.code)).to.deep.equal(["after-revocation"]);
        const byLeaf = (await request(app).get(`/v1/receipts/leaf/${one.leafHash}`).expect(200)).body.data as ReceiptJson[];
        expect(byLeaf.map((r) => r.leafIndex)).to.deep.equal([0]);
        await request(app).get(`/v1/receipts/${s.roots.second}/9`).expect(404);
        await request(app).get(`/v1/receipts/leaf/${"0x" + "ab".repeat(32)}`).expect(404);
        await request(app).get(`/v1/receipts/not-a-root/0`).expect(400);
      });

      it("should show assessments on the asset's provenance with their response, withdrawal and status", async () => {
        const asset = formatAssetId(s.assetId);
        const report = (await request(app).get(`/v1/assets/${asset}/provenance`).expect(200)).body.data;
        const byKind = Object.fromEntries((report.assessments as { kind: string }[]).map((a) => [a.kind, a])) as Record<string, Record<string, unknown>>;
        expect(byKind.quality).to.include({ status: "current", result: "pass", assessor: d.dave.address.toLowerCase() });
        expect((byKind.quality.responses as unknown[]).length).to.equal(1);
        expect(byKind.valuation).to.include({ status: "withdrawn", value: "8800000", currency: "CNY" });
        expect(byKind.valuation.withdrawal).to.include({ by: d.regulator.address.toLowerCase(), byRegulator: true, reason: "valuation method not approved" });
        const list = (await request(app).get(`/v1/assessments?assessor=${d.dave.address}&kind=quality`).expect(200)).body.data;
        expect(list).to.have.length(1);
        await request(app).get(`/v1/assessments/1`).expect(200);
        await request(app).get(`/v1/assessments/99`).expect(404);
        const assessors = (await request(app).get("/v1/assessors").expect(200)).body.data;
        expect(assessors[0]).to.include({ merchant: d.dave.address.toLowerCase(), byRegulator: false });
        expect(assessors[0].categories).to.deep.equal(["quality", "compliance", "valuation", "security"]);
      });

      it("should say whether an asset meets an exchange's policy, as the contract does", async () => {
        const asset = formatAssetId(s.assetId);
        const p = (await request(app).get(`/v1/assessment-policies/${d.shde.address}?asset=${asset}`).expect(200)).body.data;
        expect(p).to.deep.include({ listingKinds: ["quality"], pledgeKinds: ["valuation"] });
        expect(p.check.listing).to.deep.equal({ met: true, missing: [] });
        expect(p.check.pledge).to.deep.equal({ met: false, missing: ["valuation"] });
        expect(await d.assessments.meetsPolicy(d.shde.address, s.assetId, 0)).to.equal(true);
        expect(await d.assessments.meetsPolicy(d.shde.address, s.assetId, 1)).to.equal(false);
        const none = (await request(app).get(`/v1/assessment-policies/${d.gzde.address}`).expect(200)).body.data;
        expect(none).to.deep.include({ listingKinds: [], pledgeKinds: [], set: null });
      });

      it("should list the cross-border trade with its mechanism, and keep its price out of the domestic statistics", async () => {
        const x = s.crossBorder;
        const list = (await request(app).get("/v1/cross-border-trades?destination=HK").expect(200)).body.data;
        expect(list).to.have.length(1);
        expect(list[0]).to.include({ tradeId: formatAssetId(x.tradeId), assetId: formatAssetId(x.assetId), mechanism: "standard-contract", filingDigest: x.filingDigest, destination: "HK" });
        expect(list[0].trade).to.include({ price: x.crossBorderPrice.toString(), right: "processing", buyer: d.carol.address.toLowerCase() });
        expect((await request(app).get("/v1/cross-border-trades?mechanism=exemption").expect(200)).body.data).to.have.length(0);
        await request(app).get("/v1/cross-border-trades?destination=hongkong").expect(400);

        const domestic = (await request(app).get("/v1/stats/prices?groupBy=kind").expect(200)).body.data;
        expect(domestic.scope).to.equal("domestic");
        expect(domestic.groups).to.deep.equal([{ group: "resource", tradeCount: 1, confidentialCount: 0, currencies: [{ currency: "CNY", count: 1, volume: "1000000", min: "1000000", q1: "1000000", median: "1000000", q3: "1000000", max: "1000000" }] }]);
        const abroad = (await request(app).get("/v1/stats/prices?groupBy=destination&scope=cross-border").expect(200)).body.data.groups;
        expect(abroad.map((g: { group: string; tradeCount: number }) => [g.group, g.tradeCount])).to.deep.equal([["HK", 1]]);
        expect(abroad[0].currencies[0].median).to.equal("4200000");
        const all = (await request(app).get("/v1/stats/prices?groupBy=destination&scope=all").expect(200)).body.data.groups;
        expect(all.map((g: { group: string }) => g.group)).to.deep.equal(["HK", "domestic"]);
      });

      it("should page violations and receipts by cursor, each row once", async () => {
        for (const [path, size] of [["/v1/violations", 6], ["/v1/receipts", 5], [`/v1/violations?licensor=${d.alice.address}`, 5]] as const) {
          const seen: string[] = [];
          let cursor: string | null = null;
          for (let pages = 0; pages < 20; pages++) {
            const res: request.Response = await request(app).get(`${path}${path.includes("?") ? "&" : "?"}limit=2${cursor ? `&cursor=${cursor}` : ""}`).expect(200);
            const items = res.body.data as { batchRoot: string; leafIndex: number; code?: string }[];
            expect(items.length, path).to.be.at.most(2);
            seen.push(...items.map((v) => `${v.batchRoot}:${v.leafIndex}:${v.code ?? ""}`));
            cursor = res.body.page.nextCursor;
            if (!cursor) break;
          }
          expect(cursor, path).to.equal(null);
          expect(new Set(seen).size, path).to.equal(seen.length);
          expect(seen.length, path).to.be.at.least(size);
          const all = ((await request(app).get(`${path}${path.includes("?") ? "&" : "?"}limit=100`).expect(200)).body.data as { batchRoot: string; leafIndex: number; code?: string }[])
            .map((v) => `${v.batchRoot}:${v.leafIndex}:${v.code ?? ""}`);
          expect(seen, path).to.deep.equal(all);
        }
      });

      it("should find the anchoring, assessment and cross-border transactions by their hash", async () => {
        const events = async (txHash: string): Promise<{ what: string; ref: string }[]> => {
          const hits = (await request(app).get(`/v1/search?q=${txHash}`).expect(200)).body.data.hits as { type: string; events?: { what: string; ref: string }[] }[];
          return hits.find((h) => h.type === "transaction")?.events ?? [];
        };
        const batch = (await request(app).get(`/v1/receipts/batches?status=mismatch`).expect(200)).body.data[0];
        expect((await events(batch.anchored.txHash)).map((e) => [e.what, e.ref])).to.deep.include(["receipts-anchored", s.roots.mismatched]);
        const assessment = (await request(app).get(`/v1/assessments?kind=valuation`).expect(200)).body.data[0];
        expect((await events(assessment.attached.txHash)).map((e) => e.what)).to.include("assessment-attached");
        expect((await events(assessment.withdrawal.event.txHash)).map((e) => e.what)).to.include("assessment-withdrawn");
        const cross = (await request(app).get("/v1/cross-border-trades?destination=HK").expect(200)).body.data[0];
        const tx = await events(cross.event.txHash);
        expect(tx.map((e) => e.what)).to.include.members(["cross-border-trade", "trade-recorded"]);
        expect(tx.find((e) => e.what === "cross-border-trade")!.ref).to.equal(formatAssetId(s.crossBorder.tradeId));
      });

      it("should document the new routes in the OpenAPI document", async () => {
        const doc = (await request(app).get("/v1/openapi.json").expect(200)).body;
        for (const p of ["/v1/receipts", "/v1/receipts/batches", "/v1/receipts/{batchRoot}/{leafIndex}", "/v1/receipts/leaf/{leafHash}", "/v1/violations", "/v1/assessments", "/v1/assessments/{assessmentId}", "/v1/assessors", "/v1/assessment-policies/{exchange}", "/v1/cross-border-trades"]) {
          expect(doc.paths[p], p).to.be.an("object");
        }
      });
    });
  }
});
