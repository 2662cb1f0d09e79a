/**
 * Drives the regulated-use contracts on the Hardhat network (docs/regulated-use.md): a licence, processing receipts
 * inside and outside it (three batches, one with a manifest that does not rebuild its root), an operator, and
 * assessments with a response, a withdrawal and an exchange policy. Shared by the indexer end-to-end tests.
 */
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Deployed } from "./hardhat-scenario";
import { Right, digest } from "./fixture";
import { licenceTerms, recordTrade, registerAsset, tradeOf } from "./assets";
import { currency, signCrossBorderTrade } from "./signing";
import { buildReceiptManifest, destinationBytes2, licenceIdOf, sha256Hex, type Hex } from "../../service/src/digest";

/** What the scenario did, for the assertions. */
export interface RegulatedScenario {
  assetId: bigint;
  licenceId: Hex;
  /** The manifests to serve by CID (receipt batches 1 and 2; batch 3's root matches no manifest). */
  manifests: Uint8Array[];
  roots: { first: Hex; second: Hex; mismatched: Hex };
  /** Expected violation codes per receipt, by batch, in manifest order. */
  expected: { first: string[][]; second: string[][] };
  revokedAt: number;
  /** A personal-data asset licensed once abroad (HK, standard contract) and once at home. */
  crossBorder: { assetId: bigint; tradeId: bigint; filingDigest: string; domesticPrice: bigint; crossBorderPrice: bigint };
}


const SCOPE = digest("scenario: traffic-flow model training");

/** Runs the scenario on a deployment seeded by shuquanFixture. */
export async function driveRegulated(d: Deployed): Promise<RegulatedScenario> {
  const { registry, receipts, assessments, tradeRecorder, regulator, shde, gzde, alice, bob, carol, dave } = d;
  const { computeCid } = await import("../../service/src/content");
  const assetId = await registerAsset(registry, shde, alice.address, "city sensor readings (regulated use)");
  const terms = await licenceTerms(30, { scopeDigest: SCOPE });
  await (await registry.connect(alice).grantLicence(assetId, bob.address, Right.Processing, terms)).wait();
  const licenceId = licenceIdOf(assetId, bob.address.toLowerCase(), "processing");
  const t0 = Number(terms.start);
  await (await receipts.connect(bob).setOperator(shde.address, true)).wait();
  await time.increase(2 * 86_400);

  const input = [sha256Hex("sensor readings, district 7")];
  const base = { licenceId, licensee: bob.address.toLowerCase(), purposeDigest: SCOPE, outputDigest: sha256Hex("model v1"), parametersDigest: sha256Hex('{"epochs":3}'), inputs: input };
  const first = buildReceiptManifest([
    { ...base, start: t0 + 100, end: t0 + 200 },
    { ...base, start: t0 - 1_000, end: t0 + 50 },
    { ...base, purposeDigest: digest("marketing"), start: t0 + 300, end: t0 + 400 },
    { ...base, licensee: carol.address.toLowerCase(), start: t0 + 500, end: t0 + 600 },
  ]);
  await (await receipts.connect(bob).anchor(first.manifest.root, 4, await computeCid(first.bytes))).wait();

  await (await registry.connect(alice).revokeLicence(assetId, bob.address, Right.Processing, "audit finding")).wait();
  const revokedAt = await time.latest();
  await time.increase(86_400);
  const second = buildReceiptManifest([
    { ...base, start: revokedAt - 100, end: revokedAt + 3_600 },
    { ...base, licenceId: sha256Hex("no such licence"), start: t0 + 100, end: t0 + 200 },
  ]);
  await (await receipts.connect(shde).anchor(second.manifest.root, 2, await computeCid(second.bytes))).wait();
  // a batch whose manifest (the first one's) does not rebuild its root
  const mismatched = sha256Hex("a root no manifest rebuilds");
  await (await receipts.connect(bob).anchor(mismatched, 4, await computeCid(first.bytes))).wait();

  // assessments: dave assesses quality (kept) and value (withdrawn by the regulator); alice responds; SHDE's policy
  await (await assessments.connect(gzde).setAssessorCategories(dave.address, 0x0f)).wait();
  const validUntil = BigInt(await time.latest()) + 365n * 86_400n;
  const cid = "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua";
  const common = { assetId, result: 0, value: 0n, currency: "0x000000", reportCid: cid, validUntil };
  await (await assessments.connect(dave).assess({ ...common, kind: 0, reportDigest: sha256Hex("quality report") })).wait();
  await (await assessments.connect(dave).assess({ ...common, kind: 2, value: 8_800_000n, currency: currency("CNY"), reportDigest: sha256Hex("valuation report") })).wait();
  await (await assessments.connect(alice).respond(assetId, 1, sha256Hex("holder's response"), cid)).wait();
  await (await assessments.connect(regulator).withdraw(assetId, 2, "valuation method not approved")).wait();
  await (await assessments.connect(shde).setPolicy(1 << 0, 1 << 2)).wait();

  // cross-border: personal data licensed to carol for use in HK under a filed standard contract, and to bob at home
  const personal = await registerAsset(registry, shde, alice.address, "personal travel records", { source: 2, consentDigest: digest("consent proof") });
  const xb = { mechanism: 2, filingDigest: digest("standard contract filing 2026-17"), destination: destinationBytes2("HK") };
  const abroad = await tradeOf(shde.address, personal, alice.address, carol.address, Right.Processing, { price: 4_200_000n });
  // seller and buyer both sign the CrossBorderTrade (the buyer accepts the export terms and the asset's state)
  const [sellerSig, buyerSig] = [await signCrossBorderTrade(alice, tradeRecorder, abroad, xb), await signCrossBorderTrade(carol, tradeRecorder, abroad, xb)];
  await (await tradeRecorder.connect(shde).recordCrossBorderTrade(abroad, xb, sellerSig, buyerSig)).wait();
  await recordTrade(tradeRecorder, shde, alice, await tradeOf(shde.address, personal, alice.address, bob.address, Right.Processing, { price: 1_000_000n }));

  return {
    crossBorder: { assetId: personal, tradeId: abroad.tradeId, filingDigest: xb.filingDigest, domesticPrice: 1_000_000n, crossBorderPrice: 4_200_000n },
    assetId,
    licenceId,
    manifests: [first.bytes, second.bytes],
    roots: { first: first.manifest.root, second: second.manifest.root, mismatched },
    expected: {
      first: [[], ["outside-window"], ["purpose-mismatch"], ["unauthorised-submitter", "wrong-licensee"]],
      second: [["after-revocation"], ["unknown-licence"]],
    },
    revokedAt,
  };
}


