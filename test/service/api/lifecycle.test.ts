/**
 * The registration lifecycle through the index and the API, on SQLite and PostgreSQL: notice, objections (one
 * upheld, one dismissed), notice closed, change and correction, cancellation, expiry and renewal; status filters,
 * status histories, the objections list, and provenance naming the holding or licence behind each derivation.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { formatAssetId } from "../../../service/src/digest";
import { createIndexer, type FollowedContract } from "../../../service/src/indexer";
import type { ContractName } from "../../../service/src/contracts";
import { createSilentLogger } from "../../../service/src/logger";
import { extractCertificate } from "../../../service/src/certificates";
import { licenceTerms, recordTrade, registerAsset, tradeOf } from "../../helpers/assets";
import { Right, digest, shuquanFixture } from "../../helpers/fixture";
import { BACKENDS, quietLogger } from "./fixture";

type Deployed = Awaited<ReturnType<typeof shuquanFixture>>;
const hex = (n: bigint): string => formatAssetId(n);
const DAY = 86_400;
type Asset = { assetId: string; status: string; registrationStatus: string; validUntil: number | null };
type Entry = { event: string; status: string | null; actor: string | null; reason: string | null; at: { txHash: string; blockNumber: number } };

describe("API: the registration lifecycle (indexed)", function () {
  this.timeout(300_000);
  let snapshot: string;
  let d: Deployed;
  const id: Record<string, bigint> = {};
  let licenceId = "";
  let tradeId = 0n;

  before(async () => {
    snapshot = (await network.provider.send("evm_snapshot", [])) as string;
    d = await shuquanFixture();
    const { registry, lifecycle, regulator, shde, gzde, alice, bob, carol, dave } = d;
    const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
    await send(lifecycle.connect(shde).setTerms(10, 1095, 60));
    await send(lifecycle.connect(gzde).setTerms(0, 365, 30));

    id.closed = await registerAsset(registry, shde, alice.address, "notice then in force");
    id.refused = await registerAsset(registry, shde, alice.address, "refused on objection");
    id.pending = await registerAsset(registry, shde, alice.address, "still under notice");
    id.cancelled = await registerAsset(registry, gzde, carol.address, "cancelled on request");
    id.expiring = await registerAsset(registry, gzde, dave.address, "left to expire");
    await send(lifecycle.connect(carol).object(id.closed, digest("grounds: mine"), true, digest("GZDE-2025-RE-00000003-X")));
    await send(lifecycle.connect(shde).resolveObjection(id.closed, carol.address, false, "the earlier registration is another dataset"));
    await send(lifecycle.connect(dave).object(id.refused, digest("grounds: copied"), false, ethers.ZeroHash));
    await send(lifecycle.connect(gzde).object(id.refused, digest("grounds: second"), false, ethers.ZeroHash)); // left moot
    await send(lifecycle.connect(shde).resolveObjection(id.refused, dave.address, true, "copied from dave's product"));
    await send(lifecycle.connect(carol).change(id.cancelled, digest("metadata v2"), "bafyv2", "daily updates"));
    await send(lifecycle.connect(gzde).correct(id.cancelled, digest("metadata v3"), "bafyv3", "registrant code mistyped"));
    await send(lifecycle.connect(carol).requestCancellation(id.cancelled, "dataset withdrawn"));
    await send(lifecycle.connect(gzde).cancel(id.cancelled, "on the holder's request"));

    await time.increase(11 * DAY);
    await send(lifecycle.closeNotice(id.closed));
    id.pending2 = await registerAsset(registry, shde, alice.address, "registered after the first notice");
    // derivations: alice holds `closed`; bob is licensed to process it
    await send(registry.connect(alice).grantLicence(id.closed, bob.address, Right.Processing, await licenceTerms(30)));
    licenceId = await registry.licenceIdOf(id.closed, bob.address, Right.Processing);
    await send(lifecycle.connect(gzde).setTerms(0, 0, 0));
    id.byHolding = await registerAsset(registry, gzde, alice.address, "derived by the holder", { parents: [id.closed] });
    await send(lifecycle.connect(shde).setTerms(0, 0, 0));
    id.byLicence = await registerAsset(registry, shde, bob.address, "derived under licence", { parents: [id.closed] });
    const trade = await tradeOf(shde.address, id.closed, alice.address, dave.address, Right.Processing);
    await recordTrade(d.tradeRecorder, shde, alice, trade);
    tradeId = BigInt(trade.tradeId);
    await time.increase(360 * DAY); // `expiring` (365 days from registration) is past its end
    await send(regulator.sendTransaction({ to: regulator.address, value: 0 }));
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
        const indexer = await createIndexer({ logger: createSilentLogger() }, { db: opened.db, chains: [{ chainId: 31337, provider: network.provider, contracts }] });
        await indexer.catchUp();
        app = createApi({ db: opened.db, indexerStatus: () => indexer.status(), logger: quietLogger, publicUrl: "https://registry.example/" });
      });
      after(async () => close && (await close()));

      it("should give each asset the registry's status and validity end, and derive expiry from the chain's clock", async () => {
        // `pending`'s notice end has passed, but only closeNotice puts it in force: it stays under notice
        const expected: Record<string, string> = {
          closed: "registered", refused: "refused", pending: "notice", cancelled: "cancelled", expiring: "expired",
          pending2: "notice", byHolding: "registered", byLicence: "registered",
        };
        for (const [key, status] of Object.entries(expected)) {
          const a: Asset = (await request(app).get(`/v1/assets/${hex(id[key]!)}`).expect(200)).body.data;
          const onChain = await d.registry.getAsset(id[key]!);
          expect(a.validUntil ?? 0, key).to.equal(Number(onChain.validUntil));
          expect([a.registrationStatus, a.status], key).to.deep.equal([status, status]);
        }
      });

      it("should filter assets by every lifecycle status", async () => {
        const ids = async (status: string) =>
          ((await request(app).get(`/v1/assets?status=${status}`).expect(200)).body.data as Asset[]).map((a) => a.assetId).sort();
        expect(await ids("notice")).to.deep.equal([hex(id.pending!), hex(id.pending2!)].sort());
        expect(await ids("refused")).to.deep.equal([hex(id.refused!)]);
        expect(await ids("cancelled")).to.deep.equal([hex(id.cancelled!)]);
        expect(await ids("expired")).to.deep.equal([hex(id.expiring!)]);
        expect(await ids("objected")).to.deep.equal([]);
        expect(await ids("registered")).to.deep.equal([hex(id.closed!), hex(id.byHolding!), hex(id.byLicence!)].sort());
        await request(app).get(`/v1/assets?status=lapsed`).expect(400);
      });

      it("should give the status history with transaction and block for each step", async () => {
        const h: Entry[] = (await request(app).get(`/v1/assets/${hex(id.closed!)}/status-history`).expect(200)).body.data;
        expect(h.map((e) => (e.status ? `${e.event}:${e.status}` : e.event))).to.deep.equal([
          "registration:registered",
          "status:notice",
          "objection",
          "status:objected",
          "resolution",
          "status:notice",
          "notice_closed",
          "status:registered",
        ]);
        for (const e of h) expect(e.at.txHash).to.match(/^0x[0-9a-f]{64}$/);
        const c: Entry[] = (await request(app).get(`/v1/assets/${hex(id.cancelled!)}/status-history`).expect(200)).body.data;
        expect(c.map((e) => e.event)).to.deep.equal(["registration", "status", "change", "correction", "cancellation_request", "cancellation", "status"]);
        expect(c.find((e) => e.event === "correction")!.reason).to.equal("registrant code mistyped");
        expect(c.at(-1)!.status).to.equal("cancelled");
        await request(app).get(`/v1/assets/0x${"ab".repeat(32)}/status-history`).expect(404);
      });

      it("should list objections with their grounds, earlier-right claim and resolution", async () => {
        const all = (await request(app).get(`/v1/objections`).expect(200)).body.data;
        expect(all).to.have.length(3);
        const own = (await request(app).get(`/v1/objections?ownEarlierRight=true`).expect(200)).body.data;
        expect(own).to.have.length(1);
        expect(own[0]).to.include({ assetId: hex(id.closed!), objector: d.carol.address.toLowerCase(), state: "dismissed", ownEarlierRight: true });
        expect(own[0].earlierRightDigest).to.equal(digest("GZDE-2025-RE-00000003-X"));
        expect(own[0].resolution).to.include({ by: d.shde.address.toLowerCase(), upheld: false, byRegulator: false });
        const upheld = (await request(app).get(`/v1/objections?state=upheld`).expect(200)).body.data;
        expect(upheld.map((o: { assetId: string }) => o.assetId)).to.deep.equal([hex(id.refused!)]);
        expect((await request(app).get(`/v1/objections?state=open`).expect(200)).body.data).to.deep.equal([]);
        const moot = (await request(app).get(`/v1/objections?state=moot`).expect(200)).body.data;
        expect(moot.map((o: { objector: string; resolution: unknown }) => [o.objector, o.resolution])).to.deep.equal([[d.gzde.address.toLowerCase(), null]]);
        expect((await request(app).get(`/v1/objections?asset=${hex(id.refused!)}`).expect(200)).body.data).to.have.length(2);
        await request(app).get(`/v1/objections?state=pending`).expect(400);
      });

      it("should find an objection's and its resolution's transactions by their hash", async () => {
        const own = (await request(app).get(`/v1/objections?ownEarlierRight=true`).expect(200)).body.data[0];
        const events = async (txHash: string): Promise<{ what: string; ref: string }[]> =>
          ((await request(app).get(`/v1/search?q=${txHash}`).expect(200)).body.data.hits as { type: string; events?: { what: string; ref: string }[] }[]).find((h) => h.type === "transaction")?.events ?? [];
        expect((await events(own.lodged.txHash)).map((e) => [e.what, e.ref])).to.deep.include(["lifecycle-objection", hex(id.closed!)]);
        expect((await events(own.resolution.event.txHash)).map((e) => e.what)).to.include("lifecycle-resolution");
      });

      it("should give each exchange the registration terms it set last", async () => {
        const gz = (await request(app).get(`/v1/exchanges/${d.gzde.address}`).expect(200)).body.data;
        expect(gz.registrationTerms).to.include({ noticeDays: 0, termDays: 0, renewalWindowDays: 0 });
        const terms = (await d.lifecycle.queryFilter(d.lifecycle.filters.ExchangeTermsSet(d.gzde.address))).at(-1)!;
        expect(gz.registrationTerms.set.txHash).to.equal(terms.transactionHash);
        const sh = (await request(app).get(`/v1/exchanges/${d.shde.address}`).expect(200)).body.data;
        expect(sh.registrationTerms.termDays).to.equal(0);
        const [, notice, term] = await d.registry.exchangeTerms(d.shde.address);
        expect([notice, term]).to.deep.equal([0n, 0n]);
      });

      it("should name the holding or licence that authorised each derivation", async () => {
        const p = (await request(app).get(`/v1/assets/${hex(id.closed!)}/provenance`).expect(200)).body.data;
        const into = p.derivations.intoChildren as { child: string; basis: string; licence: { licenceId: string } | null; holding: unknown }[];
        const byChild = new Map(into.map((x) => [x.child, x]));
        expect(byChild.get(hex(id.byHolding!))!.basis).to.equal("holding");
        expect(byChild.get(hex(id.byHolding!))!.holding).to.not.equal(null);
        expect(byChild.get(hex(id.byLicence!))!.basis).to.equal("licence");
        expect(byChild.get(hex(id.byLicence!))!.licence!.licenceId).to.equal(licenceId);
        const child = (await request(app).get(`/v1/assets/${hex(id.byLicence!)}/provenance`).expect(200)).body.data;
        expect(child.derivations.fromParents.map((x: { parent: string; basis: string }) => [x.parent, x.basis])).to.deep.equal([[hex(id.closed!), "licence"]]);
        expect(p.statusHistory.at(-1).status).to.equal("registered");
      });

      it("should issue a registration certificate as JSON and as a printable bilingual page", async () => {
        const c = (await request(app).get(`/v1/assets/${hex(id.cancelled!)}/certificate`).expect(200)).body.data;
        expect(c.type).to.equal("shuquan/registration-certificate");
        expect(c.certificateNumber).to.match(/^SQR-\d{6}-GZDE-[0-9A-Z]{8}-[0-9A-Z]$/);
        expect(c.registrationNumber).to.equal(await d.registry.registrationNumber(id.cancelled!));
        expect(c.status).to.equal("cancelled");
        expect(c.exchange).to.include({ address: d.gzde.address.toLowerCase(), code: "GZDE", name: "Guangzhou Data Exchange" });
        expect(c.holder.address).to.equal(d.carol.address.toLowerCase());
        expect(c.link).to.equal(`https://registry.example/asset/${hex(id.cancelled!)}`);
        const reg = (await request(app).get(`/v1/assets/${hex(id.cancelled!)}`).expect(200)).body.data;
        expect(c.chain).to.include({ txHash: reg.registered.txHash, blockNumber: reg.registered.blockNumber });
        const page = await request(app).get(`/v1/assets/${hex(id.closed!)}/certificate?format=html`).expect(200);
        expect(page.headers["content-type"]).to.match(/text\/html/);
        expect(page.text).to.contain("数据资产登记证书").and.contain("Registration Certificate").and.contain("<svg");
        const embedded = extractCertificate(page.text);
        expect(embedded.registrationNumber).to.equal(await d.registry.registrationNumber(id.closed!));
        expect((embedded as { validUntil: number }).validUntil).to.equal(Number((await d.registry.getAsset(id.closed!)).validUntil));
        await request(app).get(`/v1/assets/0x${"ab".repeat(32)}/certificate`).expect(404);
        await request(app).get(`/v1/assets/${hex(id.closed!)}/certificate?format=pdf`).expect(400);
      });

      it("should issue a trade certificate with the parties, the licence's scope and term, and the transaction", async () => {
        const c = (await request(app).get(`/v1/trades/${tradeId.toString()}/certificate`).expect(200)).body.data;
        expect(c.type).to.equal("shuquan/trade-certificate");
        expect(c.certificateNumber).to.match(/^SQT-\d{6}-SHDE-/);
        expect(c.seller.address).to.equal(d.alice.address.toLowerCase());
        expect(c.buyer).to.include({ address: d.dave.address.toLowerCase(), code: "GZDE", codeKind: "home-exchange-code" });
        expect(c.right).to.equal("processing");
        expect(c.rights[0].right).to.equal("processing");
        expect(c.rights[0].end).to.be.greaterThan(c.rights[0].start);
        const t = (await request(app).get(`/v1/trades/${tradeId.toString()}`).expect(200)).body.data;
        expect(c.chain.txHash).to.equal(t.event.txHash);
        const page = await request(app).get(`/v1/trades/${tradeId.toString()}/certificate?format=html`).expect(200);
        expect(page.text).to.contain("数据交易凭证").and.contain("Trade Certificate");
        await request(app).get(`/v1/trades/12345/certificate`).expect(404);
      });
    });
  }
});
