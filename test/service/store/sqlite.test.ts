import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { createSqliteDb, insertRows, migrate } from "../../../service/src/store";
import { SQLITE_PAGE_SIZE } from "../../../service/src/store/sqlite";

const H = (n: number): string => "0x" + n.toString(16).padStart(64, "0");
const A = (n: number): string => "0x" + n.toString(16).padStart(40, "0");

const holding = (block: number) => ({
  chain_id: 31337,
  contract: A(1),
  block_number: block,
  log_index: 0,
  tx_hash: H(block),
  block_time: 1000 + block,
  asset_id: H(7),
  from_address: A(2),
  to_address: A(3),
  kind: "holding",
});

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
    expect((await db.get<{ page_size: number }>("PRAGMA page_size"))!.page_size).to.equal(SQLITE_PAGE_SIZE);
    expect((await db.get<{ journal_mode: string }>("PRAGMA journal_mode"))!.journal_mode).to.equal("wal");
    // the automatic checkpoint stays at 256 MB of WAL, counted in these pages
    expect((await db.get<{ wal_autocheckpoint: number }>("PRAGMA wal_autocheckpoint"))!.wal_autocheckpoint).to.equal((256 * 1024 * 1024) / SQLITE_PAGE_SIZE);
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
    await before.close();
    // an earlier version's store: rebuilt with SQLite's default page size, in WAL mode, one row in it
    const raw = new Database(file);
    raw.pragma("journal_mode = DELETE");
    raw.pragma("page_size = 4096");
    raw.exec("VACUUM");
    raw.pragma("journal_mode = WAL");
    expect(raw.pragma("page_size", { simple: true })).to.equal(4096);
    raw.close();
    const legacy = createSqliteDb(file);
    await insertRows(legacy, "holdings", [holding(5)]);
    expect((await legacy.get<{ page_size: number }>("PRAGMA page_size"))!.page_size).to.equal(4096);
    await legacy.close();

    const db = createSqliteDb(file);
    expect(await migrate(db)).to.deep.equal([]);
    await insertRows(db, "holdings", [holding(6)]);
    expect((await db.get<{ page_size: number }>("PRAGMA page_size"))!.page_size).to.equal(4096);
    expect((await db.get<{ wal_autocheckpoint: number }>("PRAGMA wal_autocheckpoint"))!.wal_autocheckpoint).to.equal((256 * 1024 * 1024) / 4096);
    const rows = await db.all<{ block_number: number }>("SELECT block_number FROM holdings ORDER BY block_number");
    expect(rows.map((r) => r.block_number)).to.deep.equal([5, 6]);
    await db.close();
    const reader = createSqliteDb(file, { readonly: true });
    expect((await reader.get<{ n: number }>("SELECT COUNT(*) AS n FROM holdings"))!.n).to.equal(2);
    await reader.close();
  });
});
