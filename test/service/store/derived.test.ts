/**
 * The derived tables (store/derived.ts) the store keeps beside each range and rollback — current_holders,
 * linked_trades, trade_days, price_days, activity_days — stay exactly what a rebuild from the event tables gives, through reorgs that move a
 * holder back and drop trades or links, and equal to a clean index of the final chain; the API's holder and linked
 * filters answer from them, and the migration that adds linked_trades fills it from the trades already indexed.
 */
import { expect } from "chai";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { createIndexer, type ChainParams } from "../../../service/src/indexer";
import { createSilentLogger } from "../../../service/src/logger";
import { migrate, rebuildDerived, type Db } from "../../../service/src/store";
import { DERIVED_TABLES, derivedFrom, EVENT_TABLES, SCHEMA } from "../../../service/src/store/schema";
import { BACKENDS, openPerTest, type OpenedDb } from "../../helpers/backends";
import { createFakeChain, type FakeChain } from "../../helpers/fake-chain";
import { CONTRACTS, L, account, mineScenario, word } from "../../helpers/fake-scenario";
import { expectCurrencyWithin } from "../../helpers/price-accuracy";
import { quietLogger } from "../api/fixture";

const common = { logger: createSilentLogger() };
const DERIVED = ["current_holders", "linked_trades", "trade_days", "price_days", "activity_days", "asset_locks"] as const;
const ORDER: Record<(typeof DERIVED)[number], string> = {
  current_holders: "chain_id, asset_id, contract",
  linked_trades: "chain_id, block_number, log_index",
  trade_days: 'day, chain_id, exchange, kind, "right", venue, cross_border, destination, currency, price',
  price_days: 'day, chain_id, exchange, kind, "right", venue, cross_border, destination, currency',
  activity_days: "day, chain_id, exchange",
  asset_locks: "chain_id, asset_id, contract",
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
    const open = openPerTest(backend);

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
    const tradeIdOf = (serial: number): bigint => (BigInt(EX) << 96n) | BigInt(serial);
    /**
     * A trade of the asset from `seller` to `buyer`: the trade, the ERC-721 Transfer and HoldingTransferred in one tx;
     * `linkedTo`: the serial of the trade it links to.
     */
    function mineTrade(chain: FakeChain, serial: number, seller: string, buyer: string, price: bigint, linkedTo?: number): void {
      const tradeId = tradeIdOf(serial);
      const linked = linkedTo === undefined ? 0n : tradeIdOf(linkedTo);
      chain.mine([L.trade(tradeId, ASSET, EX, seller, buyer, price, linked), L.transfer(seller, buyer, ASSET), L.holdingTransferred(ASSET, seller, buyer, tradeId)], true);
    }
    /** Serials of the trades `/v1/trades?<query>` lists (newest first), every page. */
    async function serials(app: ReturnType<typeof createApi>, query: string): Promise<number[]> {
      const out: number[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(app).get(`/v1/trades?${query}&limit=1${cursor ? `&cursor=${cursor}` : ""}`).expect(200);
        out.push(...(res.body.data as { serial: string }[]).map((t) => Number(t.serial)));
        cursor = (res.body.page as { nextCursor: string | null }).nextCursor;
      } while (cursor);
      return out;
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

    it("should rebuild a day's price summaries equal to those kept at index time when the day holds more distinct prices than the rebuild reads at once", async () => {
      // 6,001 trades at distinct prices, alternating between two exchanges: two price_days rows of ~3,000 prices each;
      // the rebuild reads trade_days 5,000 rows at a time, so the second exchange's row spans two reads
      const o = await open();
      const chain = createFakeChain();
      const EX2 = account(0x101);
      mineStart(chain);
      const TRADES = 6001;
      for (let from = 0; from < TRADES; from += 1000) {
        const logs = [];
        for (let i = from; i < Math.min(from + 1000, TRADES); i++) {
          const ex = i % 2 === 0 ? EX : EX2;
          logs.push(L.trade((BigInt(ex) << 96n) | BigInt(i + 1), ASSET, ex, ALICE, BOB, 1000n + BigInt(i)));
        }
        chain.mine(logs);
      }
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      const { kept, rebuilt } = await keptAndRebuilt(o.db);
      expect(kept.trade_days).to.have.length(TRADES);
      expect(kept.price_days.map((r) => [r.exchange, r.trades, r.min_price, r.max_price])).to.deep.equal([
        [EX, 3001, 1000, 1000 + TRADES - 1],
        [EX2, 3000, 1001, 1000 + TRADES - 2],
      ]);
      expect(rebuilt.price_days).to.deep.equal(kept.price_days);
      expect(rebuilt).to.deep.equal(kept);
    });

    it("should list a trade and the trade it links to as linked right after their range, and neither after a reorg drops the link", async () => {
      const o = await open();
      const chain = createFakeChain();
      mineStart(chain);
      mineTrade(chain, 1, ALICE, BOB, 1000n); // block 3
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      const app = createApi({ db: o.db, indexerStatus: () => indexer.status(), logger: quietLogger });
      expect(await serials(app, "linked=true")).to.deep.equal([]);

      // a later range links trade 2 to trade 1 (an earlier range's): both are linked from that commit on
      mineTrade(chain, 2, BOB, CAROL, 2000n, 1); // block 4
      mineTrade(chain, 3, CAROL, ALICE, 3000n); // block 5
      await indexer.catchUp();
      expect(await serials(app, "linked=true")).to.deep.equal([2, 1]);
      expect(await serials(app, "linked=false")).to.deep.equal([3, 2, 1]);
      expect(await serials(app, `linked=true&seller=${BOB}`)).to.deep.equal([2]);
      expect(await serials(app, `linked=true&party=${ALICE}`)).to.deep.equal([1]);
      expect(await serials(app, `linked=true&asset=${ASSET_ID}`)).to.deep.equal([2, 1]);
      const linked = await keptAndRebuilt(o.db);
      expect(linked.kept).to.deep.equal(linked.rebuilt);
      expect(linked.kept.linked_trades.map((r) => r.block_number)).to.deep.equal([3, 4]);

      // the branch without trades 2 and 3: trade 1 is no longer linked (its only linker is gone)
      chain.reorgTo(3);
      chain.mineEmpty(3);
      await indexer.catchUp();
      await indexer.catchUp();
      expect(indexer.status().chains[0]!.reorgs).to.be.greaterThan(0);
      expect(await serials(app, "linked=true")).to.deep.equal([]);
      expect(await serials(app, `linked=true&asset=${ASSET_ID}`)).to.deep.equal([]);
      const dropped = await keptAndRebuilt(o.db);
      expect(dropped.kept).to.deep.equal(dropped.rebuilt);
      expect(dropped.kept.linked_trades).to.deep.equal([]);

      // a trade of the new branch links to trade 1 again, and one links to a trade not indexed (yet)
      mineTrade(chain, 4, BOB, CAROL, 4000n, 1);
      mineTrade(chain, 5, CAROL, BOB, 5000n, 99);
      await indexer.catchUp();
      expect(await serials(app, "linked=true")).to.deep.equal([5, 4, 1]);
      const relinked = await keptAndRebuilt(o.db);
      expect(relinked.kept).to.deep.equal(relinked.rebuilt);
    });

    /** A store that indexed three trades, the second linked to the first. */
    async function indexedThreeTrades(): Promise<OpenedDb> {
      const o = await open();
      const chain = createFakeChain();
      mineStart(chain);
      mineTrade(chain, 1, ALICE, BOB, 1000n);
      mineTrade(chain, 2, BOB, CAROL, 2000n, 1);
      mineTrade(chain, 3, CAROL, ALICE, 3000n);
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      return o;
    }

    it("should fill linked_trades from the trades already indexed when its migration runs on an older store", async () => {
      const o = await indexedThreeTrades();
      const kept = (await derivedRows(o.db)).linked_trades;
      expect(kept.map((r) => r.block_number)).to.deep.equal([3, 4]);
      // the store as it was before migration 13
      await o.db.exec("DROP TABLE linked_trades");
      await o.db.run("DELETE FROM schema_migrations WHERE version = 13");
      expect(await migrate(o.db)).to.deep.equal([13]);
      expect((await derivedRows(o.db)).linked_trades).to.deep.equal(kept);
    });

    it("should fill every derived table when migration 15 runs on a store upgraded while it held rows", async () => {
      const o = await indexedThreeTrades();
      const kept = await derivedRows(o.db);
      const atFifteen = DERIVED.filter((t) => SCHEMA[t].since <= 15);
      for (const table of atFifteen) expect(kept[table], table).to.not.be.empty;
      // what migrations 10, 11 and 14 left on a store that already had these rows: the tables, empty
      for (const table of atFifteen) await o.db.run(`DELETE FROM ${table}`);
      await o.db.run("DELETE FROM schema_migrations WHERE version = 15");
      expect(await migrate(o.db)).to.deep.equal([15]);
      expect(await derivedRows(o.db)).to.deep.equal(kept);
      // applied once: a later start leaves the tables alone
      expect(await migrate(o.db)).to.deep.equal([]);
    });

    it("should list an asset as frozen or pledged while its latest freeze or lock says so, and not after a reorg drops it", async () => {
      const o = await open();
      const chain = createFakeChain();
      const REGULATOR = account(0x300);
      const OTHER = BigInt(word("asset:other"));
      const OTHER_ID = "0x" + OTHER.toString(16).padStart(64, "0");
      mineStart(chain);
      chain.mine([L.registered(OTHER, BOB, EX, 2), L.transfer(account(0), BOB, OTHER)], true);
      chain.mine([L.frozen(ASSET, REGULATOR), L.pledgeLock(OTHER, true)], true);
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      const app = createApi({ db: o.db, indexerStatus: () => indexer.status(), logger: quietLogger });
      const listed = async (status: string): Promise<string[]> =>
        ((await request(app).get(`/v1/assets?status=${status}`).expect(200)).body.data as { assetId: string }[]).map((a) => a.assetId);
      expect(await listed("frozen")).to.deep.equal([ASSET_ID]);
      expect(await listed("pledged")).to.deep.equal([OTHER_ID]);
      const kept = chain.head();

      // both frozen and pledged: frozen wins the status; then unfrozen, it is pledged
      chain.mine([L.pledgeLock(ASSET, true, 2n)], true);
      await indexer.catchUp();
      expect(await listed("frozen")).to.deep.equal([ASSET_ID]);
      expect(await listed("pledged")).to.deep.equal([OTHER_ID]);
      chain.mine([L.unfrozen(ASSET, REGULATOR), L.pledgeLock(OTHER, false)], true);
      await indexer.catchUp();
      expect(await listed("frozen")).to.deep.equal([]);
      expect(await listed("pledged")).to.deep.equal([ASSET_ID]);
      let rows = await keptAndRebuilt(o.db);
      expect(rows.kept).to.deep.equal(rows.rebuilt);
      expect(rows.kept.asset_locks.map((r) => [r.asset_id, r.frozen, r.pledged])).to.deep.equal([[ASSET_ID, 0, 1]]);

      // a reorg drops the lock of ASSET and the unfreeze: frozen again, OTHER pledged again
      chain.reorgTo(kept);
      chain.mineEmpty(3);
      await indexer.catchUp();
      await indexer.catchUp();
      expect(indexer.status().chains[0]!.reorgs).to.be.greaterThan(0);
      expect(await listed("frozen")).to.deep.equal([ASSET_ID]);
      expect(await listed("pledged")).to.deep.equal([OTHER_ID]);
      rows = await keptAndRebuilt(o.db);
      expect(rows.kept).to.deep.equal(rows.rebuilt);
      expect(rows.kept.asset_locks.map((r) => [r.asset_id, r.frozen, r.pledged]).sort()).to.deep.equal([[ASSET_ID, 1, 0], [OTHER_ID, 0, 1]].sort());

      // the frozen asset registered again (its registration cancelled before): the new registration starts unlocked
      chain.mine([L.registered(ASSET, CAROL, EX, 9)], true);
      await indexer.catchUp();
      expect(await listed("frozen")).to.deep.equal([]);
      rows = await keptAndRebuilt(o.db);
      expect(rows.kept).to.deep.equal(rows.rebuilt);
      expect(rows.kept.asset_locks.map((r) => r.asset_id)).to.deep.equal([OTHER_ID]);
    });

    it("should fill asset_locks from the freezes and pledge locks already indexed when its migration runs on an older store", async () => {
      const o = await open();
      const chain = createFakeChain();
      const OTHER = BigInt(word("asset:other"));
      mineStart(chain);
      chain.mine([L.registered(OTHER, BOB, EX, 2), L.transfer(account(0), BOB, OTHER)], true);
      chain.mine([L.frozen(ASSET, account(0x300)), L.pledgeLock(OTHER, true), L.pledgeLock(ASSET, true, 2n), L.pledgeLock(ASSET, false, 2n)], true);
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      const kept = (await derivedRows(o.db)).asset_locks;
      expect(kept.map((r) => [r.asset_id, r.frozen, r.pledged])).to.have.deep.members([
        [ASSET_ID, 1, 0],
        ["0x" + OTHER.toString(16).padStart(64, "0"), 0, 1],
      ]);
      // the store as it was before migration 16
      await o.db.exec("DROP TABLE asset_locks");
      await o.db.run("DELETE FROM schema_migrations WHERE version = 16");
      expect(await migrate(o.db)).to.deep.equal([16]);
      expect((await derivedRows(o.db)).asset_locks).to.deep.equal(kept);
    });

    it("should cover every derived table the schema declares, each computed from event tables", () => {
      expect([...DERIVED_TABLES].sort()).to.deep.equal([...DERIVED].sort());
      for (const t of DERIVED) for (const source of derivedFrom(t)) expect(EVENT_TABLES, `${t} from ${source}`).to.include(source);
    });

    it("should derive nothing from a range without assets, holdings, trades, pledges or evidence", async () => {
      const o = await open();
      const chain = createFakeChain();
      chain.mine([L.accredited(EX), L.onboarded(ALICE, EX)]);
      const indexer = await createIndexer(common, { db: o.db, chains: [chainParams(chain)] });
      await indexer.catchUp();
      expect(await derivedRows(o.db)).to.deep.equal({ current_holders: [], linked_trades: [], trade_days: [], price_days: [], activity_days: [], asset_locks: [] });
    });
  });
}
