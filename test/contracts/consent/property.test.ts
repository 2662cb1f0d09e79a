/**
 * Issue 9: a seeded random sequence of operations (register, apply, consent, grant, revoke, trade, pledge, enforce,
 * freeze, suspend — by honest and dishonest actors) against the real contracts, checking after every step:
 *  - the holder changes only through a trade both sides signed, a pledge enforcement, or the regulator's reassignment
 *    to a holder who signed an application for the asset (the model follows exactly these, and nothing else);
 *  - no two exclusive licences of one right on one asset overlap;
 *  - a pledged asset never changes holder except by enforcement;
 *  - no party is onboarded, registered for or pledged without its own signature;
 *  - a child's level is never below its parents'.
 * Runs in CI well within a minute (SEED and STEPS can be set in the environment to explore further).
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { shuquanFixture, DataLevel, MerchantCategory, Right, digest } from "../../helpers/fixture";
import { registrationOf, tradeOf } from "../../helpers/assets";
import { signPledge, signTrade, currency, type PledgeTermsValue } from "../../helpers/signing";
import { signApplication, signOnboarding, FAR_DEADLINE } from "../../helpers/consent";

const SEED = Number(process.env.SEED ?? 20261129);
const STEPS = Number(process.env.STEPS ?? 160);
const DAY = 86_400n;

/** mulberry32: a small seeded PRNG, so a failing sequence can be replayed with its SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Fixture = Awaited<ReturnType<typeof shuquanFixture>>;

/** What the model expects of an asset. */
interface Model {
  holder: string;
  level: number;
  parents: bigint[];
}

/** An exclusive licence as granted: [start, end) and the instant it was revoked (end shrinks to it). */
interface ExclusiveGrant {
  assetId: bigint;
  right: number;
  start: bigint;
  end: bigint;
}

describe("Issue 9: consent invariants under a seeded random sequence", function () {
  it(`should keep every invariant after each of ${STEPS} random steps (seed ${SEED})`, async function () {
    const f: Fixture = await loadFixture(shuquanFixture);
    const rand = rng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const merchants: HardhatEthersSigner[] = [f.alice, f.bob, f.carol, f.dave];
    const exchanges = [f.shde, f.gzde];
    const byAddress = new Map(f.signers.map((s) => [s.address, s]));
    const assets = new Map<bigint, Model>();
    const exclusive: ExclusiveGrant[] = [];
    const applied: string[] = []; // what was done, for the failure message
    let serial = 10_000n;
    let label = 0;
    const counts: Record<string, number> = {};

    /** Sends `tx`; returns true when it was mined, false when it reverted (a refusal is a valid outcome). */
    const attempt = async (what: string, tx: () => Promise<{ wait(): Promise<unknown> }>): Promise<boolean> => {
      try {
        await (await tx()).wait();
        counts[what] = (counts[what] ?? 0) + 1;
        applied.push(what);
        return true;
      } catch (e) {
        const m = (e as Error).message;
        if (!/reverted/.test(m)) throw e; // only contract refusals are expected
        applied.push(`${what} (refused)`);
        return false;
      }
    };
    const someAsset = () => (assets.size ? pick([...assets.keys()]) : undefined);

    /** Every invariant, against the chain. */
    const check = async (step: number) => {
      const ctx = `step ${step} (seed ${SEED}): ${applied.slice(-3).join(" | ")}`;
      for (const [id, m] of assets) {
        expect(await f.registry.ownerOf(id), `holder of ${id} — ${ctx}`).to.equal(m.holder);
        const a = await f.registry.getAsset(id);
        for (const p of m.parents) {
          const parent = assets.get(p);
          if (parent) expect(Number(a.level), `child below parent — ${ctx}`).to.be.gte(parent.level); // a cancelled parent is gone
        }
      }
      for (let i = 0; i < exclusive.length; i++) {
        for (let j = i + 1; j < exclusive.length; j++) {
          const x = exclusive[i]!;
          const y = exclusive[j]!;
          if (x.assetId !== y.assetId || x.right !== y.right) continue;
          expect(x.start < y.end && y.start < x.end, `exclusive overlap on ${x.assetId} — ${ctx}`).to.equal(false);
        }
      }
    };

    const ops: Record<string, () => Promise<void>> = {
      // honest: the holder applies, its exchange registers (sometimes deriving from an asset it holds)
      async register() {
        const holder = pick(merchants);
        const exchange = (await f.participants.recognitionPath(holder.address, f.shde.address)) !== 0n ? f.shde : f.gzde;
        const own = [...assets].filter(([, m]) => m.holder === holder.address).map(([id]) => id);
        const parents = own.length && rand() < 0.4 ? [pick(own)] : [];
        const parentLevel = parents.length ? assets.get(parents[0]!)!.level : 0;
        const level = rand() < 0.3 ? DataLevel.Important : DataLevel.General;
        const r = registrationOf(holder.address, `p-${SEED}-${label++}`, {
          level,
          parents,
          nonce: await f.registry.applicationNonce(holder.address),
          consentDigest: digest("consent"),
        });
        const sig = await signApplication(holder, f.registry, r, exchange.address);
        if (await attempt("register", () => f.registry.connect(exchange).register(r, sig))) {
          expect(level, "registered below a parent").to.be.gte(parentLevel);
          assets.set(BigInt(r.contentDigest as string), { holder: holder.address, level, parents });
        }
      },
      // dishonest: an exchange registers in a merchant's name with a signature that is not the merchant's
      async squat() {
        const victim = pick(merchants);
        const r = registrationOf(victim.address, `squat-${label++}`);
        const forged = await signApplication(pick([f.shde, f.outsider, ...merchants.filter((m) => m !== victim)]), f.registry, r, f.shde.address);
        expect(await attempt("squat", () => f.registry.connect(f.shde).register(r, forged)), "registered without the holder's signature").to.equal(false);
      },
      // dishonest: an exchange onboards an address that did not sign; honest: with its signature
      async onboard() {
        const newcomer = pick(f.signers.slice(13, 17));
        const exchange = pick(exchanges);
        const honest = rand() < 0.5;
        const nonce = await f.participants.onboardingNonce(newcomer.address);
        const signer = honest ? newcomer : pick([exchange, f.outsider]);
        const sig = await signOnboarding(signer, f.participants, exchange.address, MerchantCategory.DataResource, digest("c"), FAR_DEADLINE, nonce, newcomer.address);
        const before = (await f.participants.getMerchant(newcomer.address)).homeExchange;
        const ok = await attempt(honest ? "onboard" : "onboard-forged", () =>
          f.participants.connect(exchange).onboardMerchant(newcomer.address, MerchantCategory.DataResource, digest("c"), FAR_DEADLINE, sig),
        );
        if (!honest) {
          expect(ok, "onboarded without the merchant's signature").to.equal(false);
          expect((await f.participants.getMerchant(newcomer.address)).homeExchange).to.equal(before);
        }
      },
      async grant() {
        const id = someAsset();
        if (id === undefined) return;
        const m = assets.get(id)!;
        const holder = byAddress.get(m.holder)!;
        const grantee = pick(merchants.filter((x) => x.address !== m.holder));
        const now = BigInt(await time.latest());
        const start = now + BigInt(Math.floor(rand() * 5)) * DAY;
        const end = start + BigInt(1 + Math.floor(rand() * 20)) * DAY;
        const right = pick([Right.Processing, Right.Operating]);
        const isExclusive = rand() < 0.5;
        const terms = { scopeDigest: digest("scope"), start, end, exclusive: isExclusive, sublicensable: false, revocable: rand() < 0.7 };
        if (await attempt("grant", () => f.registry.connect(holder).grantLicence(id, grantee.address, right, terms))) {
          if (isExclusive) exclusive.push({ assetId: id, right, start: start < now + 1n ? now + 1n : start, end });
        }
      },
      async revoke() {
        const id = someAsset();
        if (id === undefined) return;
        const m = assets.get(id)!;
        const grantee = pick(merchants.filter((x) => x.address !== m.holder));
        const right = pick([Right.Processing, Right.Operating]);
        const by = rand() < 0.3 ? f.regulator : byAddress.get(m.holder)!;
        if (await attempt("revoke", () => f.registry.connect(by).revokeLicence(id, grantee.address, right, "random"))) {
          const now = BigInt(await time.latest());
          for (const g of exclusive) if (g.assetId === id && g.right === right && g.end > now && g.start <= now) g.end = now;
        }
      },
      // a trade: honest (both sign the current state), or with a buyer who did not sign, or after the state moved
      async trade() {
        const id = someAsset();
        if (id === undefined) return;
        const m = assets.get(id)!;
        const seller = byAddress.get(m.holder)!;
        const buyer = pick(merchants.filter((x) => x.address !== m.holder));
        // an exchange at which both are recognised when there is one (else the chain refuses, which is fine too)
        const both = async (e: HardhatEthersSigner) => (await f.participants.isRecognised(seller.address, e.address)) && (await f.participants.isRecognised(buyer.address, e.address));
        const exchange = (await both(f.shde)) ? f.shde : (await both(f.gzde)) ? f.gzde : pick(exchanges);
        const stateNonce = (await f.registry.getAsset(id)).stateNonce;
        const t = await tradeOf(exchange.address, id, seller.address, buyer.address, Right.Holding, { tradeId: await f.tradeRecorder.tradeIdOf(exchange.address, serial++), stateNonce });
        const mode = pick(["honest", "honest", "no-buyer", "stale"] as const);
        const sellerSig = await signTrade(seller, f.tradeRecorder, t);
        const buyerSig = mode === "no-buyer" ? await signTrade(f.outsider, f.tradeRecorder, t) : await signTrade(buyer, f.tradeRecorder, t);
        const record = { ...t, stateNonce: mode === "stale" ? stateNonce + 1n : stateNonce };
        const ok = await attempt(`trade-${mode}`, () => f.tradeRecorder.connect(exchange).recordTrade(record, sellerSig, buyerSig));
        if (mode !== "honest") expect(ok, `trade recorded in mode ${mode}`).to.equal(false);
        if (ok) m.holder = buyer.address;
      },
      async pledge() {
        const id = someAsset();
        if (id === undefined) return;
        const m = assets.get(id)!;
        const holder = byAddress.get(m.holder)!;
        if (holder.address === f.lender.address) return;
        const now = BigInt(await time.latest());
        const terms: PledgeTermsValue = {
          assetId: id,
          holder: holder.address,
          lender: f.lender.address,
          amount: 1000n,
          currency: currency("CNY"),
          start: now,
          end: now + BigInt(1 + Math.floor(rand() * 10)) * DAY,
          agreementDigest: digest("agreement"),
          stateNonce: (await f.registry.getAsset(id)).stateNonce,
          nonce: await f.pledges.nonces(holder.address),
          deadline: now + DAY,
        };
        const forged = rand() < 0.3;
        const sig = await signPledge(forged ? pick([f.outsider, f.lender, ...merchants.filter((x) => x !== holder)]) : holder, f.pledges, terms);
        const ok = await attempt(forged ? "pledge-forged" : "pledge", () => f.pledges.connect(f.lender).registerPledge(terms, sig));
        if (forged) expect(ok, "pledged without the holder's signature").to.equal(false);
      },
      // the lender declares default and, after the window, enforces (to itself)
      async enforce() {
        const pledged = [...assets.keys()];
        for (const id of pledged) {
          const pledgeId = await f.pledges.activePledgeOf(id);
          if (pledgeId === 0n) continue;
          const p = await f.pledges.getPledge(pledgeId);
          await time.increaseTo(p.end > BigInt(await time.latest()) ? p.end : BigInt(await time.latest()) + 1n);
          if (!(await attempt("default", () => f.pledges.connect(f.lender).declareDefault(pledgeId)))) return;
          await time.increase(await f.pledges.OBJECTION_WINDOW());
          const sale = { to: f.lender.address, price: 0n, currency: "0x000000", contractDigest: digest("enforcement") };
          if (await attempt("enforce", () => f.pledges.connect(f.lender).enforcePledge(pledgeId, sale, "0x"))) assets.get(id)!.holder = f.lender.address;
          return;
        }
      },
      async release() {
        for (const id of assets.keys()) {
          const pledgeId = await f.pledges.activePledgeOf(id);
          if (pledgeId !== 0n) {
            await attempt("release", () => f.pledges.connect(f.lender).releasePledge(pledgeId));
            return;
          }
        }
      },
      async freeze() {
        const id = someAsset();
        if (id === undefined) return;
        const frozen = (await f.registry.getAsset(id)).frozen;
        await attempt(frozen ? "unfreeze" : "freeze", () => (frozen ? f.registry.connect(f.regulator).unfreeze(id, "r") : f.registry.connect(f.regulator).freeze(id, "r")));
      },
      async suspend() {
        const m = pick(merchants);
        const active = await f.participants.isActiveMerchant(m.address);
        const by = rand() < 0.5 ? f.regulator : (await f.participants.getMerchant(m.address)).homeExchange === f.shde.address ? f.shde : f.gzde;
        await attempt(active ? "suspend" : "reinstate", () => (active ? f.participants.connect(by).suspendMerchant(m.address, "r") : f.participants.connect(by).reinstateMerchant(m.address, "r")));
      },
      // the regulator cancels a registration (never while pledged), or moves it to a holder who applied — or tries to
      // with an application the new holder did not sign
      async correct() {
        const id = someAsset();
        if (id === undefined) return;
        const m = assets.get(id)!;
        if (rand() < 0.4) {
          if (await attempt("cancel", () => f.registry.connect(f.regulator).cancelRegistration(id, digest("bad faith")))) assets.delete(id);
          return;
        }
        const to = pick(merchants.filter((x) => x.address !== m.holder));
        const onChain = await f.registry.getAsset(id);
        const app = registrationOf(to.address, "", {
          contentDigest: "0x" + id.toString(16).padStart(64, "0"),
          kind: Number(onChain.kind),
          source: Number(onChain.source),
          level: Number(onChain.level),
          nonce: await f.registry.applicationNonce(to.address),
        });
        const forged = rand() < 0.4;
        const sig = await signApplication(forged ? pick([f.outsider, byAddress.get(m.holder)!]) : to, f.registry, app, onChain.exchange);
        const ok = await attempt(forged ? "reassign-forged" : "reassign", () => f.registry.connect(f.regulator).reassignRegistration(id, app, sig, digest("court order")));
        if (forged) expect(ok, "reassigned to a holder who did not apply").to.equal(false);
        if (ok) m.holder = to.address;
      },
      async wait() {
        await time.increase(BigInt(Math.floor(rand() * 3)) * DAY + 1n);
      },
    };
    // lenders can hold assets after enforcement: let them act as holders in the model
    merchants.push(f.lender);
    const names = Object.keys(ops);
    const weights: Record<string, number> = { register: 4, squat: 1, onboard: 1, grant: 4, revoke: 2, trade: 4, pledge: 2, enforce: 1, release: 1, freeze: 1, suspend: 1, correct: 1, wait: 1 };
    const bag = names.flatMap((n) => Array<string>(weights[n] ?? 1).fill(n));
    for (let step = 0; step < STEPS; step++) {
      await ops[pick(bag)]!();
      await check(step);
    }
    // CI's sequence (the default seed) exercised the interesting paths, not just refusals; an exploratory SEED may
    // happen not to, which says nothing about the invariants
    if (process.env.SEED === undefined) {
      for (const must of ["register", "grant", "trade-honest", "pledge", "enforce", "reassign", "cancel"]) {
        expect(counts[must] ?? 0, `${must} never succeeded (seed ${SEED})`).to.be.greaterThan(0);
      }
    }
    const refused = applied.filter((a) => a.endsWith("(refused)")).length;
    console.log(`      seed ${SEED}: ${refused} refusals; ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  });
});
