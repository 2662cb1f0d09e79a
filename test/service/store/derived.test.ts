/**
 * The derived tables (store/derived.ts) the store keeps beside each range and rollback — current_holders,
 * trade_days, price_days, activity_days — stay exactly what a rebuild from the event tables gives, through reorgs that move a
 * holder back and drop trades, and equal to a clean index of the final chain; the API's holder filter answers
 * from them.
 */
import { expect } from "chai";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { createIndexer, type ChainParams } from "../../../service/src/indexer";
import { createSilentLogger } from "../../../service/src/logger";
import { rebuildDerived, type Db } from "../../../service/src/store";
import { BACKENDS, type OpenedDb } from "../../helpers/backends";
import { createFakeChain, type FakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, L, account, mineScenario, word } from "../../helpers/fake-scenario";
import { expectCurrencyWithin } from "../../helpers/price-accuracy";
import { quietLogger } from "../api/fixture";

const common = { logger: createSilentLogger() };
const DERIVED = ["current_holders", "trade_days", "price_days", "activity_days"] as const;
const ORDER: Record<(typeof DERIVED)[number], string> = {
  current_holders: "chain_id, asset_id, contract",
  trade_days: 'day, chain_id, exchange, kind, "right", venue, cross_border, destination, currency, price',
  price_days: 'day, chain_id, exchange, kind, "right", venue, cross_border, destination, currency',
  activity_days: "day, chain_id, exchange",
};

/** Every derived row, numbers as numbers. */
async function derivedRows(db: Db): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const t of DERIVED) {
    const rows = await db.all<Record<string, unknown>>(`SELECT * FROM ${t} ORDER BY ${ORDER[t]}`);
    out[t] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "string" && /^-?\d+$/.test(v) && k !== "price" ? Number(v) : v])));
  }
  return out;
}

/** The derived rows as kept, and as a rebuild from the event tables makes them (the kept ones are put back after). */
async function keptAndRebuilt(db: Db) {
  const kept = await derivedRows(db);
  await rebuildDerived(db);
  return { kept, rebuilt: await derivedRows(db) };
}

const chainParams = (chain: FakeChain, extra: Partial<ChainParams> = {}): ChainParams => ({
  chainId: chain.chainId,
  transport: chain.transport,
  contracts: CONTRACTS,
  ...extra,
});

for (const backend of BACKENDS) {
  describe(`store/derived (${backend.name})`, function () {
    this.timeout(120_000);
    const opened: OpenedDb[] = [];
    const open = async (): Promise<OpenedDb> => {
      const o = await backend.open();
      opened.push(o);
      return o;
    };
    afterEach(async () => {
      for (const o of opened.splice(0)) await o.cleanup();
    });

    const EX = account(0x100);
    const ALICE = account(0x200);
    const BOB = account(0x201);
    const CAROL = account(0x202);
    const ASSET = BigInt(word("asset:held"));
    const ASSET_ID = "0x" + ASSET.toString(16).padStart(64, "0");

    /** Exchange, three merchants, one asset registered to Alice (block 2). */
    function mineStart(chain: FakeChain): void {
      chain.mine([L.accredited(EX), L.onboarded(ALICE, EX), L.onboarded(BOB, EX), L.onboarded(CAROL, EX)]);
      chain.mine([L.registered(ASSET, ALICE, EX, 1), L.transfer(account(0), ALICE, ASSET)], true);
    }
    /** A trade of the asset from `seller` to `buyer`: the trade, the ERC-721 Transfer and HoldingTransferred in one tx. */
    function mineTrade(chain: FakeChain, serial: number, seller: string, buyer: string, price: bigint): void {
      const tradeId = (BigInt(EX) << 96n) | BigInt(serial);
      chain.mine([L.trade(tradeId, ASSET, EX, seller, buyer, price), L.transfer(seller, buyer, ASSET), L.holdingTransferred(ASSET, seller, buyer, tradeId)], true);
    }
    const heldBy = async (app: ReturnType<typeof createApi>, holder: string): Promise<string[]> =>
      ((await request(app).get(`/v1/assets?holder=${holder}`).expect(200)).body.data as { assetId: string }[]).map((a) => a.assetId);

    it("should move the current holder back, and take the trade out of the day totals, when a reorg drops the trade", async () => {
      const o = await open();
      const chain = createFakeChain();
      mineStart(chain);
      mineTrade(chain, 1, ALICE, BOB, 5000n);
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      const app = createApi({ db: o.db, indexerStatus: () => indexer.status(), logger: quietLogger });
      expect(await heldBy(app, BOB)).to.deep.equal([ASSET_ID]);
      expect(await heldBy(app, ALICE)).to.deep.equal([]);
      const before = (await request(app).get("/v1/stats/prices?groupBy=exchange").expect(200)).body.data.groups;
      expect(before).to.have.length(1);
      expect(before[0]).to.deep.include({ group: EX, tradeCount: 1 });

      // the block with the trade is replaced by a branch where nothing trades: Alice holds the asset again
      chain.reorgTo(2);
      chain.mineEmpty(3);
      await indexer.catchUp();
      await indexer.catchUp();
      expect(indexer.status().chains[0]!.reorgs).to.be.greaterThan(0);
      expect(await heldBy(app, ALICE)).to.deep.equal([ASSET_ID]);
      expect(await heldBy(app, BOB)).to.deep.equal([]);
      expect((await request(app).get(`/v1/assets/${ASSET_ID}`).expect(200)).body.data.holder).to.equal(ALICE);
      expect((await request(app).get("/v1/stats/prices?groupBy=exchange").expect(200)).body.data.groups).to.deep.equal([]);
      const act = (await request(app).get("/v1/stats/activity?period=day").expect(200)).body.data.periods;
      expect(act.reduce((n: number, p: { trades: number }) => n + p.trades, 0)).to.equal(0);
      expect(act.reduce((n: number, p: { registrations: number }) => n + p.registrations, 0)).to.equal(1);
      const { kept, rebuilt } = await keptAndRebuilt(o.db);
      expect(kept).to.deep.equal(rebuilt);
      expect(kept.trade_days).to.deep.equal([]);
      expect(kept.price_days).to.deep.equal([]);

      // the new branch trades to Carol instead
      mineTrade(chain, 2, ALICE, CAROL, 7000n);
      await indexer.catchUp();
      expect(await heldBy(app, CAROL)).to.deep.equal([ASSET_ID]);
      expect(await heldBy(app, ALICE)).to.deep.equal([]);
      const after = await keptAndRebuilt(o.db);
      expect(after.kept).to.deep.equal(after.rebuilt);
      expect(after.kept.trade_days.map((r) => [r.price, r.trades])).to.deep.equal([["7000", 1]]);
      expect(after.kept.price_days.map((r) => [r.trades, r.volume, r.min_price, r.max_price])).to.deep.equal([[1, 7000, 7000, 7000]]);
    });

    it("should take a dropped trade's price out of the day's summary: its count, volume, min, max and quartiles", async () => {
      const o = await open();
      const chain = createFakeChain();
      mineStart(chain);
      mineTrade(chain, 1, ALICE, BOB, 5000n);
      mineTrade(chain, 2, BOB, CAROL, 3000n);
      const kept = chain.head();
      mineTrade(chain, 3, CAROL, ALICE, 90000n); // the day's highest price, then dropped by a reorg
      mineTrade(chain, 4, ALICE, BOB, 1000n); // and its lowest
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      const app = createApi({ db: o.db, indexerStatus: () => indexer.status(), logger: quietLogger });
      const stats = async () => (await request(app).get("/v1/stats/prices?groupBy=exchange").expect(200)).body.data.groups[0].currencies[0];
      const before = await stats();
      expect(before).to.include({ count: 4, volume: "99000", min: "1000", max: "90000" });
      expectCurrencyWithin(before, { currency: before.currency, count: 4, volume: "99000", min: "1000", q1: "2500", median: "4000", q3: "26250", max: "90000" });

      chain.reorgTo(kept);
      chain.mineEmpty(3);
      await indexer.catchUp();
      await indexer.catchUp();
      expect(indexer.status().chains[0]!.reorgs).to.be.greaterThan(0);
      const after = await stats();
      expect(after).to.include({ count: 2, volume: "8000", min: "3000", max: "5000" });
      expectCurrencyWithin(after, { currency: after.currency, count: 2, volume: "8000", min: "3000", q1: "3500", median: "4000", q3: "4500", max: "5000" });
      const rows = await keptAndRebuilt(o.db);
      expect(rows.kept).to.deep.equal(rows.rebuilt);
      expect(rows.kept.price_days.map((r) => [r.trades, r.volume, r.min_price, r.max_price])).to.deep.equal([[2, 8000, 3000, 5000]]);
    });

    it("should keep what a rebuild and a clean index of the final chain give, through ranges, joined commits and reorgs", async () => {
      const o = await open();
      const chain = createFakeChain();
      mineScenario(chain, 12, 0);
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain, { initialRange: 3, maxRange: 3 })] });
      await indexer.catchUp();
      const first = await keptAndRebuilt(o.db);
      expect(first.kept).to.deep.equal(first.rebuilt);
      expect(first.kept.trade_days.length).to.be.greaterThan(0);
      expect(first.kept.current_holders).to.have.length(12);

      chain.reorgTo(chain.head() - 6); // inside the scenario: later registrations and trades go, a new branch comes
      mineScenario(chain, 7, 1);
      await indexer.catchUp();
      await indexer.catchUp();
      const second = await keptAndRebuilt(o.db);
      expect(second.kept).to.deep.equal(second.rebuilt);

      const fresh = await open();
      const clean = await createIndexer(common, { db: fresh.db, chains: [chainParams(chain)] });
      await clean.catchUp();
      expect(await derivedRows(fresh.db)).to.deep.equal(second.kept);
    });

    it("should derive nothing from a range without assets, holdings, trades, pledges or evidence", async () => {
      const o = await open();
      const chain = createFakeChain();
      chain.mine([L.accredited(EX), L.onboarded(ALICE, EX)]);
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      expect(await derivedRows(o.db)).to.deep.equal({ current_holders: [], trade_days: [], price_days: [], activity_days: [] });
    });
  });
}
