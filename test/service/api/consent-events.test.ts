/**
 * Issue 9 in the API: the consent events and the regulator's corrections are indexed (one `consent_events` row per
 * event, pledge status changes for default / objection / enforcement) and served; a merchant's home follows its
 * consented move and the regulator's re-homing; a partial lift of a suspension keeps the merchant suspended.
 * On SQLite and PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { createLocalContentStore } from "../../../service/src/content";
import { formatAssetId } from "../../../service/src/digest";
import { createIndexer, type FollowedContract } from "../../../service/src/indexer";
import type { ContractName } from "../../../service/src/contracts";
import { createSilentLogger } from "../../../service/src/logger";
import { registerAsset, registrationOf } from "../../helpers/assets";
import { AssetSource, MerchantCategory, digest, shuquanFixture } from "../../helpers/fixture";
import { currency, signPledge } from "../../helpers/signing";
import { signApplication, signedOnboard } from "../../helpers/consent";
import { BACKENDS, quietLogger } from "./fixture";

type Deployed = Awaited<ReturnType<typeof shuquanFixture>>;

describe("API: consent events and the regulator's corrections", function () {
  this.timeout(300_000);
  let snapshot: string;
  let d: Deployed;
  let cancelled: bigint, personal: bigint, pledgedAsset: bigint, pledgeId: bigint;
  let content: ReturnType<typeof createLocalContentStore>;

  before(async () => {
    snapshot = (await network.provider.send("evm_snapshot", [])) as string;
    d = await shuquanFixture();
    const { participants, registry, pledges, regulator, shde, gzde, alice, bob, carol, dave, lender } = d;
    content = createLocalContentStore(fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-consent-content-")));

    // bob moves his home to GZDE with his consent; the regulator re-homes dave to SHDE
    await (await signedOnboard(participants, gzde, bob.address, MerchantCategory.Technology, digest("gz credential"))).wait();
    await (await participants.connect(regulator).rehomeMerchant(dave.address, shde.address, "GZDE stopped serving")).wait();
    // an account onboarded with its consent, then offboarded by the regulator
    const leaver = d.signers[13]!;
    await (await signedOnboard(participants, gzde, leaver.address, MerchantCategory.DataResource, digest("leaver"))).wait();
    await (await participants.connect(regulator).offboardMerchant(leaver.address, "left the market")).wait();
    // carol: suspended by her home and held by the regulator; the regulator lifts only its own hold
    await (await participants.connect(gzde).suspendMerchant(carol.address, "home")).wait();
    await (await participants.connect(regulator).suspendMerchant(carol.address, "regulator")).wait();
    await (await participants.connect(regulator).reinstateMerchant(carol.address, "hold lifted")).wait();

    // a bad-faith registration, cancelled
    cancelled = await registerAsset(registry, shde, alice.address, "cancelled");
    await (await registry.connect(regulator).freeze(cancelled, "dispute")).wait();
    await (await registry.connect(regulator).cancelRegistration(cancelled, digest("reason"))).wait();
    // the rightful holder registers the digest again (dave, re-homed to SHDE above)
    await registerAsset(registry, shde, dave.address, "cancelled");
    // personal data, found de-identified
    personal = await registerAsset(registry, shde, alice.address, "personal", { source: AssetSource.Personal, consentDigest: digest("consents") });
    await (await registry.connect(regulator).recordDeidentification(personal, digest("finding"))).wait();

    // a pledge, defaulted and enforced to the lender
    pledgedAsset = await registerAsset(registry, shde, alice.address, "pledged");
    const now = BigInt(await time.latest());
    const terms = {
      assetId: pledgedAsset, holder: alice.address, lender: lender.address, amount: 1000n, currency: currency("CNY"),
      start: now, end: now + 86_400n, agreementDigest: digest("agreement"), stateNonce: 0n, nonce: await pledges.nonces(alice.address), deadline: now + 3_600n,
    };
    await (await pledges.connect(lender).registerPledge(terms, await signPledge(alice, pledges, terms))).wait();
    pledgeId = await pledges.activePledgeOf(pledgedAsset);
    const child = registrationOf(alice.address, "child of the pledged asset", { parents: [pledgedAsset], nonce: await registry.applicationNonce(alice.address) });
    await (await pledges.connect(lender).approveDerivation(pledgeId, child.contentDigest as string)).wait();
    await (await registry.connect(shde).register(child, await signApplication(alice, registry, child, shde.address))).wait();
    await time.increase(86_400);
    await (await pledges.connect(lender).declareDefault(pledgeId)).wait();
    await time.increase(await pledges.OBJECTION_WINDOW());
    await (await pledges.connect(lender).enforcePledge(pledgeId, { to: lender.address, price: 0n, currency: "0x000000", contractDigest: digest("enforcement") }, "0x")).wait();
    await (await registry.connect(alice).cancelApplications()).wait();
  });
  after(async () => {
    await network.provider.send("evm_revert", [snapshot]);
  });

  for (const backend of BACKENDS) {
    context(`on ${backend.name}`, () => {
      let app: ReturnType<typeof createApi>;
      let close: () => Promise<void>;
      before(async () => {
        const opened = await backend.open();
        close = opened.close;
        const contracts: FollowedContract[] = (Object.entries(d.addresses) as [ContractName, string][]).map(([name, address]) => ({ name, address, startBlock: d.startBlock }));
        const indexer = await createIndexer({ logger: createSilentLogger() }, { db: opened.db, chains: [{ chainId: 31337, provider: network.provider, contracts }], content });
        await indexer.catchUp();
        app = createApi({ db: opened.db, indexerStatus: () => indexer.status(), logger: quietLogger, contentStore: content });
      });
      after(async () => close && (await close()));

      it("should list each consent event with who acted and why", async () => {
        const all = (await request(app).get("/v1/consent-events?limit=100").expect(200)).body.data as { kind: string; subject: string; party: string | null; counterparty: string | null; by: string; digest: string | null; detail: string | null }[];
        const kinds = all.map((e) => e.kind).sort();
        expect(kinds).to.deep.equal(["application-cancelled", "asset-deidentified", "derivation-approved", "merchant-moved", "merchant-offboarded", "merchant-rehomed", "registration-cancelled"]);
        const cancel = all.find((e) => e.kind === "registration-cancelled")!;
        expect(cancel).to.include({ subject: formatAssetId(cancelled), counterparty: d.alice.address.toLowerCase(), by: d.regulator.address.toLowerCase(), digest: digest("reason"), detail: "1" });
        const moved = (await request(app).get(`/v1/consent-events?subject=${d.bob.address}`).expect(200)).body.data;
        expect(moved).to.have.length(1);
        expect(moved[0]).to.include({ kind: "merchant-moved", party: d.gzde.address.toLowerCase(), counterparty: d.shde.address.toLowerCase(), detail: "technology" });
        const finding = (await request(app).get(`/v1/consent-events?kind=asset-deidentified`).expect(200)).body.data;
        expect(finding[0]).to.include({ subject: formatAssetId(personal), digest: digest("finding") });
        await request(app).get("/v1/consent-events?kind=nonsense").expect(400);
        await request(app).get("/v1/consent-events?subject=0x1234").expect(400);
      });

      it("should find a consent event's transaction by its hash", async () => {
        const cancel = ((await request(app).get("/v1/consent-events?kind=registration-cancelled").expect(200)).body.data as { event: { txHash: string } }[])[0]!;
        const hits = (await request(app).get(`/v1/search?q=${cancel.event.txHash}`).expect(200)).body.data.hits as { type: string; events?: { what: string; ref: string }[] }[];
        const events = hits.find((h) => h.type === "transaction")!.events!.map((e) => [e.what, e.ref]);
        expect(events).to.deep.include(["consent-registration-cancelled", formatAssetId(cancelled)]);
      });

      it("should follow a merchant's home through its move and the regulator's re-homing, as the chain does", async () => {
        for (const m of [d.bob, d.dave]) {
          const api = (await request(app).get(`/v1/merchants/${m.address}`).expect(200)).body.data;
          expect(api.homeExchange).to.equal((await d.participants.getMerchant(m.address)).homeExchange.toLowerCase());
        }
        const r = (await request(app).get(`/v1/recognition?merchant=${d.bob.address}&exchange=${d.gzde.address}`).expect(200)).body.data;
        expect(r.path).to.equal("home");
      });

      it("should say a merchant the regulator offboarded is offboarded and not active", async () => {
        const m = (await request(app).get(`/v1/merchants/${d.signers[13]!.address}`).expect(200)).body.data;
        expect(m).to.include({ status: "offboarded", active: false });
        expect(await d.participants.isActiveMerchant(d.signers[13]!.address)).to.equal(false);
      });

      it("should keep a merchant suspended when only one of two suspensions was lifted", async () => {
        const carol = (await request(app).get(`/v1/merchants/${d.carol.address}`).expect(200)).body.data;
        expect(carol.active).to.equal(await d.participants.isActiveMerchant(d.carol.address));
        expect(carol.active).to.equal(false);
      });

      it("should show a digest registered again after a cancellation as the new registration, not the cancelled one", async () => {
        const id = formatAssetId(cancelled);
        const a = (await request(app).get(`/v1/assets/${id}`).expect(200)).body.data;
        const chain = await d.registry.getAsset(cancelled);
        expect(a).to.include({ holder: d.dave.address.toLowerCase(), exchange: chain.exchange.toLowerCase(), frozen: chain.frozen, registrationNumber: await d.registry.registrationNumber(cancelled) });
        expect(chain.frozen).to.equal(false);
        const listed = (await request(app).get("/v1/assets?limit=100").expect(200)).body.data.filter((x: { assetId: string }) => x.assetId === id);
        expect(listed).to.have.length(1);
      });

      it("should show the pledge's default and enforcement", async () => {
        const p = (await request(app).get(`/v1/pledges/${pledgeId}`).expect(200)).body.data;
        expect(p.status).to.equal("enforced");
        expect((await request(app).get(`/v1/pledges?status=enforced`).expect(200)).body.data).to.have.length(1);
        const a = (await request(app).get(`/v1/assets/${formatAssetId(pledgedAsset)}`).expect(200)).body.data;
        expect(a.holder).to.equal(d.lender.address.toLowerCase());
      });
    });
  }
});
