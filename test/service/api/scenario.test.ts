/**
 * Full scenario: in-process chain, deploy, two exchanges recognising each other (whole exchange and single
 * merchant), assets with lineage, licences that expire and get revoked, trades on and off exchange with a link, a
 * confidential-price trade, a pledge, evidence batches with manifests in the content store — indexed by the
 * indexer — then every endpoint's answer is checked against what the chain says, on SQLite and PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { buildOwnershipStatement } from "../../../service/src/digest/ownership-statement";
import { createLocalContentStore } from "../../../service/src/content";
import { RECOGNITION_PATH, buildManifest, formatAssetId, sha256Hex } from "../../../service/src/digest";
import { createIndexer, type FollowedContract } from "../../../service/src/indexer";
import type { ContractName } from "../../../service/src/contracts";
import { createSilentLogger } from "../../../service/src/logger";
import { licenceTerms, recordTrade, registerAsset, tradeOf, stateNonceOf } from "../../helpers/assets";
import { Right, Venue, digest, shuquanFixture } from "../../helpers/fixture";
import { currency, signPledge } from "../../helpers/signing";
import { BACKENDS, quietLogger } from "./fixture";
import { expectStatsWithin } from "../../helpers/price-accuracy";

type Deployed = Awaited<ReturnType<typeof shuquanFixture>>;
const hex = (n: bigint): string => formatAssetId(n);
const RIGHTS = ["holding", "processing", "operating", "product-use"];

describe("API over the indexed chain (full scenario)", function () {
  this.timeout(300_000);
  let snapshot: string;
  let d: Deployed;
  let a1: bigint, a2: bigint, a3: bigint;
  const trades: Record<string, bigint> = {};
  let blockBeforeT1 = 0;
  const items = [
    { digest: sha256Hex("delivery receipt 2026-03-01"), assetId: 0n as bigint, label: "receipts/1.json" },
    { digest: sha256Hex("processing log 17"), assetId: 0n as bigint, label: "logs/17.txt" },
  ];
  const orphan = { digest: sha256Hex("record of a batch whose manifest lies"), assetId: 0n };
  let goodRoot = "";
  let badRoot = "";
  let contentDir = "";
  let content: ReturnType<typeof createLocalContentStore>;

  before(async () => {
    snapshot = (await network.provider.send("evm_snapshot", [])) as string;
    d = await shuquanFixture();
    const { participants, registry, tradeRecorder, pledges, evidence, regulator, shde, gzde, alice, bob, carol, dave, lender } = d;
    contentDir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-api-content-"));
    content = createLocalContentStore(contentDir);

    await (await participants.connect(shde).suspendMerchant(bob.address, "documents expired")).wait();
    a1 = await registerAsset(registry, shde, alice.address, "metro ridership 2026");
    a2 = await registerAsset(registry, shde, alice.address, "ridership forecast", { parents: [a1], kind: 1 });
    // a licence that expires
    await (await registry.connect(alice).grantLicence(a1, dave.address, Right.Processing, await licenceTerms(1))).wait();
    await time.increase(2 * 86_400);
    // carol may process a2, so she can register a derived model at her home exchange; the licence is then revoked
    await (await registry.connect(alice).grantLicence(a2, carol.address, Right.Processing, await licenceTerms(30))).wait();
    a3 = await registerAsset(registry, gzde, carol.address, "crowding model", { parents: [a2], kind: 3 });
    await (await registry.connect(alice).revokeLicence(a2, carol.address, Right.Processing, "model published without attribution")).wait();
    await (await participants.connect(shde).reinstateMerchant(bob.address, "documents renewed")).wait();

    blockBeforeT1 = await ethers.provider.getBlockNumber();
    // the licence granted on a1 advanced its state nonce: seller and buyer sign the current one
    const t1 = await tradeOf(shde.address, a1, alice.address, carol.address, Right.Holding, { price: 100_000n, stateNonce: await stateNonceOf(registry, a1) });
    await recordTrade(tradeRecorder, shde, alice, t1);
    const t2 = await tradeOf(shde.address, a2, alice.address, bob.address, Right.Processing, { price: 250_000n, venue: Venue.OffExchange, linkedTradeId: t1.tradeId });
    await recordTrade(tradeRecorder, shde, alice, t2);
    const t3 = await tradeOf(shde.address, a2, alice.address, dave.address, Right.Operating, {
      price: 0n, currency: ethers.ZeroHash.slice(0, 8), priceCommitment: digest("price 777 fen, salt 9"),
    });
    await recordTrade(tradeRecorder, shde, alice, t3);
    Object.assign(trades, { t1: BigInt(t1.tradeId), t2: BigInt(t2.tradeId), t3: BigInt(t3.tradeId) });

    const now = BigInt(await time.latest());
    const terms = {
      assetId: a2, holder: alice.address, lender: lender.address, amount: 5_000_000n, currency: currency("CNY"), start: now, end: now + 365n * 86_400n,
      agreementDigest: digest("pledge agreement"), stateNonce: (await registry.getAsset(a2)).stateNonce, nonce: await pledges.nonces(alice.address), deadline: now + 3_600n,
    };
    await (await pledges.connect(lender).registerPledge(terms, await signPledge(alice, pledges, terms))).wait();
    await (await registry.connect(regulator).freeze(a3, "complaint under review")).wait();

    items[0]!.assetId = a1;
    const good = buildManifest(items);
    goodRoot = good.manifest.root;
    await (await evidence.connect(shde).anchor(goodRoot, items.length, await content.put(good.bytes), 0n)).wait();
    const lying = buildManifest([orphan]);
    badRoot = ethers.keccak256(ethers.toUtf8Bytes("not the root of that manifest"));
    await (await evidence.connect(gzde).anchor(badRoot, 1, await content.put(lying.bytes), a3)).wait();
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
      let head = 0;
      before(async () => {
        const opened = await backend.open();
        close = opened.close;
        const contracts: FollowedContract[] = (Object.entries(d.addresses) as [ContractName, string][]).map(([name, address]) => ({ name, address, startBlock: d.startBlock }));
        const indexer = await createIndexer({ logger: createSilentLogger() }, { db: opened.db, chains: [{ chainId: 31337, provider: network.provider, contracts }], content });
        await indexer.catchUp();
        head = await ethers.provider.getBlockNumber();
        app = createApi({ db: opened.db, indexerStatus: () => indexer.status(), logger: quietLogger, contentStore: content });
      });
      after(async () => close && (await close()));

      it("should report the indexed head as the chain's, with every entry final", async () => {
        const res = await request(app).get("/v1/assets").expect(200);
        expect(res.body.meta.heads[0]).to.include({ chainId: 31337, indexedBlock: head, chainHead: head, lag: 0, finalBlock: head });
        expect(res.body.data.every((a: { registered: { final: boolean } }) => a.registered.final)).to.equal(true);
        await request(app).get("/health").expect(200);
      });

      it("should describe every asset as the registry does", async () => {
        for (const id of [a1, a2, a3]) {
          const a = (await request(app).get(`/v1/assets/${hex(id)}`).expect(200)).body.data;
          const onChain = await d.registry.getAsset(id);
          expect(a.holder).to.equal((await d.registry.ownerOf(id)).toLowerCase());
          expect(a.registrationNumber).to.equal(await d.registry.registrationNumber(id));
          expect([a.frozen, a.pledged]).to.deep.equal([onChain.frozen, onChain.pledged]);
          expect(a.exchange).to.equal(onChain.exchange.toLowerCase());
          const byNo = (await request(app).get(`/v1/assets/by-registration/${a.registrationNumber}`).expect(200)).body.data;
          expect(byNo.assetId).to.equal(hex(id));
        }
        expect((await request(app).get(`/v1/assets?status=frozen`).expect(200)).body.data.map((a: { assetId: string }) => a.assetId)).to.deep.equal([hex(a3)]);
        expect((await request(app).get(`/v1/assets?status=pledged`).expect(200)).body.data.map((a: { assetId: string }) => a.assetId)).to.deep.equal([hex(a2)]);
      });

      it("should answer recognition exactly as ParticipantRegistry.recognitionPath for every pair", async () => {
        const people = [d.alice, d.bob, d.carol, d.dave, d.lender, d.outsider];
        for (const m of people) {
          for (const e of [d.shde, d.gzde, d.outsider]) {
            const api = (await request(app).get(`/v1/recognition?merchant=${m.address}&exchange=${e.address}`).expect(200)).body.data;
            const chain = RECOGNITION_PATH[Number(await d.participants.recognitionPath(m.address, e.address))];
            expect(api.path, `${m.address} at ${e.address}`).to.equal(chain);
            expect(api.recognised).to.equal(await d.participants.isRecognised(m.address, e.address));
          }
          const res = await request(app).get(`/v1/merchants/${m.address}`);
          if (res.status === 200) expect(res.body.data.active).to.equal(await d.participants.isActiveMerchant(m.address));
        }
        const bob = (await request(app).get(`/v1/merchants/${d.bob.address}`).expect(200)).body.data;
        expect(bob.statusHistory.map((s: { status: string }) => s.status)).to.deep.equal(["suspended", "active"]);
      });

      it("should give lineage, licences (expired, revoked, in force) matching isLicensed, and the trades", async () => {
        const r = (await request(app).get(`/v1/assets/${hex(a2)}/provenance`).expect(200)).body.data;
        expect(r.lineage.up.nodes.map((n: { assetId: string }) => n.assetId)).to.deep.equal([hex(a1)]);
        expect(r.lineage.down.nodes.map((n: { assetId: string }) => n.assetId)).to.deep.equal([hex(a3)]);
        const asOf = r.asOf as number;
        for (const id of [a1, a2]) {
          const rep = (await request(app).get(`/v1/assets/${hex(id)}/provenance`).expect(200)).body.data;
          for (const l of rep.rights.licences) {
            const licensed = await d.registry.isLicensed(id, l.grantee, RIGHTS.indexOf(l.right), asOf);
            expect(l.state === "in_force", `${l.licenceId} ${l.state}`).to.equal(licensed);
          }
        }
        const carol = r.rights.licences.find((l: { grantee: string }) => l.grantee === d.carol.address.toLowerCase());
        expect(carol.state).to.equal("revoked");
        expect(carol.revocation.reason).to.equal("model published without attribution");
        const r1 = (await request(app).get(`/v1/assets/${hex(a1)}/provenance`).expect(200)).body.data;
        expect(r1.rights.licences.find((l: { grantee: string }) => l.grantee === d.dave.address.toLowerCase()).state).to.equal("expired");
        expect(r1.rights.holders.map((p: { holder: string }) => p.holder)).to.deep.equal([d.alice.address.toLowerCase(), d.carol.address.toLowerCase()]);
        const tx = await ethers.provider.getTransactionReceipt(r1.trades[0].event.txHash);
        expect(tx!.blockNumber).to.equal(r1.trades[0].event.blockNumber);
      });

      it("should give the holder at a block as ownerOf at that block", async () => {
        for (const block of [blockBeforeT1, blockBeforeT1 + 1, head]) {
          const api = (await request(app).get(`/v1/assets/${hex(a1)}/rights?block=${block}`).expect(200)).body.data;
          expect(api.holder.address, `block ${block}`).to.equal((await d.registry.ownerOf(a1, { blockTag: block })).toLowerCase());
        }
      });

      it("should link the off-exchange trade to the on-exchange one and hide the confidential price", async () => {
        const t2 = (await request(app).get(`/v1/trades/${trades.t2}`).expect(200)).body.data;
        expect(t2).to.include({ venue: "off-exchange", price: "250000", currency: "CNY" });
        expect(t2.linkedTrade.tradeId).to.equal(hex(trades.t1!));
        expect(t2.linkedTrade.venue).to.equal("on-exchange");
        const t3 = (await request(app).get(`/v1/trades/${trades.t3}`).expect(200)).body.data;
        expect(t3).to.include({ confidential: true, price: null });
        expect(await d.tradeRecorder.isRecorded(trades.t3!)).to.equal(true);
        const stats = (await request(app).get("/v1/stats/prices?groupBy=exchange").expect(200)).body.data.groups;
        expectStatsWithin(stats, [
          { group: d.shde.address.toLowerCase(), tradeCount: 3, confidentialCount: 1, currencies: [
            { currency: "CNY", count: 2, volume: "350000", min: "100000", q1: "137500", median: "175000", q3: "212500", max: "250000" },
          ] },
        ]);
      });

      it("should list the pledge as the pledge registry stores it", async () => {
        const list = (await request(app).get(`/v1/pledges?lender=${d.lender.address}`).expect(200)).body.data;
        expect(list).to.have.length(1);
        const onChain = await d.pledges.getPledge(BigInt(list[0].pledgeId));
        expect(list[0]).to.include({ assetId: hex(onChain.assetId), holder: onChain.holder.toLowerCase(), status: "active", amount: "5000000", currency: "CNY" });
        expect(await d.pledges.activePledgeOf(a2)).to.equal(BigInt(list[0].pledgeId));
      });

      it("should give evidence proofs the anchor contract accepts, and nothing from a lying manifest", async () => {
        for (const it of items) {
          const o = (await request(app).get(`/v1/evidence/items/${it.digest}`).expect(200)).body.data.occurrences[0];
          expect(o.batch).to.include({ root: goodRoot, manifestStatus: "valid" });
          expect(await d.evidence.verify(o.batch.exchange, goodRoot, o.leaf, o.proof)).to.equal(true);
          expect(await d.evidence.verifyItem(o.batch.exchange, goodRoot, it.digest, it.assetId, o.proof)).to.equal(true);
          // the API's own values go to the contract as they are (an item without asset is 0x00…00, never null)
          expect(o.hasAsset).to.equal(it.assetId !== 0n);
          expect(await d.evidence.verifyItem(o.batch.exchange, goodRoot, o.itemDigest, o.assetId, o.proof)).to.equal(true);
        }
        await request(app).get(`/v1/evidence/items/${orphan.digest}`).expect(404);
        const bad = (await request(app).get(`/v1/evidence/batches/${badRoot}`).expect(200)).body.data;
        expect(bad).to.include({ manifestStatus: "mismatch", assetId: hex(a3) });
        const r1 = (await request(app).get(`/v1/assets/${hex(a1)}/provenance`).expect(200)).body.data;
        expect(r1.evidence.items.map((i: { itemDigest: string }) => i.itemDigest)).to.deep.equal([items[0]!.digest]);
      });

      it("should verify an ownership proof against the holder at the block", async () => {
        const statement = buildOwnershipStatement({ assetId: hex(a1), holder: d.carol.address, chainId: 31337, block: head, issuedAt: new Date().toISOString() });
        const ok = (await request(app).post("/v1/ownership/verify").send({ assetId: hex(a1), holder: d.carol.address, block: head, statement, signature: await d.carol.signMessage(statement), scheme: "eip191" }).expect(200)).body.data;
        expect(ok.valid, JSON.stringify(ok.reasons)).to.equal(true);
        const early = buildOwnershipStatement({ assetId: hex(a1), holder: d.carol.address, chainId: 31337, block: blockBeforeT1, issuedAt: new Date().toISOString() });
        const no = (await request(app).post("/v1/ownership/verify").send({ assetId: hex(a1), holder: d.carol.address, block: blockBeforeT1, statement: early, signature: await d.carol.signMessage(early), scheme: "eip191" }).expect(200)).body.data;
        expect(no.reasons.map((r: { code: string }) => r.code)).to.deep.equal(["holder_mismatch"]);
      });
    });
  }
});
