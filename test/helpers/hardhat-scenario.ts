/**
 * Drives the deployed contracts on the Hardhat network so that every event the indexer maps is emitted at least
 * once (shuquanFixture seeds accreditations, onboardings and recognitions).
 */
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { shuquanFixture, MerchantCategory, Right, Venue, digest } from "./fixture";
import { licenceTerms, recordTrade, registerAsset, registrationOf, tradeOf } from "./assets";
import { signApplication, signedOnboard } from "./consent";
import { currency, signPledge } from "./signing";
import { buildManifest, sha256Hex } from "../../service/src/digest";
import type { FollowedContract } from "../../service/src/indexer";
import type { ContractName } from "../../service/src/contracts";
import { driveRegulated } from "./regulated-scenario";

/** The fixture's deployment. */
export type Deployed = Awaited<ReturnType<typeof shuquanFixture>>;

/** The contracts to follow for a deployment. */
export function followed(d: Deployed): FollowedContract[] {
  return (Object.entries(d.addresses) as [ContractName, string][]).map(([name, address]) => ({ name, address, startBlock: d.startBlock }));
}

/** The chain's id on the Hardhat network. */
export const HARDHAT_CHAIN_ID = 31337;

/** Deploys, seeds and drives one of everything. Returns the deployment and the manifests (bytes) it anchored. */
export async function deployAndDrive(): Promise<{ d: Deployed; manifests: Uint8Array[]; assets: bigint[] }> {
  const d = await shuquanFixture();
  const { participants, registry, tradeRecorder, pledges, evidence, regulator, shde, gzde, alice, bob, carol } = d;

  // participants: suspend / reinstate, withdraw recognitions
  await (await participants.connect(regulator).suspendExchange(gzde.address, "audit")).wait();
  await (await participants.connect(regulator).reinstateExchange(gzde.address, "audit passed")).wait();
  await (await participants.connect(shde).suspendMerchant(bob.address, "documents expired")).wait();
  await (await participants.connect(shde).reinstateMerchant(bob.address, "documents renewed")).wait();
  await (await participants.connect(gzde).withdrawMerchantRecognition(alice.address)).wait();
  await (await participants.connect(gzde).recogniseMerchant(alice.address)).wait();
  await (await participants.connect(shde).withdrawExchangeRecognition(gzde.address)).wait();
  await (await participants.connect(shde).recogniseExchange(gzde.address)).wait();

  // assets with lineage, freeze, licences
  const a1 = await registerAsset(registry, shde, alice.address, "taxi trips 2026");
  const a2 = await registerAsset(registry, shde, alice.address, "taxi heatmap", { parents: [a1], kind: 1 });
  const a3 = await registerAsset(registry, shde, alice.address, "port logs", { source: 0 });
  await (await registry.connect(regulator).freeze(a3, "under review")).wait();
  await (await registry.connect(regulator).unfreeze(a3, "cleared")).wait();
  await (await registry.connect(alice).grantLicence(a1, carol.address, Right.Processing, await licenceTerms(30))).wait();
  await (await registry.connect(alice).revokeLicence(a1, carol.address, Right.Processing, "scope exceeded")).wait();

  // trades: a holding transfer and a licence
  await recordTrade(tradeRecorder, shde, alice, await tradeOf(shde.address, a3, alice.address, carol.address, Right.Holding));
  await recordTrade(
    tradeRecorder,
    shde,
    alice,
    await tradeOf(shde.address, a2, alice.address, carol.address, Right.Processing, { venue: Venue.OffExchange, price: 0n, currency: ethers.ZeroHash.slice(0, 8), priceCommitment: digest("price 42") }),
  );

  // pledges: one released, one lifted
  for (const [i, close] of ["release", "lift"].entries()) {
    const now = BigInt(await time.latest());
    const terms = {
      assetId: a1,
      holder: alice.address,
      lender: d.lender.address,
      amount: 500_000_000n + BigInt(i),
      currency: currency("CNY"),
      start: now,
      end: now + 365n * 86_400n,
      agreementDigest: digest(`pledge ${i}`),
      stateNonce: (await d.registry.getAsset(a1)).stateNonce,
      nonce: await pledges.nonces(alice.address),
      deadline: now + 3_600n,
    };
    const sig = await signPledge(alice, pledges, terms);
    await (await pledges.connect(d.lender).registerPledge(terms, sig)).wait();
    const id = BigInt(i + 1);
    if (close === "release") await (await pledges.connect(d.lender).releasePledge(id)).wait();
    else await (await pledges.connect(regulator).liftPledge(id, "court order")).wait();
  }

  // the registration lifecycle: GZDE practises a 1-day notice and a 30-day term (renewable at once)
  const { lifecycle, dave, lender } = d;
  await (await lifecycle.connect(gzde).setTerms(1, 30, 30)).wait();
  const a4 = await registerAsset(registry, gzde, carol.address, "berth schedule");
  const a5 = await registerAsset(registry, gzde, carol.address, "berth forecast");
  await (await lifecycle.connect(dave).object(a4, digest("grounds"), true, digest("earlier contract"))).wait();
  await (await lifecycle.connect(gzde).resolveObjection(a4, dave.address, false, "different data")).wait();
  await (await lifecycle.connect(dave).object(a5, digest("grounds 2"), false, ethers.ZeroHash)).wait();
  await (await lifecycle.connect(regulator).resolveObjection(a5, dave.address, true, "copied")).wait();
  await time.increase(2 * 86_400);
  await (await lifecycle.closeNotice(a4)).wait();
  await (await lifecycle.connect(carol).change(a4, digest("metadata v2"), "bafyv2", "weekly updates")).wait();
  await (await lifecycle.connect(gzde).correct(a4, digest("metadata v3"), "bafyv3", "typo")).wait();
  await (await lifecycle.connect(carol).renew(a4)).wait();
  const renewed = Number((await registry.getAsset(a4)).validUntil);
  await (await lifecycle.connect(gzde).limitValidity(a4, renewed - 86_400, "authorisation ends earlier")).wait();
  await (await lifecycle.connect(carol).requestCancellation(a4, "withdrawn")).wait();
  await (await lifecycle.connect(gzde).cancel(a4, "on request")).wait();
  // consent and the regulator's corrections (issue 9): one of each event
  await (await participants.connect(shde).suspendMerchant(bob.address, "home")).wait();
  await (await participants.connect(regulator).suspendMerchant(bob.address, "regulator")).wait();
  await (await participants.connect(regulator).reinstateMerchant(bob.address, "hold lifted")).wait(); // MerchantSuspensionLifted
  await (await participants.connect(shde).reinstateMerchant(bob.address, "home lifts")).wait();
  await (await signedOnboard(participants, shde, dave.address, MerchantCategory.ThirdPartyService, digest("moved to SHDE"))).wait(); // MerchantMoved
  await (await participants.connect(regulator).rehomeMerchant(dave.address, gzde.address, "back home")).wait();
  await (await participants.connect(d.signers[13]!).cancelOnboardingConsent()).wait();
  await (await signedOnboard(participants, gzde, d.signers[13]!.address, MerchantCategory.DataResource, digest("newcomer"))).wait();
  await (await participants.connect(regulator).offboardMerchant(d.signers[13]!.address, "left the market")).wait();
  const squatted = await registerAsset(registry, shde, bob.address, "registered in bad faith");
  await (await registry.connect(regulator).cancelRegistration(squatted, digest("bad faith"))).wait();
  const disputed = await registerAsset(registry, shde, bob.address, "disputed");
  const claim = registrationOf(alice.address, "disputed", { nonce: await registry.applicationNonce(alice.address) });
  await (await registry.connect(regulator).reassignRegistration(disputed, claim, await signApplication(alice, registry, claim, shde.address), digest("court order"))).wait();
  const personal = await registerAsset(registry, shde, alice.address, "personal records", { source: 2, consentDigest: digest("consents") });
  await (await registry.connect(regulator).recordDeidentification(personal, digest("finding"))).wait();
  await (await registry.connect(carol).cancelApplications()).wait();
  const collateral = await registerAsset(registry, shde, alice.address, "collateral");
  const t0 = BigInt(await time.latest());
  const pTerms = {
    assetId: collateral, holder: alice.address, lender: lender.address, amount: 1_000n, currency: currency("CNY"), start: t0, end: t0 + 86_400n,
    agreementDigest: digest("collateral agreement"), stateNonce: 0n, nonce: await pledges.nonces(alice.address), deadline: t0 + 3_600n,
  };
  await (await pledges.connect(lender).registerPledge(pTerms, await signPledge(alice, pledges, pTerms))).wait();
  const pid = await pledges.activePledgeOf(collateral);
  await (await pledges.connect(lender).approveDerivation(pid, digest("a derived product"))).wait();
  await time.increase(86_400);
  await (await pledges.connect(lender).declareDefault(pid)).wait();
  await (await pledges.connect(regulator).objectToEnforcement(pid, "disputed default")).wait();
  await (await pledges.connect(lender).declareDefault(pid)).wait();
  await time.increase(await pledges.OBJECTION_WINDOW());
  await (await pledges.connect(lender).enforcePledge(pid, { to: lender.address, price: 0n, currency: "0x000000", contractDigest: digest("enforcement") }, "0x")).wait();

  // evidence
  const manifests: Uint8Array[] = [];
  for (const n of [1, 3]) {
    const m = buildManifest(Array.from({ length: n }, (_, i) => ({ digest: sha256Hex(`record ${n}/${i}`), assetId: i === 0 ? a1 : 0n })));
    manifests.push(m.bytes);
    const { computeCid } = await import("../../service/src/content");
    await (await evidence.connect(shde).anchor(m.manifest.root, n, await computeCid(m.bytes), n === 1 ? a1 : 0n)).wait();
  }
  // regulated use: receipts, operators, assessments, policies
  manifests.push(...(await driveRegulated(d)).manifests);
  await network.provider.send("evm_mine", []);
  return { d, manifests, assets: [a1, a2, a3] };
}
