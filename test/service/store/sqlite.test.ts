import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { createSqliteDb, insertRows, migrate, type Db } from "../../../service/src/store";
import { SQLITE_PAGE_SIZE } from "../../../service/src/store/sqlite";
import { peakRssMB } from "../../../bench/indexer/peak-rss";
import { account, word } from "../../helpers/fake-scenario";

const holding = (block: number) => ({
  chain_id: 31337,
  contract: account(1),
  block_number: block,
  log_index: 0,
  tx_hash: word(`tx ${block}`),
  block_time: 1000 + block,
  asset_id: word("asset"),
  from_address: account(2),
  to_address: account(3),
  kind: "holding",
});

/** Resets this process's peak resident set to its current one (Linux: /proc/self/clear_refs); false where it cannot. */
function resetPeakRss(): boolean {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** The value of a PRAGMA that answers one number. */
async function pragmaNumber(db: Db, name: "page_size" | "wal_autocheckpoint"): Promise<number> {
  return (await db.get<Record<string, number>>(`PRAGMA ${name}`))![name];
}

describe("store/sqlite", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-sqlite-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("should create a new store with larger pages than SQLite's default, in WAL mode", async () => {
    expect(SQLITE_PAGE_SIZE).to.be.greaterThan(4096);
    const file = path.join(dir, "new.sqlite");
    const db = createSqliteDb(file);
    await migrate(db);
    await insertRows(db, "holdings", [holding(5)]);
    expect(await pragmaNumber(db, "page_size")).to.equal(SQLITE_PAGE_SIZE);
    expect((await db.get<{ journal_mode: string }>("PRAGMA journal_mode"))!.journal_mode).to.equal("wal");
    // the automatic checkpoint stays at 256 MB of WAL, counted in these pages
    expect(await pragmaNumber(db, "wal_autocheckpoint")).to.equal((256 * 1024 * 1024) / SQLITE_PAGE_SIZE);
    await db.close();
    // the file itself says so (the header's page size, bytes 16–17, big-endian; 1 stands for 65536)
    const header = Buffer.alloc(100);
    const fd = fs.openSync(file, "r");
    fs.readSync(fd, header, 0, 100, 0);
    fs.closeSync(fd);
    expect(header.readUInt16BE(16)).to.equal(SQLITE_PAGE_SIZE);
  });

  it("should open an existing store with 4 KB pages as it is: its page size kept, its rows read and written", async () => {
    const file = path.join(dir, "old.sqlite");
    const before = createSqliteDb(file);
    await migrate(before);
    await insertRows(before, "holdings", [holding(5)]);
    await before.close();
    // an earlier version's store: rebuilt with SQLite's default page size, in WAL mode, with its one row
    const raw = new Database(file);
    raw.pragma("journal_mode = DELETE");
    raw.pragma("page_size = 4096");
    raw.exec("VACUUM");
    raw.pragma("journal_mode = WAL");
    expect(raw.pragma("page_size", { simple: true })).to.equal(4096);
    raw.close();

    const db = createSqliteDb(file);
    expect(await migrate(db)).to.deep.equal([]);
    await insertRows(db, "holdings", [holding(6)]);
    expect(await pragmaNumber(db, "page_size")).to.equal(4096);
    expect(await pragmaNumber(db, "wal_autocheckpoint")).to.equal((256 * 1024 * 1024) / 4096);
    const rows = await db.all<{ block_number: number }>("SELECT block_number FROM holdings ORDER BY block_number");
    expect(rows.map((r) => r.block_number)).to.deep.equal([5, 6]);
    await db.close();
    const reader = createSqliteDb(file, { readonly: true });
    expect((await reader.get<{ n: number }>("SELECT COUNT(*) AS n FROM holdings"))!.n).to.equal(2);
    await reader.close();
  });

  it("should sort a whole table within about its page cache, spilling the rest to a file, in the writer and in a reader", async function () {
    this.timeout(60_000);
    const file = path.join(dir, "sort.sqlite");
    const db = createSqliteDb(file);
    await db.exec("PRAGMA cache_size = -4096"); // 4 MB: what a sort may keep in memory is about the page cache
    await db.exec("CREATE TABLE big (a TEXT)");
    // 500,000 rows of 200 characters: ~100 MB to sort
    await db.exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 500000) INSERT INTO big SELECT hex(randomblob(100)) FROM c");
    if (!resetPeakRss()) this.skip();
    const before = peakRssMB();
    await db.exec("CREATE INDEX big_a ON big (a)"); // a first backfill's index build, a migration's index on a store with rows
    expect(peakRssMB() - before).to.be.below(40);
    await db.close();

    const reader = createSqliteDb(file, { readonly: true });
    await reader.exec("PRAGMA cache_size = -4096");
    resetPeakRss();
    const beforeRead = peakRssMB();
    // grouped by a key no index holds: a sort of every row
    const groups = await reader.get<{ n: number }>("SELECT COUNT(*) AS n FROM (SELECT substr(a, 2) AS k FROM big GROUP BY k)");
    expect(groups!.n).to.be.within(499_990, 500_000);
    expect(peakRssMB() - beforeRead).to.be.below(40);
    await reader.close();
  });
});
