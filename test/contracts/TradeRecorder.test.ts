import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Signer, TypedDataField } from "ethers";
import { shuquanFixture, AssetKind, AssetSource, DataLevel, Right, Venue, MerchantCategory, digest } from "../helpers/fixture";
import {
  domainOf,
  signPledge,
  currency,
  tradeIdOf,
  EMPTY_LICENCE_TERMS,
  LICENCE_TERMS_TYPE,
  TRADE_TYPES,
  signTrade,
  tradeDigest,
  exchangeOfTradeId,
  type TradeValue,
  type LicenceTermsValue,
} from "../helpers/signing";
import { FAR_DEADLINE, signedRegister, signedOnboard } from "../helpers/consent";

const DAY = 86_400;
const CID = "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua";
const ZERO = ethers.ZeroHash;
const SCOPE = digest("scope:resale");
/** ITradeRecorder.TradeIdStatus */
const Status = { Unused: 0n, Recorded: 1n, Closed: 2n } as const;
const MAX_SERIAL = (1n << 96n) - 1n;

/** The Trade type as it would be without the exchange field (a signature over it must not pass). */
const TRADE_TYPES_WITHOUT_EXCHANGE: Record<string, TypedDataField[]> = {
  Trade: TRADE_TYPES.Trade.filter((field) => field.name !== "exchange"),
  LicenceTerms: LICENCE_TERMS_TYPE,
};

type Fixture = Awaited<ReturnType<typeof tradeFixture>>;

/** `signer` signs `trade` for the recorder (the shared helper fills in the exchange from the trade id). */
async function sign(signer: Signer, f: Fixture, trade: TradeValue): Promise<string> {
  return signTrade(signer, f.tradeRecorder, trade);
}

/** Licence terms from the next block for 30 days. */
async function licence(overrides: Partial<LicenceTermsValue> = {}): Promise<LicenceTermsValue> {
  const start = (await time.latest()) + 1;
  return { scopeDigest: SCOPE, start, end: start + 30 * DAY, exclusive: false, sublicensable: false, revocable: true, ...overrides };
}

let serial = 0;
/** A holding-transfer trade of asset A from alice to bob at SHDE, disclosed price, on-exchange. */
async function makeTrade(f: Fixture, overrides: Partial<TradeValue> = {}): Promise<TradeValue> {
  serial += 1;
  const assetId = overrides.assetId ?? f.assetA;
  const stateNonce = (await f.registry.exists(assetId)) ? (await f.registry.getAsset(assetId)).stateNonce : 0n;
  return {
    tradeId: tradeIdOf(f.shde.address, serial),
    assetId: f.assetA,
    seller: f.alice.address,
    buyer: f.bob.address,
    right: Right.Holding,
    licence: EMPTY_LICENCE_TERMS,
    price: 1_000_000n,
    currency: currency("CNY"),
    priceCommitment: ZERO,
    contractDigest: digest(`contract:${serial}`),
    venue: Venue.OnExchange,
    linkedTradeId: 0n,
    deadline: (await time.latest()) + DAY,
    stateNonce,
    ...overrides,
  };
}

/** The trade signed by its seller (or `signer`) and recorded by `exchange` (default: the id's exchange). */
async function record(f: Fixture, trade: TradeValue, exchange?: HardhatEthersSigner, signer?: Signer, buyer?: Signer) {
  const sig = await sign(signer ?? (await ethers.getSigner(trade.seller)), f, trade);
  const by = exchange ?? (await ethers.getSigner(exchangeOfTradeId(trade.tradeId)));
  return f.tradeRecorder.connect(by).recordTrade(trade, sig, await buyerSignature(f, trade, buyer));
}

/** The buyer's acceptance: its signature of the same digest (by `buyer`, or the buyer's well-known account; "0x" for
 * an account without a key, so that the checks before the signatures are what the test sees). */
async function buyerSignature(f: Fixture, trade: TradeValue, buyer?: Signer): Promise<string> {
  if (buyer) return sign(buyer, f, trade);
  const known = (await ethers.getSigners()).find((s) => s.address.toLowerCase() === trade.buyer.toLowerCase());
  return known ? sign(known, f, trade) : "0x";
}

/**
 * Records holding transfers of asset A at `exchange` with the given serials, in that order, passing A back and forth
 * (or `assetId`) between `a` and `b` (alice and bob by default; both recognised at `exchange`). Returns the trade ids.
 */
async function recordSerials(
  f: Fixture,
  exchange: HardhatEthersSigner,
  serials: bigint[],
  a?: string,
  b?: string,
  assetId?: bigint,
): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const [i, s] of serials.entries()) {
    const [seller, buyer] = i % 2 === 0 ? [a ?? f.alice.address, b ?? f.bob.address] : [b ?? f.bob.address, a ?? f.alice.address];
    const trade = await makeTrade(f, { tradeId: tradeIdOf(exchange.address, s), seller, buyer, assetId: assetId ?? f.assetA });
    await expect(record(f, trade, exchange)).to.emit(f.tradeRecorder, "TradeRecorded");
    ids.push(trade.tradeId);
  }
  return ids;
}

/** `exchange`'s window as [base, bits]. */
async function windowOf(f: Fixture, exchange: string): Promise<[bigint, bigint]> {
  const [base, bits] = await f.tradeRecorder.tradeWindow(exchange);
  return [base, bits];
}

/** A bit mask with the given bit positions set. */
const bitsAt = (...positions: number[]): bigint => positions.reduce((m, i) => m | (1n << BigInt(i)), 0n);

async function registerAsset(f: Awaited<ReturnType<typeof shuquanFixture>>, label: string, holder: string, level: number = DataLevel.General, signer?: Signer) {
  const r = {
    contentDigest: digest(`content:${label}`),
    holder,
    kind: AssetKind.Resource,
    source: AssetSource.Enterprise,
    level,
    metadataDigest: digest(`metadata:${label}`),
    metadataCid: CID,
    consentDigest: ZERO,
    parents: [] as bigint[],
    nonce: 0n,
    deadline: FAR_DEADLINE,
  };
  await signedRegister(f.registry, f.shde, r, signer);
  return BigInt(r.contentDigest);
}

/** shuquanFixture plus assets A and B (alice) and a core-level asset (alice), all registered at SHDE. */
async function tradeFixture() {
  const f = await shuquanFixture();
  const assetA = await registerAsset(f, "A", f.alice.address);
  const assetB = await registerAsset(f, "B", f.alice.address);
  const assetCore = await registerAsset(f, "core", f.alice.address, DataLevel.Core);
  return { ...f, assetA, assetB, assetCore };
}

describe("TradeRecorder", function () {
  describe("deployment", function () {
    context("with its dependencies", function () {
      it("should expose the EIP-712 domain, typehashes, version and dependencies", async function () {
        const f = await loadFixture(tradeFixture);
        const domain = await f.tradeRecorder.eip712Domain();
        expect(domain.name).to.equal("Shuquan TradeRecorder");
        expect(domain.version).to.equal("1");
        const encoder = ethers.TypedDataEncoder.from(TRADE_TYPES);
        expect(await f.tradeRecorder.TRADE_TYPEHASH()).to.equal(ethers.id(encoder.encodeType("Trade")));
        expect(await f.tradeRecorder.LICENCE_TERMS_TYPEHASH()).to.equal(ethers.id(encoder.encodeType("LicenceTerms")));
        expect(await f.tradeRecorder.version()).to.equal("1.0.0");
        expect(await f.tradeRecorder.participants()).to.equal(await f.participants.getAddress());
        expect(await f.tradeRecorder.registry()).to.equal(await f.registry.getAddress());
      });
    });

    context("with a zero dependency", function () {
      it("should revert with TradeZeroAddress", async function () {
        const f = await loadFixture(tradeFixture);
        const factory = await ethers.getContractFactory("TradeRecorder");
        await expect(factory.deploy(ethers.ZeroAddress, await f.registry.getAddress())).to.be.revertedWithCustomError(factory, "TradeZeroAddress");
        await expect(factory.deploy(await f.participants.getAddress(), ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "TradeZeroAddress");
      });
    });
  });

  describe("tradeIdOf and hashTrade", function () {
    context("for any trade", function () {
      it("should prefix the serial with the exchange and hash the typed data including the exchange", async function () {
        const f = await loadFixture(tradeFixture);
        expect(await f.tradeRecorder.tradeIdOf(f.shde.address, 7)).to.equal(tradeIdOf(f.shde.address, 7));
        const trade = await makeTrade(f, { right: Right.Processing, licence: await licence({ exclusive: true }) });
        const expected = ethers.TypedDataEncoder.hash(await domainOf(f.tradeRecorder), TRADE_TYPES, { ...trade, exchange: f.shde.address });
        expect(await f.tradeRecorder.hashTrade(trade)).to.equal(expected);
        expect(await tradeDigest(f.tradeRecorder, trade)).to.equal(expected);
      });
    });
  });

  describe("recordTrade", function () {
    describe("holding transfer", function () {
      context("when the holder signed and the exchange records", function () {
        it("should move the holding and emit Transfer, HoldingTransferred and TradeRecorded", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f);
          const tx = await record(f, trade);
          await expect(tx).to.emit(f.registry, "Transfer").withArgs(f.alice.address, f.bob.address, f.assetA);
          await expect(tx).to.emit(f.registry, "HoldingTransferred").withArgs(f.assetA, f.alice.address, f.bob.address, trade.tradeId);
          await expect(tx)
            .to.emit(f.tradeRecorder, "TradeRecorded")
            .withArgs(
              trade.tradeId,
              f.assetA,
              f.shde.address,
              f.alice.address,
              f.bob.address,
              Right.Holding,
              ZERO,
              trade.price,
              trade.currency,
              ZERO,
              trade.contractDigest,
              Venue.OnExchange,
              0n,
            );
          expect(await f.registry.ownerOf(f.assetA)).to.equal(f.bob.address);
          expect(await f.tradeRecorder.isRecorded(trade.tradeId)).to.equal(true);
          expect(await f.tradeRecorder.isRecorded(trade.tradeId + 1n)).to.equal(false);
        });

        it("should return a zero licence id", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f);
          const sig = await sign(f.alice, f, trade);
          expect(await f.tradeRecorder.connect(f.shde).recordTrade.staticCall(trade, sig, await buyerSignature(f, trade))).to.equal(ZERO);
        });
      });

      context("when reported off-exchange with a confidential price and a link to an earlier trade", function () {
        it("should record it with the commitment and the link", async function () {
          const f = await loadFixture(tradeFixture);
          const first = await makeTrade(f, { assetId: f.assetB });
          await record(f, first);
          const commitment = ethers.keccak256(ethers.toUtf8Bytes("price:secret"));
          const trade = await makeTrade(f, {
            price: 0n,
            currency: "0x000000",
            priceCommitment: commitment,
            venue: Venue.OffExchange,
            linkedTradeId: first.tradeId,
          });
          await expect(record(f, trade))
            .to.emit(f.tradeRecorder, "TradeRecorded")
            .withArgs(trade.tradeId, f.assetA, f.shde.address, f.alice.address, f.bob.address, Right.Holding, ZERO, 0n, "0x000000", commitment, trade.contractDigest, Venue.OffExchange, first.tradeId);
        });
      });

      context("when a cross-recognised buyer buys at another exchange", function () {
        it("should record at GZDE for alice (recognised singly) selling to carol (home)", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f, { tradeId: tradeIdOf(f.gzde.address, 1), buyer: f.carol.address });
          await expect(record(f, trade)).to.emit(f.tradeRecorder, "TradeRecorded");
          expect(await f.registry.ownerOf(f.assetA)).to.equal(f.carol.address);
        });
      });
    });

    describe("licences", function () {
      context("when the holder sells a processing licence", function () {
        it("should grant it in the registry with the trade id and return its id", async function () {
          const f = await loadFixture(tradeFixture);
          // start a minute ahead: a start already past when the block is mined would be raised to the block time
          const terms = await licence({ start: (await time.latest()) + 60, exclusive: true, sublicensable: false, revocable: false });
          const trade = await makeTrade(f, { right: Right.Processing, licence: terms });
          const id = await f.registry.licenceIdOf(f.assetA, f.bob.address, Right.Processing);
          const sig = await sign(f.alice, f, trade);
          expect(await f.tradeRecorder.connect(f.shde).recordTrade.staticCall(trade, sig, await buyerSignature(f, trade))).to.equal(id);
          const tx = await f.tradeRecorder.connect(f.shde).recordTrade(trade, sig, await buyerSignature(f, trade));
          await expect(tx)
            .to.emit(f.registry, "LicenceGranted")
            .withArgs(id, f.assetA, f.bob.address, f.alice.address, Right.Processing, SCOPE, terms.start, terms.end, true, false, false, trade.tradeId);
          await expect(tx)
            .to.emit(f.tradeRecorder, "TradeRecorded")
            .withArgs(trade.tradeId, f.assetA, f.shde.address, f.alice.address, f.bob.address, Right.Processing, id, trade.price, trade.currency, ZERO, trade.contractDigest, Venue.OnExchange, 0n);
          expect(await f.registry.ownerOf(f.assetA)).to.equal(f.alice.address);
          expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, terms.start)).to.equal(true);
        });
      });

      context("when a sub-licensing operator sells product use", function () {
        it("should grant product use with the operator as grantor", async function () {
          const f = await loadFixture(tradeFixture);
          await record(f, await makeTrade(f, { buyer: f.carol.address, right: Right.Operating, licence: await licence({ sublicensable: true }) }));
          const terms = await licence({ end: (await time.latest()) + 10 * DAY });
          const trade = await makeTrade(f, { seller: f.carol.address, buyer: f.dave.address, right: Right.ProductUse, licence: terms });
          await expect(record(f, trade))
            .to.emit(f.registry, "LicenceGranted")
            .withArgs(
              await f.registry.licenceIdOf(f.assetA, f.dave.address, Right.ProductUse),
              f.assetA,
              f.dave.address,
              f.carol.address,
              Right.ProductUse,
              SCOPE,
              terms.start,
              terms.end,
              false,
              false,
              true,
              trade.tradeId,
            );
        });
      });

      context("when the seller may not grant the right", function () {
        it("should revert with the registry's RegistryNotGrantor", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f, { seller: f.carol.address, buyer: f.dave.address, right: Right.Processing, licence: await licence() });
          await expect(record(f, trade))
            .to.be.revertedWithCustomError(f.registry, "RegistryNotGrantor")
            .withArgs(f.assetA, f.carol.address, Right.Processing);
        });
      });

      context("when an exclusive licence would overlap another", function () {
        it("should revert with RegistryExclusiveConflict", async function () {
          const f = await loadFixture(tradeFixture);
          await record(f, await makeTrade(f, { right: Right.Processing, licence: await licence({ exclusive: true }) }));
          const trade = await makeTrade(f, { buyer: f.carol.address, right: Right.Processing, licence: await licence() });
          await expect(record(f, trade)).to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict").withArgs(f.assetA, Right.Processing);
        });
      });
    });

    describe("ERC-1271 seller", function () {
      async function walletFixture() {
        const f = await tradeFixture();
        const wallet = await ethers.deployContract("MockERC1271Wallet", [f.bob.address]);
        const walletAddress = await wallet.getAddress();
        await signedOnboard(f.participants, f.shde, walletAddress, MerchantCategory.DataResource, digest("credential:wallet"), f.bob);
        const assetW = await registerAsset(f, "W", walletAddress, DataLevel.General, f.bob);
        return { ...f, wallet, walletAddress, assetW };
      }

      context("when the wallet's owner signs", function () {
        it("should accept the signature through isValidSignature", async function () {
          const f = await loadFixture(walletFixture);
          const trade = await makeTrade(f as unknown as Fixture, { assetId: f.assetW, seller: f.walletAddress, buyer: f.alice.address });
          await expect(record(f as unknown as Fixture, trade, f.shde, f.bob)).to.emit(f.tradeRecorder, "TradeRecorded");
          expect(await f.registry.ownerOf(f.assetW)).to.equal(f.alice.address);
        });
      });

      context("when someone else signs for the wallet", function () {
        it("should revert with TradeInvalidSignature", async function () {
          const f = await loadFixture(walletFixture);
          const trade = await makeTrade(f as unknown as Fixture, { assetId: f.assetW, seller: f.walletAddress, buyer: f.alice.address });
          await expect(record(f as unknown as Fixture, trade, f.shde, f.carol))
            .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
            .withArgs(f.walletAddress);
        });
      });
    });

    describe("authorisation of the recording exchange", function () {
      context("when the trade id belongs to another exchange", function () {
        it("should revert with TradeIdNotOwnedByExchange", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f);
          await expect(record(f, trade, f.gzde))
            .to.be.revertedWithCustomError(f.tradeRecorder, "TradeIdNotOwnedByExchange")
            .withArgs(trade.tradeId, f.gzde.address);
        });
      });

      context("when the participant registry answers nothing (an account without code)", function () {
        it("should revert, as a high-level call decoding its bytes4 would", async function () {
          const f = await loadFixture(tradeFixture);
          const broken = await ethers.deployContract("TradeRecorder", [f.outsider.address, await f.registry.getAddress()]);
          const trade = await makeTrade(f);
          const sig = await f.alice.signTypedData(await domainOf(broken), TRADE_TYPES, { ...trade, exchange: f.shde.address });
          await expect(broken.connect(f.shde).recordTrade(trade, sig, await buyerSignature(f, trade))).to.be.revertedWithoutReason();
        });
      });

      context("when the caller is not an active exchange", function () {
        it("should revert with ParticipantsExchangeNotActive for an outsider using its own prefix", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f, { tradeId: tradeIdOf(f.bjde.address, 1) });
          await expect(record(f, trade)).to.be.revertedWithCustomError(f.participants, "ParticipantsExchangeNotActive").withArgs(f.bjde.address);
        });

        it("should refuse a suspended exchange", async function () {
          const f = await loadFixture(tradeFixture);
          await f.participants.connect(f.regulator).suspendExchange(f.shde.address, "audit");
          await expect(record(f, await makeTrade(f))).to.be.revertedWithCustomError(f.participants, "ParticipantsExchangeNotActive").withArgs(f.shde.address);
        });
      });
    });

    describe("parties", function () {
      context("when the seller or buyer is not recognised at the exchange", function () {
        it("should revert with ParticipantsNotRecognised", async function () {
          const f = await loadFixture(tradeFixture);
          // bob is SHDE's; GZDE recognises only alice from SHDE
          const t1 = await makeTrade(f, { tradeId: tradeIdOf(f.gzde.address, 1), buyer: f.bob.address });
          await expect(record(f, t1)).to.be.revertedWithCustomError(f.participants, "ParticipantsNotRecognised").withArgs(f.bob.address, f.gzde.address);
          const t2 = await makeTrade(f, { buyer: f.outsider.address });
          await expect(record(f, t2)).to.be.revertedWithCustomError(f.participants, "ParticipantsNotRecognised").withArgs(f.outsider.address, f.shde.address);
        });

        it("should refuse a suspended seller", async function () {
          const f = await loadFixture(tradeFixture);
          await f.participants.connect(f.shde).suspendMerchant(f.alice.address, "kyc");
          await expect(record(f, await makeTrade(f))).to.be.revertedWithCustomError(f.participants, "ParticipantsNotRecognised").withArgs(f.alice.address, f.shde.address);
        });
      });

      context("when seller and buyer are the same", function () {
        it("should revert with TradeSameParty", async function () {
          const f = await loadFixture(tradeFixture);
          await expect(record(f, await makeTrade(f, { buyer: f.alice.address }))).to.be.revertedWithCustomError(f.tradeRecorder, "TradeSameParty").withArgs(f.alice.address);
        });
      });

      context("when a party is the zero address", function () {
        it("should revert with TradeZeroAddress", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f, { buyer: ethers.ZeroAddress });
          await expect(f.tradeRecorder.connect(f.shde).recordTrade(trade, await sign(f.alice, f, trade), await buyerSignature(f, trade))).to.be.revertedWithCustomError(f.tradeRecorder, "TradeZeroAddress");
          const trade2 = await makeTrade(f, { seller: ethers.ZeroAddress });
          await expect(f.tradeRecorder.connect(f.shde).recordTrade(trade2, await sign(f.alice, f, trade2), await buyerSignature(f, trade2))).to.be.revertedWithCustomError(f.tradeRecorder, "TradeZeroAddress");
        });
      });
    });

    describe("signature", function () {
      context("when signed by someone other than the seller", function () {
        it("should revert with TradeInvalidSignature", async function () {
          const f = await loadFixture(tradeFixture);
          await expect(record(f, await makeTrade(f), f.shde, f.bob))
            .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
            .withArgs(f.alice.address);
        });
      });

      context("when a term differs from what the seller signed", function () {
        it("should revert with TradeInvalidSignature for any changed field", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f, { right: Right.Processing, licence: await licence() });
          const sig = await sign(f.alice, f, trade);
          const changes: Partial<TradeValue>[] = [
            { price: trade.price + 1n },
            { contractDigest: digest("other contract") },
            { venue: Venue.OffExchange },
            { deadline: BigInt(trade.deadline) + 1n },
            { buyer: f.carol.address },
            { licence: { ...trade.licence, end: BigInt(trade.licence.end) + 1n } },
            { licence: { ...trade.licence, exclusive: true } },
            { assetId: f.assetB },
          ];
          for (const change of changes) {
            await expect(f.tradeRecorder.connect(f.shde).recordTrade({ ...trade, ...change }, sig, await buyerSignature(f, trade)))
              .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
              .withArgs(f.alice.address);
          }
        });
      });

      context("when the signature does not name the recording exchange or this recorder", function () {
        it("should refuse a signature over the struct without the exchange field", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f);
          const sig = await f.alice.signTypedData(await domainOf(f.tradeRecorder), TRADE_TYPES_WITHOUT_EXCHANGE, trade);
          await expect(f.tradeRecorder.connect(f.shde).recordTrade(trade, sig, await buyerSignature(f, trade)))
            .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
            .withArgs(f.alice.address);
        });

        it("should refuse a signature made for another recorder deployment", async function () {
          const f = await loadFixture(tradeFixture);
          const other = await ethers.deployContract("TradeRecorder", [await f.participants.getAddress(), await f.registry.getAddress()]);
          const trade = await makeTrade(f);
          const sig = await f.alice.signTypedData(await domainOf(other), TRADE_TYPES, { ...trade, exchange: f.shde.address });
          await expect(f.tradeRecorder.connect(f.shde).recordTrade(trade, sig, await buyerSignature(f, trade)))
            .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
            .withArgs(f.alice.address);
        });

        it("should refuse a malformed signature", async function () {
          const f = await loadFixture(tradeFixture);
          await expect(f.tradeRecorder.connect(f.shde).recordTrade(await makeTrade(f), "0x1234", "0x"))
            .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
            .withArgs(f.alice.address);
        });
      });

      context("when the deadline has passed", function () {
        it("should revert with TradeExpired, and accept at the deadline itself", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f);
          const sig = await sign(f.alice, f, trade);
          await time.setNextBlockTimestamp(BigInt(trade.deadline) + 1n);
          await expect(f.tradeRecorder.connect(f.shde).recordTrade(trade, sig, await buyerSignature(f, trade))).to.be.revertedWithCustomError(f.tradeRecorder, "TradeExpired").withArgs(trade.deadline);

          const onTime = await makeTrade(f);
          const sig2 = await sign(f.alice, f, onTime);
          await time.setNextBlockTimestamp(BigInt(onTime.deadline));
          await expect(f.tradeRecorder.connect(f.shde).recordTrade(onTime, sig2, await buyerSignature(f, onTime))).to.emit(f.tradeRecorder, "TradeRecorded");
        });
      });

      context("when the trade id was recorded already", function () {
        it("should revert with TradeIdUsed, so a signature cannot be replayed", async function () {
          const f = await loadFixture(tradeFixture);
          const trade = await makeTrade(f, { right: Right.Processing, licence: await licence({ end: (await time.latest()) + 600 }) });
          const sig = await sign(f.alice, f, trade);
          await f.tradeRecorder.connect(f.shde).recordTrade(trade, sig, await buyerSignature(f, trade));
          await time.increase(700); // the licence has expired, so only the id stops a replay
          await expect(f.tradeRecorder.connect(f.shde).recordTrade(trade, sig, await buyerSignature(f, trade))).to.be.revertedWithCustomError(f.tradeRecorder, "TradeIdUsed").withArgs(trade.tradeId);
          const sameId = { ...trade, assetId: f.assetB };
          await expect(record(f, sameId)).to.be.revertedWithCustomError(f.tradeRecorder, "TradeIdUsed").withArgs(trade.tradeId);
        });

        it("should refuse a replay of an id still inside the window after the window slid", async function () {
          const f = await loadFixture(tradeFixture);
          const [, id200] = await recordSerials(f, f.shde, [0n, 200n]);
          expect(await windowOf(f, f.shde.address)).to.deep.equal([41n, bitsAt(159)]);
          const again = await makeTrade(f, { tradeId: id200, seller: f.alice.address, buyer: f.bob.address });
          await expect(record(f, again)).to.be.revertedWithCustomError(f.tradeRecorder, "TradeIdUsed").withArgs(id200);
        });
      });
    });

    describe("trade-id window", function () {
      context("before an exchange's first trade", function () {
        it("should report an empty window and every id Unused", async function () {
          const f = await loadFixture(tradeFixture);
          expect(await windowOf(f, f.shde.address)).to.deep.equal([0n, 0n]);
          for (const s of [0n, 159n, 160n, MAX_SERIAL]) {
            const id = tradeIdOf(f.shde.address, s);
            expect(await f.tradeRecorder.tradeIdStatus(id)).to.equal(Status.Unused);
            expect(await f.tradeRecorder.isRecorded(id)).to.equal(false);
          }
          expect(await f.tradeRecorder.tradeIdStatus(0n)).to.equal(Status.Unused); // the zero address's serial 0
        });
      });

      context("on an exchange's first trade", function () {
        it("should keep base 0 for a serial below 160 and set its bit", async function () {
          const f = await loadFixture(tradeFixture);
          const [id] = await recordSerials(f, f.shde, [5n]);
          expect(await windowOf(f, f.shde.address)).to.deep.equal([0n, bitsAt(5)]);
          expect(await f.tradeRecorder.tradeIdStatus(id)).to.equal(Status.Recorded);
          expect(await f.tradeRecorder.isRecorded(id)).to.equal(true);
          expect(await f.tradeRecorder.tradeIdStatus(id - 1n)).to.equal(Status.Unused);
          expect(await f.tradeRecorder.tradeIdStatus(id + 1n)).to.equal(Status.Unused);
        });

        it("should start the window below a large first serial, which becomes its top", async function () {
          const f = await loadFixture(tradeFixture);
          await recordSerials(f, f.shde, [1000n]);
          expect(await windowOf(f, f.shde.address)).to.deep.equal([841n, bitsAt(159)]);
          expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.shde.address, 840n))).to.equal(Status.Closed);
          expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.shde.address, 841n))).to.equal(Status.Unused);
        });

        it("should accept the largest serial, 2^96 - 1", async function () {
          const f = await loadFixture(tradeFixture);
          const [id] = await recordSerials(f, f.shde, [MAX_SERIAL]);
          expect(await windowOf(f, f.shde.address)).to.deep.equal([MAX_SERIAL - 159n, bitsAt(159)]);
          expect(await f.tradeRecorder.isRecorded(id)).to.equal(true);
        });
      });

      context("with ids inside the window recorded out of order", function () {
        it("should record each of them once, in any order", async function () {
          const f = await loadFixture(tradeFixture);
          const ids = await recordSerials(f, f.shde, [10n, 3n, 159n, 7n, 0n]);
          expect(await windowOf(f, f.shde.address)).to.deep.equal([0n, bitsAt(0, 3, 7, 10, 159)]);
          for (const id of ids) expect(await f.tradeRecorder.tradeIdStatus(id)).to.equal(Status.Recorded);
          expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.shde.address, 4n))).to.equal(Status.Unused);
          // after a slide to base 6, 0 and 3 are closed, and a gap still inside the window (8) can be filled
          await recordSerials(f, f.shde, [165n, 8n], f.bob.address, f.alice.address); // bob holds A now
          expect(await windowOf(f, f.shde.address)).to.deep.equal([6n, bitsAt(1, 2, 4, 153, 159)]);
          expect(await f.tradeRecorder.tradeIdStatus(ids[1])).to.equal(Status.Closed);
          expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.shde.address, 5n))).to.equal(Status.Closed);
        });
      });

      context("when a serial at or above base + 160 is recorded", function () {
        it("should slide the window so that serial is its top, keeping the bits still inside", async function () {
          const f = await loadFixture(tradeFixture);
          const [id0, id159, id318] = await recordSerials(f, f.shde, [0n, 159n, 318n]); // slide by 159
          expect(await windowOf(f, f.shde.address)).to.deep.equal([159n, bitsAt(0, 159)]);
          expect(await f.tradeRecorder.tradeIdStatus(id0)).to.equal(Status.Closed);
          expect(await f.tradeRecorder.isRecorded(id0)).to.equal(false); // recorded, but the recorder no longer knows
          expect(await f.tradeRecorder.tradeIdStatus(id159)).to.equal(Status.Recorded);
          expect(await f.tradeRecorder.tradeIdStatus(id318)).to.equal(Status.Recorded);
          expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.shde.address, 158n))).to.equal(Status.Closed); // abandoned
          expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.shde.address, 200n))).to.equal(Status.Unused);
          expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.shde.address, 319n))).to.equal(Status.Unused);
        });

        it("should clear the window on a jump of 160 or more", async function () {
          const f = await loadFixture(tradeFixture);
          const [, id159, id318, id478] = await recordSerials(f, f.shde, [0n, 159n, 318n, 478n]); // last: slide by 160
          expect(await windowOf(f, f.shde.address)).to.deep.equal([319n, bitsAt(159)]);
          expect(await f.tradeRecorder.tradeIdStatus(id159)).to.equal(Status.Closed);
          expect(await f.tradeRecorder.tradeIdStatus(id318)).to.equal(Status.Closed);
          expect(await f.tradeRecorder.tradeIdStatus(id478)).to.equal(Status.Recorded);
          await recordSerials(f, f.shde, [10_000n]); // a far jump
          expect(await windowOf(f, f.shde.address)).to.deep.equal([9841n, bitsAt(159)]);
        });
      });

      context("with an id below the window", function () {
        it("should revert with TradeIdTooOld(tradeId, base), whether it was recorded or abandoned", async function () {
          const f = await loadFixture(tradeFixture);
          const [id0] = await recordSerials(f, f.shde, [0n, 200n]); // base 41; alice holds A again
          const abandoned = await makeTrade(f, { tradeId: tradeIdOf(f.shde.address, 40n) });
          await expect(record(f, abandoned)).to.be.revertedWithCustomError(f.tradeRecorder, "TradeIdTooOld").withArgs(abandoned.tradeId, 41n);
          const replay = await makeTrade(f, { tradeId: id0 });
          await expect(record(f, replay)).to.be.revertedWithCustomError(f.tradeRecorder, "TradeIdTooOld").withArgs(id0, 41n);
          // the base itself is inside the window
          await recordSerials(f, f.shde, [41n]);
          expect(await windowOf(f, f.shde.address)).to.deep.equal([41n, bitsAt(0, 159)]);
        });
      });

      describe("closeTradeIds", function () {
        context("before the first trade (opening the window)", function () {
          it("should set the base, emit TradeIdsClosed, and leave ids from the base on usable", async function () {
            const f = await loadFixture(tradeFixture);
            await expect(f.tradeRecorder.connect(f.shde).closeTradeIds(1n))
              .to.emit(f.tradeRecorder, "TradeIdsClosed")
              .withArgs(f.shde.address, 1n);
            expect(await windowOf(f, f.shde.address)).to.deep.equal([1n, 0n]);
            expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.shde.address, 0n))).to.equal(Status.Closed);
            const [id] = await recordSerials(f, f.shde, [1n]);
            expect(await f.tradeRecorder.isRecorded(id)).to.equal(true);
          });
        });

        context("with authorisations outstanding", function () {
          it("should void the ids below, keep the recorded bits above, and refuse the voided ones", async function () {
            const f = await loadFixture(tradeFixture);
            await recordSerials(f, f.shde, [2n, 9n]);
            await f.tradeRecorder.connect(f.shde).closeTradeIds(5n);
            expect(await windowOf(f, f.shde.address)).to.deep.equal([5n, bitsAt(4)]); // serial 9 stays recorded
            const voided = await makeTrade(f, { tradeId: tradeIdOf(f.shde.address, 3n) });
            await expect(record(f, voided)).to.be.revertedWithCustomError(f.tradeRecorder, "TradeIdTooOld").withArgs(voided.tradeId, 5n);
            await f.tradeRecorder.connect(f.shde).closeTradeIds(500n); // a jump past the window clears it
            expect(await windowOf(f, f.shde.address)).to.deep.equal([500n, 0n]);
          });
        });

        context("when the new base is not above the current one", function () {
          it("should revert with TradeWindowNotAdvanced", async function () {
            const f = await loadFixture(tradeFixture);
            await f.tradeRecorder.connect(f.shde).closeTradeIds(10n);
            for (const below of [10n, 3n]) {
              await expect(f.tradeRecorder.connect(f.shde).closeTradeIds(below))
                .to.be.revertedWithCustomError(f.tradeRecorder, "TradeWindowNotAdvanced")
                .withArgs(below, 10n);
            }
            await expect(f.tradeRecorder.connect(f.gzde).closeTradeIds(0n))
              .to.be.revertedWithCustomError(f.tradeRecorder, "TradeWindowNotAdvanced")
              .withArgs(0n, 0n);
          });
        });

        context("when the caller is not an active exchange", function () {
          it("should revert with TradeUnauthorized", async function () {
            const f = await loadFixture(tradeFixture);
            await expect(f.tradeRecorder.connect(f.alice).closeTradeIds(1n))
              .to.be.revertedWithCustomError(f.tradeRecorder, "TradeUnauthorized")
              .withArgs(f.alice.address);
          });
        });
      });

      context("with several exchanges", function () {
        it("should keep each exchange's window apart", async function () {
          const f = await loadFixture(tradeFixture);
          await recordSerials(f, f.shde, [500n]);
          expect(await windowOf(f, f.gzde.address)).to.deep.equal([0n, 0n]);
          expect(await f.tradeRecorder.tradeIdStatus(tradeIdOf(f.gzde.address, 5n))).to.equal(Status.Unused);
          // at GZDE alice is recognised singly and carol is at home
          const [gz] = await recordSerials(f, f.gzde, [5n], f.alice.address, f.carol.address, f.assetB);
          expect(await windowOf(f, f.gzde.address)).to.deep.equal([0n, bitsAt(5)]);
          expect(await windowOf(f, f.shde.address)).to.deep.equal([341n, bitsAt(159)]);
          expect(await f.tradeRecorder.isRecorded(gz)).to.equal(true);
          expect(await f.tradeRecorder.isRecorded(tradeIdOf(f.shde.address, 5n))).to.equal(false);
        });
      });
    });

    describe("terms", function () {
      context("with an invalid price", function () {
        it("should revert with TradeInvalidPrice for both, neither, or a price without its currency", async function () {
          const f = await loadFixture(tradeFixture);
          const commitment = digest("commitment");
          const bad: Partial<TradeValue>[] = [
            { priceCommitment: commitment },
            { price: 0n, currency: "0x000000" },
            { currency: "0x000000" },
            { price: 0n },
            { price: 0n, priceCommitment: commitment },
            { currency: "0x000000", priceCommitment: commitment },
          ];
          for (const b of bad) {
            await expect(record(f, await makeTrade(f, b))).to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidPrice");
          }
        });
      });

      context("without a contract digest", function () {
        it("should revert with TradeMissingContractDigest", async function () {
          const f = await loadFixture(tradeFixture);
          await expect(record(f, await makeTrade(f, { contractDigest: ZERO }))).to.be.revertedWithCustomError(f.tradeRecorder, "TradeMissingContractDigest");
        });
      });

      context("with a link to a trade never recorded", function () {
        it("should revert with TradeLinkedTradeNotFound", async function () {
          const f = await loadFixture(tradeFixture);
          const ghost = tradeIdOf(f.gzde.address, 9);
          await expect(record(f, await makeTrade(f, { linkedTradeId: ghost })))
            .to.be.revertedWithCustomError(f.tradeRecorder, "TradeLinkedTradeNotFound")
            .withArgs(ghost);
        });
      });

      context("with a link inside the linked exchange's window", function () {
        it("should accept a recorded id and refuse a gap, an id above the window and the trade's own id", async function () {
          const f = await loadFixture(tradeFixture);
          const [id10] = await recordSerials(f, f.shde, [10n, 20n], f.alice.address, f.bob.address, f.assetB);
          const gap = tradeIdOf(f.shde.address, 15n);
          const above = tradeIdOf(f.shde.address, 500n);
          for (const linked of [gap, above]) {
            await expect(record(f, await makeTrade(f, { tradeId: tradeIdOf(f.shde.address, 30n), linkedTradeId: linked })))
              .to.be.revertedWithCustomError(f.tradeRecorder, "TradeLinkedTradeNotFound")
              .withArgs(linked);
          }
          const self = tradeIdOf(f.shde.address, 30n);
          await expect(record(f, await makeTrade(f, { tradeId: self, linkedTradeId: self })))
            .to.be.revertedWithCustomError(f.tradeRecorder, "TradeLinkedTradeNotFound")
            .withArgs(self);
          // another exchange's recorded id, and this exchange's
          const [gz] = await recordSerials(f, f.gzde, [1n], f.alice.address, f.carol.address);
          await expect(record(f, await makeTrade(f, { tradeId: self, assetId: f.assetB, linkedTradeId: gz }))).to.emit(f.tradeRecorder, "TradeRecorded");
          const back = await makeTrade(f, { tradeId: tradeIdOf(f.gzde.address, 2n), seller: f.carol.address, buyer: f.alice.address, linkedTradeId: id10 });
          await expect(record(f, back)).to.emit(f.tradeRecorder, "TradeRecorded").withArgs(back.tradeId, f.assetA, f.gzde.address, f.carol.address, f.alice.address, Right.Holding, ZERO, back.price, back.currency, ZERO, back.contractDigest, Venue.OnExchange, id10);
        });
      });

      context("with a link below the linked exchange's window", function () {
        it("should accept it as Closed, recorded or not (the indexer flags a link to an id never recorded)", async function () {
          const f = await loadFixture(tradeFixture);
          const [id0] = await recordSerials(f, f.shde, [0n, 300n]); // base 141: 0 was recorded, 1..140 were not
          const abandoned = tradeIdOf(f.shde.address, 140n);
          expect(await f.tradeRecorder.tradeIdStatus(id0)).to.equal(Status.Closed);
          expect(await f.tradeRecorder.tradeIdStatus(abandoned)).to.equal(Status.Closed);
          for (const [i, linked] of [id0, abandoned].entries()) {
            const trade = await makeTrade(f, { tradeId: tradeIdOf(f.shde.address, 301n + BigInt(i)), ...(i === 1 ? { seller: f.bob.address, buyer: f.alice.address } : {}), linkedTradeId: linked });
            await expect(record(f, trade)).to.emit(f.tradeRecorder, "TradeRecorded");
          }
        });
      });

      context("with licence terms on a holding transfer", function () {
        it("should revert with TradeHoldingTermsNotEmpty for any non-zero term", async function () {
          const f = await loadFixture(tradeFixture);
          const variants: Partial<LicenceTermsValue>[] = [
            { scopeDigest: SCOPE },
            { start: 1 },
            { end: 1 },
            { exclusive: true },
            { sublicensable: true },
            { revocable: true },
          ];
          for (const v of variants) {
            await expect(record(f, await makeTrade(f, { licence: { ...EMPTY_LICENCE_TERMS, ...v } }))).to.be.revertedWithCustomError(
              f.tradeRecorder,
              "TradeHoldingTermsNotEmpty",
            );
          }
        });
      });
    });

    describe("asset state (enforced by the registry)", function () {
      context("when the seller does not hold the asset", function () {
        it("should revert with RegistryNotHolder", async function () {
          const f = await loadFixture(tradeFixture);
          await expect(record(f, await makeTrade(f, { seller: f.carol.address, buyer: f.dave.address })))
            .to.be.revertedWithCustomError(f.registry, "RegistryNotHolder")
            .withArgs(f.assetA, f.carol.address);
        });
      });

      context("with core-level data", function () {
        it("should never trade it, neither holding nor licence", async function () {
          const f = await loadFixture(tradeFixture);
          await expect(record(f, await makeTrade(f, { assetId: f.assetCore }))).to.be.revertedWithCustomError(f.registry, "RegistryCoreData").withArgs(f.assetCore);
          await expect(record(f, await makeTrade(f, { assetId: f.assetCore, right: Right.Processing, licence: await licence() })))
            .to.be.revertedWithCustomError(f.registry, "RegistryCoreData")
            .withArgs(f.assetCore);
        });
      });

      context("with a frozen asset", function () {
        it("should refuse every trade until it is unfrozen", async function () {
          const f = await loadFixture(tradeFixture);
          await f.registry.connect(f.regulator).freeze(f.assetA, "dispute");
          await expect(record(f, await makeTrade(f))).to.be.revertedWithCustomError(f.registry, "RegistryAssetFrozen").withArgs(f.assetA);
          await expect(record(f, await makeTrade(f, { right: Right.Operating, licence: await licence() })))
            .to.be.revertedWithCustomError(f.registry, "RegistryAssetFrozen")
            .withArgs(f.assetA);
          await f.registry.connect(f.regulator).unfreeze(f.assetA, "resolved");
          await expect(record(f, await makeTrade(f))).to.emit(f.tradeRecorder, "TradeRecorded");
        });
      });

      context("with a pledged asset", function () {
        async function pledgedFixture() {
          const f = await tradeFixture();
          const now = await time.latest();
          const terms = {
            assetId: f.assetA,
            holder: f.alice.address,
            lender: f.lender.address,
            amount: 5_000_000n,
            currency: currency("CNY"),
            start: now,
            end: now + 365 * DAY,
            agreementDigest: digest("pledge agreement"),
            stateNonce: (await f.registry.getAsset(f.assetA)).stateNonce,
            nonce: await f.pledges.nonces(f.alice.address),
            deadline: now + DAY,
          };
          await f.pledges.connect(f.lender).registerPledge(terms, await signPledge(f.alice, f.pledges, terms));
          return { ...f, pledgeId: await f.pledges.activePledgeOf(f.assetA) };
        }

        it("should refuse a holding transfer and an exclusive licence, allow a non-exclusive one, and trade again once released", async function () {
          const f = await loadFixture(pledgedFixture);
          const ff = f as unknown as Fixture;
          await expect(record(ff, await makeTrade(ff))).to.be.revertedWithCustomError(f.registry, "RegistryAssetPledged").withArgs(f.assetA);
          await expect(record(ff, await makeTrade(ff, { right: Right.Processing, licence: await licence({ exclusive: true }) })))
            .to.be.revertedWithCustomError(f.registry, "RegistryAssetPledged")
            .withArgs(f.assetA);
          await expect(record(ff, await makeTrade(ff, { right: Right.Processing, licence: await licence() }))).to.emit(f.tradeRecorder, "TradeRecorded");
          await f.pledges.connect(f.lender).releasePledge(f.pledgeId);
          await expect(record(ff, await makeTrade(ff))).to.emit(f.registry, "HoldingTransferred");
        });
      });
    });

    describe("gas", function () {
      it("should report trade gas (measured, not asserted)", async function () {
        const f = await loadFixture(tradeFixture);
        const g = async (t: TradeValue) => (await (await record(f, t)).wait())!.gasUsed;
        const first = await g(await makeTrade(f, { tradeId: tradeIdOf(f.shde.address, 1000) })); // SHDE's first trade: its window slot 0→non-zero; bob new
        const existing = await g(await makeTrade(f, { tradeId: tradeIdOf(f.shde.address, 1001), assetId: f.assetB })); // bob holds A already; the window slides by one
        const newBuyer = await g(await makeTrade(f, { tradeId: tradeIdOf(f.shde.address, 1002), seller: f.bob.address, buyer: f.dave.address }));
        const lic = await g(await makeTrade(f, { tradeId: tradeIdOf(f.shde.address, 1003), seller: f.dave.address, buyer: f.carol.address, right: Right.Processing, licence: await licence() }));
        console.log(`      trade: holding exchange's first+new buyer ${first}, holding buyer holds ${existing}, holding new buyer ${newBuyer}, processing licence ${lic}`);
      });
    });
  });
});
