/**
 * `npm start -- --demo`: a realistic data set on the embedded chain, made through the contracts exactly as the
 * CLI would (exchanges register, holders grant licences, sellers sign trades, the holder consents to a pledge,
 * exchanges anchor evidence, the regulator freezes). Two exchanges recognise each other; there are resources,
 * a derived product, licences that expire and get revoked, on- and off-exchange trades (one linked pair, one
 * confidential price), a pledge and evidence batches whose manifests are in the content store; and regulated use
 * (docs/regulated-use.md): processing receipts (one outside its licence, shown as a violation), an assessment with
 * the holder's response and an exchange policy, and a cross-border trade.
 */
import { JsonRpcProvider, Signature, type Signer } from "ethers";
import {
  IAssessmentRegistry__factory,
  IDataAssetRegistry__factory,
  IEvidenceAnchor__factory,
  IPledgeRegistry__factory,
  IReceiptAnchor__factory,
  IRegistrationLifecycle__factory,
  ITradeRecorder__factory,
} from "../../../typechain-types";
import type { ITradeRecorder } from "../../../typechain-types/contracts/interfaces/ITradeRecorder";
import type { ContentStore } from "../content";
import {
  buildManifest,
  buildReceiptManifest,
  canonicalJsonBytes,
  destinationBytes2,
  licenceIdOf,
  datasetDigest,
  enumValue,
  ASSET_KIND,
  ASSET_SOURCE,
  DATA_LEVEL,
  RIGHT,
  VENUE,
  recordDigest,
  sha256Hex,
  tradeIdOf,
  type AssetKindName,
  type AssetSourceName,
  type DataLevelName,
  type Hex,
} from "../digest";
import type { Logger } from "../logger";
import { EXAMPLE_METADATA, validateMetadata } from "../metadata";
import { devWallet } from "../devnet/accounts";
import { DEV, devSigner } from "../devnet/bootstrap";

/** Addresses of a wired deployment. */
export interface DemoDeployment {
  contracts: {
    DataAssetRegistry: string;
    TradeRecorder: string;
    PledgeRegistry: string;
    EvidenceAnchor: string;
    RegistrationLifecycle: string;
    ReceiptAnchor: string;
    AssessmentRegistry: string;
  };
}

/** What the demo made, for the start-up banner and for tests. */
export interface DemoSummary {
  description: string;
  assets: Record<string, Hex>;
  trades: Record<string, bigint>;
  evidenceRoots: Hex[];
}

const DAY = 24 * 60 * 60;
/** The demo's two moves of the chain's clock: until a processing job has ended, then until a licence has lapsed. */
const JOB_ENDED_SECONDS = 2 * 3600;
const LICENCE_LAPSED_SECONDS = 2 * DAY;
/** How far the demo moves the chain's clock forward in all. */
export const DEMO_CLOCK_ADVANCE_SECONDS = JOB_ENDED_SECONDS + LICENCE_LAPSED_SECONDS;
const ZERO32 = "0x" + "0".repeat(64);

async function wait(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
}

async function now(provider: JsonRpcProvider): Promise<number> {
  const block = await provider.getBlock("latest");
  if (!block) throw new Error("the chain has no latest block");
  return block.timestamp;
}

/** Seeds the demo data set; returns what it made. */
export async function seedDemo(p: {
  provider: JsonRpcProvider;
  deployment: DemoDeployment;
  content: ContentStore;
  logger: Logger;
}): Promise<DemoSummary> {
  const { provider, content } = p;
  const c = p.deployment.contracts;
  const as = (i: number): Signer => devSigner(provider, i);
  const addr = (i: number) => devWallet(i).address;
  const registry = (i: number) => IDataAssetRegistry__factory.connect(c.DataAssetRegistry, as(i));
  const trades = (i: number) => ITradeRecorder__factory.connect(c.TradeRecorder, as(i));
  const evidence = (i: number) => IEvidenceAnchor__factory.connect(c.EvidenceAnchor, as(i));
  const pledges = (i: number) => IPledgeRegistry__factory.connect(c.PledgeRegistry, as(i));
  const lifecycle = (i: number) => IRegistrationLifecycle__factory.connect(c.RegistrationLifecycle, as(i));
  const assets: Record<string, Hex> = {};
  const tradeIds: Record<string, bigint> = {};
  const serials = new Map<number, number>();

  async function register(o: {
    key: string;
    exchange: number;
    holder: number;
    name: string;
    files: Record<string, string>;
    kind: AssetKindName;
    source: AssetSourceName;
    level: DataLevelName;
    parents?: string[];
  }): Promise<Hex> {
    const files = Object.entries(o.files).map(([path, text]) => ({ path, digest: sha256Hex(text) }));
    const { root } = datasetDigest(files);
    const metadata = validateMetadata({
      ...EXAMPLE_METADATA,
      asset: { ...EXAMPLE_METADATA.asset, name: o.name, objectType: o.kind === "product" ? "product" : "resource" },
      evidence: { digestAlgorithm: "oz-merkle-sha-256", fingerprint: root },
      security: {
        ...EXAMPLE_METADATA.security,
        level: o.level,
        personalInformation:
          o.source === "personal"
            ? { contains: true, sensitive: false, consentBasis: "individual consent", deidentification: "k-anonymity k=20" }
            : { contains: false, sensitive: false },
      },
    });
    const bytes = canonicalJsonBytes(metadata);
    const metadataCid = await content.put(bytes);
    const application = {
      contentDigest: root,
      holder: addr(o.holder),
      kind: enumValue(ASSET_KIND, o.kind, "kind"),
      source: enumValue(ASSET_SOURCE, o.source, "source"),
      level: enumValue(DATA_LEVEL, o.level, "level"),
      metadataDigest: sha256Hex(bytes),
      metadataCid,
      consentDigest: o.source === "personal" ? sha256Hex(`consent records of ${o.name}`) : ZERO32,
      parents: (o.parents ?? []).map((k) => assets[k]),
      nonce: await registry(o.exchange).applicationNonce(addr(o.holder)),
      deadline: 2n ** 40n,
    };
    // the holder signs its application (the contract's own digest, with its development key)
    const applicationDigest = await registry(o.exchange).hashApplication(application, addr(o.exchange));
    const holderSignature = Signature.from(devWallet(o.holder).signingKey.sign(applicationDigest)).serialized;
    await wait(registry(o.exchange).register(application, holderSignature));
    assets[o.key] = root;
    return root;
  }

  async function licence(grantor: number, key: string, grantee: number, right: "processing" | "operating" | "product-use", days: number, revocable = true) {
    const t = await now(provider);
    await wait(
      registry(grantor).grantLicence(assets[key], addr(grantee), enumValue(RIGHT, right, "right"), {
        scopeDigest: sha256Hex(`scenario: ${right} of ${key} by account ${grantee}`),
        start: t,
        end: t + days * DAY,
        exclusive: false,
        sublicensable: false,
        revocable,
      }),
    );
  }

  async function trade(o: {
    key: string;
    exchange: number;
    seller: number;
    buyer: number;
    right: "holding" | "processing" | "operating" | "product-use";
    venue: "on-exchange" | "off-exchange";
    price?: bigint;
    confidentialPrice?: bigint;
    linkedTo?: string;
    sublicensable?: boolean;
    days?: number;
    /** A cross-border trade: its mechanism, filing number and destination. */
    crossBorder?: { mechanism: number; filingNumber: string; destination: string };
  }): Promise<void> {
    const serial = (serials.get(o.exchange) ?? 0) + 1;
    serials.set(o.exchange, serial);
    const tradeId = tradeIdOf(addr(o.exchange), serial);
    const t = await now(provider);
    const isHolding = o.right === "holding";
    const request: ITradeRecorder.TradeStruct = {
      tradeId,
      assetId: assets[o.key],
      seller: addr(o.seller),
      buyer: addr(o.buyer),
      right: enumValue(RIGHT, o.right, "right"),
      licence: isHolding
        ? { scopeDigest: ZERO32, start: 0, end: 0, exclusive: false, sublicensable: false, revocable: false }
        : {
            scopeDigest: sha256Hex(`scenario: ${o.right} of ${o.key}`),
            start: t,
            end: t + (o.days ?? 365) * DAY,
            exclusive: false,
            sublicensable: o.sublicensable ?? false,
            revocable: false,
          },
      price: o.price ?? 0n,
      currency: o.price !== undefined ? "0x434e59" : "0x000000",
      priceCommitment:
        o.confidentialPrice !== undefined ? sha256Hex(`price ${o.confidentialPrice} CNY, salt ${tradeId}`) : ZERO32,
      contractDigest: sha256Hex(`trade contract ${o.key} ${o.seller}->${o.buyer} ${o.right}`),
      venue: enumValue(VENUE, o.venue, "venue"),
      linkedTradeId: o.linkedTo ? tradeIds[o.linkedTo] : 0n,
      deadline: t + DAY,
      // the asset's state both sides agree on (checked for a holding transfer)
      stateNonce: (await registry(o.exchange).getAsset(assets[o.key])).stateNonce,
    };
    // The seller and the buyer sign the EIP-712 digest the recorder itself computes for these terms (for a
    // cross-border trade, the CrossBorderTrade around them: both accept the export terms).
    const x = o.crossBorder
      ? { mechanism: o.crossBorder.mechanism, filingDigest: sha256Hex(o.crossBorder.filingNumber), destination: destinationBytes2(o.crossBorder.destination) }
      : undefined;
    const digest = x ? await trades(o.exchange).hashCrossBorderTrade(request, x) : await trades(o.exchange).hashTrade(request);
    const signature = Signature.from(devWallet(o.seller).signingKey.sign(digest)).serialized;
    const acceptance = Signature.from(devWallet(o.buyer).signingKey.sign(digest)).serialized;
    if (x) await wait(trades(o.exchange).recordCrossBorderTrade(request, x, signature, acceptance));
    else await wait(trades(o.exchange).recordTrade(request, signature, acceptance));
    tradeIds[`${o.key}:${o.right}:${serial}@${o.exchange}`] = tradeId;
    if (!o.linkedTo) tradeIds[o.key + ":" + o.right] = tradeId;
  }

  async function anchor(exchange: number, records: { record: object; asset?: string; label: string }[], batchAsset?: string): Promise<Hex> {
    const built = buildManifest(
      records.map((r) => ({ digest: recordDigest(r.record), assetId: r.asset ? assets[r.asset] : undefined, label: r.label })),
    );
    const cid = await content.put(built.bytes);
    await wait(evidence(exchange).anchor(built.manifest.root, built.manifest.leafCount, cid, batchAsset ? assets[batchAsset] : 0n));
    return built.manifest.root;
  }

  p.logger.info("seeding the demo data set");
  await register({
    key: "throughput", exchange: DEV.shde, holder: DEV.alice, name: "Shanghai port container throughput 2025",
    files: { "throughput/2025-q1.csv": "month,teu\n2025-01,4120000\n", "throughput/2025-q2.csv": "month,teu\n2025-04,4310000\n" },
    kind: "resource", source: "enterprise", level: "general",
  });
  await register({
    key: "weather", exchange: DEV.gzde, holder: DEV.carol, name: "Guizhou hourly weather observations",
    files: { "weather/2025.csv": "station,hour,temp\nGY01,2025-01-01T00,3.2\n" }, kind: "resource", source: "public", level: "general",
  });
  await register({
    key: "mobility", exchange: DEV.shde, holder: DEV.bob, name: "Anonymised commuter mobility sample",
    files: { "mobility/sample.parquet": "PAR1 demo bytes" }, kind: "resource", source: "personal", level: "important",
  });
  await licence(DEV.alice, "throughput", DEV.bob, "processing", 365);
  await register({
    key: "congestion", exchange: DEV.shde, holder: DEV.bob, name: "Port congestion index",
    files: { "index/congestion.json": '{"method":"weighted queue length","version":1}' },
    kind: "product", source: "enterprise", level: "general", parents: ["throughput"],
  });
  await licence(DEV.carol, "weather", DEV.alice, "processing", 1); // expires below
  await licence(DEV.alice, "throughput", DEV.dave, "processing", 90); // revoked below
  await wait(registry(DEV.alice).revokeLicence(assets.throughput, addr(DEV.dave), enumValue(RIGHT, "processing", "right"), "scope exceeded"));

  await trade({ key: "congestion", exchange: DEV.shde, seller: DEV.bob, buyer: DEV.carol, right: "operating", venue: "on-exchange", price: 120_000_00n, sublicensable: true });
  // A sub-licence cannot outlast the operating licence it comes from: a shorter term.
  await trade({ key: "congestion", exchange: DEV.gzde, seller: DEV.carol, buyer: DEV.dave, right: "product-use", venue: "off-exchange", confidentialPrice: 18_000_00n, linkedTo: "congestion:operating", days: 180 });
  await trade({ key: "weather", exchange: DEV.shde, seller: DEV.carol, buyer: DEV.alice, right: "holding", venue: "on-exchange", price: 50_000_00n });
  await trade({ key: "throughput", exchange: DEV.shde, seller: DEV.alice, buyer: DEV.carol, right: "processing", venue: "on-exchange", price: 8_000_00n });

  const t = await now(provider);
  const consentTerms = {
    assetId: assets.throughput, holder: addr(DEV.alice), lender: addr(DEV.lender), amount: 3_000_000_00n, currency: "0x434e59",
    start: t, end: t + 365 * DAY, agreementDigest: sha256Hex("pledge agreement SHDE-PL-2026-001"),
    stateNonce: (await registry(DEV.alice).getAsset(assets.throughput)).stateNonce,
    nonce: await pledges(DEV.alice).nonces(addr(DEV.alice)), deadline: t + DAY,
  };
  const pledgeDigest = await pledges(DEV.lender).hashPledge(consentTerms);
  await wait(pledges(DEV.lender).registerPledge(consentTerms, Signature.from(devWallet(DEV.alice).signingKey.sign(pledgeDigest)).serialized));

  const roots: Hex[] = [];
  roots.push(
    await anchor(DEV.shde, [
      { record: { type: "delivery-receipt", order: "SHDE-2026-0001", asset: "congestion", to: "carol" }, asset: "congestion", label: "SHDE-2026-0001" },
      { record: { type: "delivery-receipt", order: "SHDE-2026-0002", asset: "weather", to: "alice" }, asset: "weather", label: "SHDE-2026-0002" },
      { record: { type: "audit-record", scope: "onboarding review", merchant: "bob" }, label: "audit-bob" },
    ]),
  );
  roots.push(
    await anchor(
      DEV.gzde,
      Array.from({ length: 5 }, (_, i) => ({ record: { type: "processing-log", job: `GZ-JOB-${i + 1}`, asset: "congestion", rows: 1000 * (i + 1) }, asset: "congestion", label: `GZ-JOB-${i + 1}` })),
      "congestion",
    ),
  );
  // Regulated use: bob's processing receipts on alice's throughput data (the second ran before his licence began)
  const receipts = (i: number) => IReceiptAnchor__factory.connect(c.ReceiptAnchor, as(i));
  const assessments = (i: number) => IAssessmentRegistry__factory.connect(c.AssessmentRegistry, as(i));
  const bobsLicence = licenceIdOf(assets.throughput, addr(DEV.bob), "processing");
  const licensed = await registry(DEV.bob).getLicence(assets.throughput, addr(DEV.bob), enumValue(RIGHT, "processing", "right"));
  const job = (n: number, start: number) => ({
    licenceId: bobsLicence,
    licensee: addr(DEV.bob).toLowerCase(),
    purposeDigest: sha256Hex(`scenario: processing of throughput by account ${DEV.bob}`),
    inputs: [assets.throughput],
    outputDigest: sha256Hex(`congestion index build ${n}`),
    parametersDigest: recordDigest({ job: `BOB-JOB-${n}`, window: "2025" }),
    start,
    end: start + 3600,
  });
  // two hours on, so that the first job has ended when the batch is anchored
  await provider.send("evm_increaseTime", [JOB_ENDED_SECONDS]);
  await provider.send("evm_mine", []);
  const receiptBatch = buildReceiptManifest([job(1, Number(licensed.start) + 60), job(2, Number(licensed.start) - 30 * DAY)]);
  await wait(receipts(DEV.bob).anchor(receiptBatch.manifest.root, receiptBatch.manifest.leafCount, await content.put(receiptBatch.bytes)));
  // dave (GZDE grants him every assessor category at start-up) assesses the throughput data; alice responds; SHDE
  // requires a current quality assessment before a listing
  const validUntil = (await now(provider)) + 365 * DAY;
  const reportBytes = canonicalJsonBytes({ type: "quality-report", asset: "throughput", completeness: 0.998, findings: [] });
  const report = await content.put(reportBytes);
  await wait(assessments(DEV.dave).assess({ assetId: assets.throughput, kind: 0, result: 0, value: 0n, currency: "0x000000", reportDigest: sha256Hex(reportBytes), reportCid: report, validUntil }));
  await wait(assessments(DEV.alice).respond(assets.throughput, 1n, sha256Hex("holder response: accepted"), report));
  await wait(assessments(DEV.shde).setPolicy(1, 0));
  // bob licenses the (important, personal) mobility sample to carol for use in Hong Kong, after a security assessment
  await trade({ key: "mobility", exchange: DEV.shde, seller: DEV.bob, buyer: DEV.carol, right: "processing", venue: "on-exchange", price: 60_000_00n, days: 90, crossBorder: { mechanism: 1, filingNumber: "CAC-SA-2026-0017", destination: "HK" } });

  await wait(registry(DEV.regulator).freeze(assets.mobility, "consent records under review"));

  // The registration lifecycle: GZDE now practises a 10-day public notice (公示); a new registration is under
  // notice with an objection open that claims an earlier right; a holder's change (变更); a cancellation (注销).
  // SHDE keeps registering without a notice, so what the README registers there trades at once.
  await wait(lifecycle(DEV.gzde).setTerms(10, 1095, 60));
  await register({
    key: "ridership", exchange: DEV.gzde, holder: DEV.carol, name: "Guiyang metro ridership 2025",
    files: { "ridership/2025.csv": "line,month,riders\nL2,2025-01,31200000\n" }, kind: "resource", source: "enterprise", level: "general",
  });
  await wait(lifecycle(DEV.alice).object(assets.ridership, sha256Hex("objection: the ridership counts come from alice's 2024 contract with the operator"), true, sha256Hex("contract SH-2024-117")));
  const weatherV2 = canonicalJsonBytes({ ...EXAMPLE_METADATA, asset: { ...EXAMPLE_METADATA.asset, name: "Guizhou hourly weather observations (v2)" } });
  await wait(lifecycle(DEV.alice).change(assets.weather, sha256Hex(weatherV2), await content.put(weatherV2), "stations added"));
  await register({
    key: "gps", exchange: DEV.shde, holder: DEV.carol, name: "Guiyang taxi GPS sample",
    files: { "gps/sample.csv": "car,t,lat,lon\nA1,0,26.6,106.7\n" }, kind: "resource", source: "enterprise", level: "general",
  });
  await wait(lifecycle(DEV.carol).requestCancellation(assets.gps, "sample superseded"));
  await wait(lifecycle(DEV.shde).cancel(assets.gps, "on the holder's request"));

  // Let the one-day licence lapse, so the data set has an expired licence too.
  await provider.send("evm_increaseTime", [LICENCE_LAPSED_SECONDS]);
  await provider.send("evm_mine", []);

  return {
    description:
      "6 assets (5 resources, 1 derived product; 1 under notice with an open objection, 1 cancelled), 7 licences (1 expired, 1 revoked), 5 trades (1 off-exchange with a confidential price, linked; 1 cross-border), 1 active pledge, 2 evidence batches (8 items), 2 processing receipts (1 violation), 1 assessment, 1 frozen asset",
    assets,
    trades: tradeIds,
    evidenceRoots: roots,
  };
}
