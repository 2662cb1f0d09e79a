/**
 * Where issue 9 (consent, the regulator's corrections, pledge enforcement) meets issue 11 (the registration lifecycle):
 * a registration the regulator cancels for bad faith (the digest free again) leaves no objection, open count or
 * cancellation request behind for the next registration of the digest; a lapsed registration cannot be enforced
 * against until it is renewed (the one gate); a bad-faith cancellation and the lifecycle's cancellation (注销) differ.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { digest, shuquanFixture } from "../helpers/fixture";
import { registerAsset, registrationOf } from "../helpers/assets";
import { currency, signPledge } from "../helpers/signing";

const DAY = 86_400;
const Status = { None: 0, Registered: 1, Notice: 2, Objected: 3, Refused: 4, Cancelled: 5 } as const;

/** SHDE practises a 10-day notice and a 1-year term with a 30-day window; GZDE a 100-day term, no notice. */
async function fixture() {
  const f = await shuquanFixture();
  await f.lifecycle.connect(f.shde).setTerms(10, 365, 30);
  await f.lifecycle.connect(f.gzde).setTerms(0, 100, 30);
  return f;
}

describe("Consent meets the registration lifecycle", function () {
  it("should leave nothing of a registration cancelled for bad faith to the next registration of its digest", async function () {
    const f = await loadFixture(fixture);
    // bob squats alice's digest at SHDE; alice objects, claiming her earlier right; bob asks for cancellation
    const id = await registerAsset(f.registry, f.shde, f.bob.address, "alice's data");
    await f.lifecycle.connect(f.alice).object(id, digest("alice's grounds"), true, digest("alice's contract"));
    await f.lifecycle.connect(f.bob).requestCancellation(id, "withdrawn");
    expect(await f.lifecycle.openObjections(id)).to.equal(1n);

    // the regulator cancels the squatting registration: the digest is free, the lifecycle views have nothing
    await expect(f.registry.connect(f.regulator).cancelRegistration(id, digest("squatting")))
      .to.emit(f.registry, "RegistrationCancelled")
      .withArgs(id, f.bob.address, f.regulator.address, 1, digest("squatting"));
    expect(await f.registry.exists(id)).to.equal(false);
    await expect(f.lifecycle.openObjections(id)).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound");

    // alice registers it: a fresh notice with no open objection and no pending request
    await registerAsset(f.registry, f.shde, f.alice.address, "alice's data");
    const a = await f.registry.getAsset(id);
    expect([Number(a.status), Number(a.epoch)]).to.deep.equal([Status.Notice, 1]);
    expect(await f.lifecycle.openObjections(id)).to.equal(0n);
    expect(await f.lifecycle.cancellationRequest(id)).to.equal(ethers.ZeroAddress);
    expect((await f.lifecycle.getObjection(id, f.alice.address)).objector).to.equal(ethers.ZeroAddress);
    const oldId = ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint8"], [id, f.alice.address, 0]));
    expect(await f.lifecycle.objectionIdOf(id, f.alice.address)).to.not.equal(oldId);

    // bob objects to this registration; alice's objection against the cancelled one cannot be resolved against it,
    // and dismissing bob's (the only open one) returns the registration to its notice
    await expect(f.lifecycle.connect(f.bob).object(id, digest("bob's grounds"), false, ethers.ZeroHash)).to.emit(f.lifecycle, "ObjectionLodged");
    expect(Number((await f.registry.getAsset(id)).status)).to.equal(Status.Objected);
    await expect(f.lifecycle.connect(f.shde).resolveObjection(id, f.alice.address, true, "stale"))
      .to.be.revertedWithCustomError(f.lifecycle, "LifecycleObjectionNotOpen");
    await f.lifecycle.connect(f.shde).resolveObjection(id, f.bob.address, false, "no grounds");
    expect(Number((await f.registry.getAsset(id)).status)).to.equal(Status.Notice);
    await time.increase(11 * DAY);
    await f.lifecycle.closeNotice(id);
    expect(Number((await f.registry.getAsset(id)).status)).to.equal(Status.Registered);
  });

  it("should not carry a cancellation request over to a new registration by the same holder", async function () {
    const f = await loadFixture(fixture);
    const id = await registerAsset(f.registry, f.gzde, f.carol.address, "carol's data");
    await f.lifecycle.connect(f.carol).requestCancellation(id, "withdrawn");
    await f.registry.connect(f.regulator).cancelRegistration(id, digest("registered in error"));
    // the cancellation advanced carol's application nonce: she signs a new application
    await registerAsset(f.registry, f.gzde, f.carol.address, "carol's data", { nonce: await f.registry.applicationNonce(f.carol.address) });
    await expect(f.lifecycle.connect(f.gzde).cancel(id, "on the old request"))
      .to.be.revertedWithCustomError(f.lifecycle, "LifecycleNoCancellationRequest")
      .withArgs(id);
  });

  it("should keep the lifecycle's cancellation (注销) apart from the bad-faith one: the digest stays reserved", async function () {
    const f = await loadFixture(fixture);
    const id = await registerAsset(f.registry, f.gzde, f.carol.address, "reserved");
    await f.lifecycle.connect(f.regulator).cancel(id, "unlawful source");
    expect(Number((await f.registry.getAsset(id)).status)).to.equal(Status.Cancelled);
    const r = registrationOf(f.dave.address, "reserved");
    await expect(registerAsset(f.registry, f.gzde, f.dave.address, "reserved")).to.be.revertedWithCustomError(f.registry, "RegistryDuplicateDigest");
    // the regulator can still free the digest of a cancelled registration made in bad faith
    await f.registry.connect(f.regulator).cancelRegistration(id, digest("bad faith"));
    await registerAsset(f.registry, f.gzde, r.holder as string, "reserved");
    expect(await f.registry.ownerOf(id)).to.equal(f.dave.address);
  });

  it("should refuse enforcing a pledge on a lapsed registration until it is renewed", async function () {
    const f = await loadFixture(fixture);
    const id = await registerAsset(f.registry, f.gzde, f.carol.address, "pledged"); // in force for 100 days
    const now = await time.latest();
    const terms = {
      assetId: id,
      holder: f.carol.address,
      lender: f.lender.address,
      amount: 1_000_000n,
      currency: currency("CNY"),
      start: now,
      end: now + 110 * DAY, // the pledge outlives the registration's validity
      agreementDigest: digest("pledge agreement"),
      stateNonce: (await f.registry.getAsset(id)).stateNonce,
      nonce: await f.pledges.nonces(f.carol.address),
      deadline: now + DAY,
    };
    await f.pledges.connect(f.lender).registerPledge(terms, await signPledge(f.carol, f.pledges, terms));
    const pledgeId = await f.pledges.activePledgeOf(id);
    await time.increaseTo(terms.end);
    await f.pledges.connect(f.lender).declareDefault(pledgeId);
    await time.increase(await f.pledges.OBJECTION_WINDOW());
    const sale = { to: f.lender.address, price: 0, currency: "0x000000", contractDigest: digest("enforcement") };
    await expect(f.pledges.connect(f.lender).enforcePledge(pledgeId, sale, "0x")).to.be.revertedWithCustomError(
      f.registry,
      "RegistryRegistrationExpired",
    );
    // the registering exchange renews the lapsed registration; enforcement then moves the holding right
    await f.lifecycle.connect(f.gzde).renew(id);
    await expect(f.pledges.connect(f.lender).enforcePledge(pledgeId, sale, "0x")).to.emit(f.pledges, "PledgeEnforced");
    expect(await f.registry.ownerOf(id)).to.equal(f.lender.address);
  });
});
