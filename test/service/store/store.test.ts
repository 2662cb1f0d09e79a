import { expect } from "chai";
import {
  INDEXED_TABLES,
  blockTimeAt,
  createIndexStore,
  insertRows,
  migrate,
  toNumberedPlaceholders,
  type Checkpoint,
  toRowSet,
  type IndexedTable,
  type RowSet,
  type StoreRow,
} from "../../../service/src/store";

const sets = (entries: [IndexedTable, StoreRow[]][]): Map<IndexedTable, RowSet> => new Map(entries.map(([t, r]) => [t, toRowSet(r)]));
async function rejects(p: Promise<unknown>, message?: string): Promise<void> {
  let failed = false;
  try {
    await p;
  } catch (e) {
    failed = true;
    if (message) expect((e as Error).message).to.contain(message);
  }
  expect(failed, "expected a rejection").to.equal(true);
}
import { BACKENDS, type OpenedDb } from "../../helpers/backends";

const H = (n: number): string => "0x" + n.toString(16).padStart(64, "0");
const A = (n: number): string => "0x" + n.toString(16).padStart(40, "0");

function evRow(block: number, logIndex: number, extra: StoreRow): StoreRow {
  return { chain_id: 31337, contract: A(1), block_number: block, log_index: logIndex, tx_hash: H(block * 100 + logIndex), block_time: 1000 + block, ...extra };
}
const cp = (block: number, head = block): Checkpoint => ({
  chainId: 31337,
  blockNumber: block,
  blockHash: H(block),
  blockTime: 1000 + block,
  headBlock: head,
  finalizedBlock: head,
  confirmations: 0,
  updatedAt: 1,
});
const exchangeRow = (block: number, i: number): StoreRow =>
  evRow(block, i, { exchange: A(100 + block), code: "SHDE", name: "上海数据交易所", regulator: A(2) });

describe("store/toNumberedPlaceholders", () => {
  it("should number placeholders outside quotes and comments", () => {
    expect(toNumberedPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?' AND \"c?\" = ? -- ?\n AND d = ?")).to.equal(
      "SELECT * FROM t WHERE a = $1 AND b = '?' AND \"c?\" = $2 -- ?\n AND d = $3",
    );
  });
});

for (const backend of BACKENDS) {
  describe(`store (${backend.name})`, () => {
    let o: OpenedDb;
    beforeEach(async () => {
      o = await backend.open();
    });
    afterEach(async () => {
      await o.cleanup();
    });

    describe("migrate", () => {
      it("should be idempotent and create every indexed table", async () => {
        expect(await migrate(o.db)).to.deep.equal([]);
        for (const t of INDEXED_TABLES) {
          const r = await o.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`);
          expect(r?.n, t).to.equal(0);
        }
      });
    });

    describe("Db", () => {
      it("should return BIGINT and COUNT as numbers and TEXT as strings", async () => {
        await insertRows(o.db, "exchanges", [exchangeRow(5_000_000_000, 1)]);
        const r = await o.db.get<Record<string, unknown>>("SELECT block_number, block_time, code, COUNT(*) AS n FROM exchanges GROUP BY block_number, block_time, code");
        expect(r).to.deep.equal({ block_number: 5_000_000_000, block_time: 5_000_001_000, code: "SHDE", n: 1 });
      });

      it("should roll a failed transaction back entirely", async () => {
        await rejects(
          o.db.transaction(async (tx) => {
            await insertRows(tx, "exchanges", [exchangeRow(1, 0)]);
            throw new Error("boom");
          }),
          "boom",
        );
        expect(await o.db.all("SELECT * FROM exchanges")).to.have.length(0);
      });

      it("should refuse a duplicate (chain, block, log) key", async () => {
        await insertRows(o.db, "exchanges", [exchangeRow(1, 0)]);
        await rejects(insertRows(o.db, "exchanges", [exchangeRow(1, 0)]));
      });

      it("should insert many rows in chunks", async () => {
        const rows = Array.from({ length: 2500 }, (_, i) => exchangeRow(Math.floor(i / 10), i % 10));
        await insertRows(o.db, "exchanges", rows);
        expect((await o.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM exchanges"))?.n).to.equal(2500);
      });

      it("should see its own writes inside a transaction, and others only after commit", async () => {
        const other = await o.reopen();
        await o.db.transaction(async (tx) => {
          await insertRows(tx, "exchanges", [exchangeRow(1, 0)]);
          expect(await tx.all("SELECT * FROM exchanges")).to.have.length(1);
          if (o.db.dialect === "postgres") expect(await other.all("SELECT * FROM exchanges")).to.have.length(0);
        });
        expect(await other.all("SELECT * FROM exchanges")).to.have.length(1);
      });
    });

    describe("blockTimeAt", () => {
      it("should find a block's time in the kept hashes, the checkpoint or any indexed row, and nothing else", async () => {
        const s = createIndexStore(o.db);
        await s.writeRange({
          chainId: 31337,
          rows: sets([["exchanges", [exchangeRow(5, 0)]]]),
          blocks: [{ blockNumber: 4, blockHash: H(4), parentHash: H(3), blockTime: 1004 }],
          checkpoint: { ...cp(9), blockTime: 1009 },
        });
        expect(await blockTimeAt(o.db, 31337, 4)).to.equal(1004); // kept hash
        expect(await blockTimeAt(o.db, 31337, 5)).to.equal(1005); // a row of that block
        expect(await blockTimeAt(o.db, 31337, 9)).to.equal(1009); // the checkpoint
        expect(await blockTimeAt(o.db, 31337, 6)).to.equal(undefined);
        expect(await blockTimeAt(o.db, 1, 5)).to.equal(undefined); // another chain
      });
    });

    describe("IndexStore", () => {
      it("should write rows, kept blocks and checkpoint together", async () => {
        const s = createIndexStore(o.db);
        await s.writeRange({
          chainId: 31337,
          rows: sets([["exchanges", [exchangeRow(3, 0), exchangeRow(4, 1)]]]),
          blocks: [3, 4].map((n) => ({ blockNumber: n, blockHash: H(n), parentHash: H(n - 1), blockTime: 1000 + n })),
          checkpoint: cp(4),
        });
        expect(await s.getCheckpoint(31337)).to.deep.equal(cp(4));
        expect((await s.keptBlocks(31337, 10, 10)).map((k) => k.blockNumber)).to.deep.equal([4, 3]);
        expect(await o.db.all("SELECT * FROM exchanges")).to.have.length(2);
      });

      it("should keep many blocks of a range, and a block written again with its new hash", async () => {
        const s = createIndexStore(o.db);
        const kept = (from: number, to: number, tag: number) =>
          Array.from({ length: to - from + 1 }, (_, i) => from + i).map((n) => ({ blockNumber: n, blockHash: H(n + tag), parentHash: H(n - 1 + tag), blockTime: 1000 + n }));
        await s.writeRange({ chainId: 31337, rows: sets([]), blocks: kept(1, 150, 0), checkpoint: cp(150) });
        // the last blocks again, as re-read on another branch (the kept hashes of the same numbers are replaced)
        await s.writeRange({ chainId: 31337, rows: sets([]), blocks: kept(140, 160, 1000), checkpoint: cp(160) });
        const got = await s.keptBlocks(31337, 1000, 1000);
        expect(got.map((k) => k.blockNumber)).to.deep.equal(Array.from({ length: 160 }, (_, i) => 160 - i));
        expect(got.find((k) => k.blockNumber === 139)!.blockHash).to.equal(H(139));
        expect(got.find((k) => k.blockNumber === 140)).to.deep.equal({ blockNumber: 140, blockHash: H(1140), parentHash: H(1139), blockTime: 1140 });
      });

      it("should write nothing when a range fails half way", async () => {
        const s = createIndexStore(o.db);
        const bad = sets([
          ["exchanges", [exchangeRow(3, 0)]],
          ["merchants", [evRow(3, 1, { merchant: A(9) })]], // missing NOT NULL columns
        ]);
        await rejects(s.writeRange({ chainId: 31337, rows: bad, blocks: [], checkpoint: cp(3) }));
        expect(await s.getCheckpoint(31337)).to.equal(undefined);
        expect(await o.db.all("SELECT * FROM exchanges")).to.have.length(0);
      });

      it("should roll back every table above a block and rewind the checkpoint", async () => {
        const s = createIndexStore(o.db);
        for (const b of [1, 2, 3]) {
          await s.writeRange({
            chainId: 31337,
            rows: sets([
              ["exchanges", [exchangeRow(b, 0)]],
              ["asset_parents", [evRow(b, 1, { asset_id: H(b), parent_id: H(99), position: 0 })]],
            ]),
            blocks: [{ blockNumber: b, blockHash: H(b), parentHash: H(b - 1), blockTime: 1000 + b }],
            checkpoint: cp(b),
          });
        }
        // another chain is untouched
        await insertRows(o.db, "exchanges", [{ ...exchangeRow(3, 0), chain_id: 1 }]);
        await s.rollback(31337, { blockNumber: 1, blockHash: H(1), parentHash: H(0), blockTime: 1001 });
        expect((await o.db.all<{ block_number: number }>("SELECT block_number FROM exchanges WHERE chain_id = 31337")).map((r) => r.block_number)).to.deep.equal([1]);
        expect(await o.db.all("SELECT * FROM asset_parents")).to.have.length(1);
        expect(await o.db.all("SELECT * FROM exchanges WHERE chain_id = 1")).to.have.length(1);
        expect((await s.getCheckpoint(31337))?.blockNumber).to.equal(1);
        expect((await s.keptBlocks(31337, 100, 10)).map((k) => k.blockNumber)).to.deep.equal([1]);
        await s.rollback(31337, null);
        expect(await s.getCheckpoint(31337)).to.equal(undefined);
        expect(await o.db.all("SELECT * FROM exchanges WHERE chain_id = 31337")).to.have.length(0);
      });

      it("should record a valid manifest with its items atomically, once", async () => {
        const s = createIndexStore(o.db);
        await s.writeRange({
          chainId: 31337,
          rows: sets([
            ["evidence_batches", [evRow(2, 0, { root: H(7), exchange: A(3), asset_id: null, leaf_count: 1, manifest_cid: "bafy" })]],
          ]),
          blocks: [],
          checkpoint: cp(2),
        });
        const [b] = await s.pendingBatches(31337, 10);
        expect(b).to.include({ root: H(7), manifestStatus: "pending", leafCount: 1, blockNumber: 2 });
        const item = { ...evRow(2, 0, {}), batch_root: H(7), leaf_index: 0, tree_index: 0, item_digest: H(8), asset_id: H(0), label: null, leaf_hash: H(9) };
        expect(await s.recordManifest(b, "valid", null, [item])).to.equal(true);
        expect(await s.recordManifest(b, "valid", null, [item])).to.equal(false); // already valid: no duplicate items
        expect(await s.pendingBatches(31337, 10)).to.have.length(0);
        expect(await o.db.all("SELECT item_digest FROM evidence_items")).to.deep.equal([{ item_digest: H(8) }]);
      });
    });
  });
}
