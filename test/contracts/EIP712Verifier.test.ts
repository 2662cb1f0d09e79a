import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { domainOf } from "../helpers/signing";

/** The abstract EIP-712 base shared by PledgeRegistry and TradeRecorder, through a test double. */
describe("EIP712Verifier", function () {
  const TYPES = { Ping: [{ name: "value", type: "uint256" }] };

  async function verifierFixture() {
    const [signer, other, walletOwner] = await ethers.getSigners();
    const verifier = await (await ethers.getContractFactory("TestEIP712Verifier")).deploy();
    const wallet = await (await ethers.getContractFactory("MockERC1271Wallet")).deploy(walletOwner.address);
    const structHash = ethers.TypedDataEncoder.hashStruct("Ping", TYPES, { value: 7 });
    const sign = async (who: typeof signer) => who.signTypedData(await domainOf(verifier), TYPES, { value: 7 });
    return { verifier, wallet, signer, other, walletOwner, structHash, sign };
  }

  describe("_isValidSignature", function () {
    context("when an EOA signs", function () {
      it("should accept its signature and reject another signer's", async function () {
        const { verifier, signer, other, structHash, sign } = await loadFixture(verifierFixture);
        expect(await verifier.isValid(signer.address, structHash, await sign(signer))).to.equal(true);
        expect(await verifier.isValid(signer.address, structHash, await sign(other))).to.equal(false);
      });

      it("should reject a malformed signature and a high-s (malleable) twin", async function () {
        const { verifier, signer, structHash, sign } = await loadFixture(verifierFixture);
        expect(await verifier.isValid(signer.address, structHash, "0x")).to.equal(false);
        const sig = ethers.Signature.from(await sign(signer));
        const n = BigInt("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
        const highS = ethers.concat([sig.r, ethers.toBeHex(n - BigInt(sig.s), 32), sig.v === 27 ? "0x1c" : "0x1b"]);
        expect(await verifier.isValid(signer.address, structHash, highS)).to.equal(false);
      });
    });

    context("when an EOA's signature comes in the ERC-2098 compact form (64 bytes)", function () {
      const N = BigInt("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");

      it("should accept it for either parity of v, and reject it for another signer", async function () {
        const { verifier, signer, other, structHash, sign } = await loadFixture(verifierFixture);
        // find one signature of each parity (v = 27 and v = 28) over different digests
        const seen = new Set<number>();
        for (let value = 1; seen.size < 2 && value < 64; value++) {
          const hash = ethers.TypedDataEncoder.hashStruct("Ping", TYPES, { value });
          const sig = ethers.Signature.from(await signer.signTypedData(await domainOf(verifier), TYPES, { value }));
          if (seen.has(sig.v)) continue;
          seen.add(sig.v);
          expect(ethers.dataLength(sig.compactSerialized)).to.equal(64);
          expect(await verifier.isValid(signer.address, hash, sig.compactSerialized)).to.equal(true);
          expect(await verifier.isValid(other.address, hash, sig.compactSerialized)).to.equal(false);
        }
        expect([...seen].sort()).to.deep.equal([27, 28]);
        await expect(verifier.requireValid(signer.address, structHash, ethers.Signature.from(await sign(signer)).compactSerialized)).to.not
          .be.reverted;
      });

      it("should reject a flipped parity bit, a high-s twin and lengths other than 64 and 65", async function () {
        const { verifier, signer, structHash, sign } = await loadFixture(verifierFixture);
        const full = await sign(signer);
        const sig = ethers.Signature.from(full);
        const vs = BigInt(sig.yParityAndS);
        const flipped = ethers.concat([sig.r, ethers.toBeHex(vs ^ (1n << 255n), 32)]);
        expect(await verifier.isValid(signer.address, structHash, flipped)).to.equal(false);
        // the malleable twin (n - s, other parity) fits in 255 bits: it must be refused as in the 65-byte form
        const highS = N - BigInt(sig.s);
        const twinParity = sig.yParity === 0 ? 1n : 0n;
        const twin = ethers.concat([sig.r, ethers.toBeHex((twinParity << 255n) | highS, 32)]);
        expect(await verifier.isValid(signer.address, structHash, twin)).to.equal(false);
        expect(await verifier.isValid(signer.address, structHash, ethers.dataSlice(full, 0, 63))).to.equal(false);
        expect(await verifier.isValid(signer.address, structHash, ethers.concat([full, "0x00"]))).to.equal(false);
        await expect(verifier.requireValid(signer.address, structHash, flipped))
          .to.be.revertedWithCustomError(verifier, "EIP712InvalidSignature")
          .withArgs(signer.address);
      });

      it("should pass a compact signature to an ERC-1271 wallet unchanged", async function () {
        const { verifier, wallet, walletOwner, structHash, sign } = await loadFixture(verifierFixture);
        // the mock wallet recovers 65-byte signatures only: the compact form reaches it and is judged by it
        const compact = ethers.Signature.from(await sign(walletOwner)).compactSerialized;
        expect(await verifier.isValid(await wallet.getAddress(), structHash, compact)).to.equal(false);
        expect(await verifier.isValid(await wallet.getAddress(), structHash, await sign(walletOwner))).to.equal(true);
      });
    });

    context("when the signer is an ERC-1271 contract wallet", function () {
      it("should accept what the wallet approves and reject what it does not", async function () {
        const { verifier, wallet, walletOwner, other, structHash, sign } = await loadFixture(verifierFixture);
        const w = await wallet.getAddress();
        expect(await verifier.isValid(w, structHash, await sign(walletOwner))).to.equal(true);
        expect(await verifier.isValid(w, structHash, await sign(other))).to.equal(false);
      });
    });

    context("when the signer is the zero address", function () {
      it("should reject even a signature that recovers to zero", async function () {
        const { verifier, structHash } = await loadFixture(verifierFixture);
        expect(await verifier.isValid(ethers.ZeroAddress, structHash, "0x" + "00".repeat(65))).to.equal(false);
      });
    });
  });

  describe("_requireValidSignature", function () {
    it("should revert with EIP712InvalidSignature unless overridden", async function () {
      const { verifier, signer, other, structHash, sign } = await loadFixture(verifierFixture);
      await expect(verifier.requireValid(signer.address, structHash, await sign(signer))).to.not.be.reverted;
      await expect(verifier.requireValid(signer.address, structHash, await sign(other)))
        .to.be.revertedWithCustomError(verifier, "EIP712InvalidSignature")
        .withArgs(signer.address);
    });
  });

  describe("_time", function () {
    it("should read the block time and be overridable by a test double", async function () {
      const { verifier } = await loadFixture(verifierFixture);
      expect(await verifier.time()).to.equal(await time.latest());
      await verifier.setTime(1_000);
      expect(await verifier.time()).to.equal(1_000);
      expect(await verifier.realTime()).to.equal(await time.latest());
    });
  });

  describe("domainSeparator", function () {
    it("should equal the ERC-5267 domain's separator", async function () {
      const { verifier } = await loadFixture(verifierFixture);
      expect(await verifier.domainSeparator()).to.equal(ethers.TypedDataEncoder.hashDomain(await domainOf(verifier)));
    });
  });
});
