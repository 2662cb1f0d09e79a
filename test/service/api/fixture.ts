/**
 * Realistic indexed rows for the API tests, written through the store's own insert path, and the backends the
 * same suite runs against (SQLite in memory, PostgreSQL in a per-run schema).
 */
import { Wallet, keccak256, toUtf8Bytes } from "ethers";
import { buildEvidenceTree, formatAssetId, formatRegistrationNumber, licenceIdOf, sha256Hex, tradeIdOf } from "../../../service/src/digest";
import type { IndexerStatus } from "../../../service/src/api";
import { createPostgresDb, createSqliteDb, dropPostgresSchema, insertRows, migrate, rebuildDerived, type Db, type SqlValue } from "../../../service/src/store";

export const CHAIN = 31337;
/** 2026-01-01T00:00:00Z. */
export const BASE_TIME = 1767225600;
/** Five days per block, so the rows span several months. */
export const timeOf = (block: number): number => BASE_TIME + block * 5 * 86400;
export const INDEXED_BLOCK = 40;
export const HEAD = 42;
export const CONFIRMATIONS = 2; // final: block <= 40

const wallet = (label: string): Wallet => new Wallet(keccak256(toUtf8Bytes(`shuquan-api-test:${label}`)));
const addr = (w: Wallet): string => w.address.toLowerCase();
const contract = (n: number): string => `0x${n.toString(16).padStart(40, "0")}`;

export const C = {
  participants: contract(0x1001),
  registry: contract(0x1002),
  trades: contract(0x1003),
  pledges: contract(0x1004),
  evidence: contract(0x1005),
};
export const W = {
  regulator: wallet("regulator"),
  exA: wallet("exchange-a"),
  exB: wallet("exchange-b"),
  m1: wallet("m1"),
  m2: wallet("m2"),
  m3: wallet("m3"),
  m4: wallet("m4"),
  m5: wallet("m5"),
};
export const A = Object.fromEntries(Object.entries(W).map(([k, w]) => [k, addr(w)])) as Record<keyof typeof W, string>;

const digest = (label: string): string => sha256Hex(label);
export const ASSET1 = formatAssetId(BigInt(digest("asset-1: city traffic dataset")));
export const ASSET2 = formatAssetId(BigInt(digest("asset-2: congestion index product")));
export const ASSET3 = formatAssetId(BigInt(digest("asset-3: route model")));
const tradeHex = (exchange: string, serial: number): string => formatAssetId(tradeIdOf(exchange, serial));
export const T1 = tradeHex(A.exA, 1);
export const T2 = tradeHex(A.exB, 1);
export const T3 = tradeHex(A.exB, 2);
export const T4 = tradeHex(A.exA, 2);
export const T5 = tradeHex(A.exA, 3);
export const P0 = formatAssetId(1n);
export const P1 = formatAssetId(2n);
export const L1 = licenceIdOf(ASSET1, A.m2, "processing");
export const L2 = licenceIdOf(ASSET2, A.m2, "operating");
export const L3 = licenceIdOf(ASSET2, A.m4, "processing");
export const L4 = licenceIdOf(ASSET3, A.m3, "processing");
export const L5 = licenceIdOf(ASSET1, A.m1, "processing");
export const ITEMS = [
  { digest: digest("delivery receipt 1"), assetId: ASSET1, label: "receipts/1.json" },
  { digest: digest("processing log 7"), assetId: `0x${"0".repeat(64)}`, label: "logs/7.txt" },
  { digest: digest("audit record 3"), assetId: ASSET2, label: "audit/3.json" },
];
export const EVIDENCE_TREE = buildEvidenceTree(ITEMS);
export const BATCH_ROOT = EVIDENCE_TREE.root;
export const BAD_ROOT = keccak256(toUtf8Bytes("a batch whose manifest does not rebuild its root"));
export const L1_END = timeOf(7) + 20 * 86400;
export const L2_REVOKED_AT = timeOf(12);

/** Indexer status matching the fixture. */
export function fixtureStatus(overrides: Partial<IndexerStatus["chains"][number]> = {}): IndexerStatus {
  return {
    chains: [
      {
        chainId: CHAIN, indexedBlock: INDEXED_BLOCK, indexedBlockTime: timeOf(INDEXED_BLOCK), chainHead: HEAD,
        confirmations: CONFIRMATIONS, finalizedBlock: HEAD - CONFIRMATIONS, lastProgressAt: Date.now(), eventsPerSecond: 12.5,
        ...overrides,
      },
    ],
  };
}

/** Writes the scenario's rows. */
export async function writeFixture(db: Db): Promise<void> {
  const logIndex = new Map<number, number>();
  const batches = new Map<string, Record<string, SqlValue>[]>();
  const row = (table: string, block: number, contractAddr: string, values: Record<string, SqlValue>, sameLog = false): void => {
    const li = sameLog ? (logIndex.get(block) ?? 1) - 1 : (logIndex.get(block) ?? 0);
    if (!sameLog) logIndex.set(block, li + 1);
    const list = batches.get(table) ?? [];
    list.push({
      chain_id: CHAIN, contract: contractAddr, block_number: block, log_index: li,
      tx_hash: keccak256(toUtf8Bytes(`tx:${block}:${li}`)), block_time: timeOf(block), ...values,
    });
    batches.set(table, list);
  };
  const P = C.participants, R = C.registry;
  row("exchanges", 1, P, { exchange: A.exA, code: "SHDE", name: "Shanghai Data Exchange", regulator: A.regulator });
  row("exchanges", 1, P, { exchange: A.exB, code: "GZDE", name: "Guangzhou Data Exchange", regulator: A.regulator });
  for (const [m, home, cat] of [[A.m1, A.exA, "data_resource"], [A.m4, A.exA, "technology"], [A.m2, A.exB, "data_resource"], [A.m3, A.exB, "third_party_service"]] as const)
    row("merchants", 2, P, { merchant: m, home_exchange: home, category: cat, credential_digest: digest(`credential ${m}`) });
  row("recognitions", 3, P, { recogniser: A.exB, subject: A.exA, subject_kind: "exchange", active: 1 });
  row("recognitions", 3, P, { recogniser: A.exA, subject: A.m2, subject_kind: "merchant", active: 1 });
  row("recognitions", 3, P, { recogniser: A.exA, subject: A.m3, subject_kind: "merchant", active: 1 });
  row("recognitions", 4, P, { recogniser: A.exA, subject: A.m3, subject_kind: "merchant", active: 0 });

  const asset = (block: number, id: string, holder: string, exchange: string, code: string, seq: number, kind: "resource" | "product" | "model", parents: string[]): void => {
    row("assets", block, R, {
      asset_id: id, holder, exchange, exchange_code: code, sequence: seq, kind, source: "enterprise", level: "general",
      metadata_digest: digest(`metadata ${id}`), metadata_cid: `bafkrei${id.slice(2, 20)}`, consent_digest: null,
      registration_number: formatRegistrationNumber({ exchangeCode: code, registeredAt: timeOf(block), kind, source: "enterprise", sequence: seq }),
      parent_count: parents.length,
    });
    parents.forEach((p, i) => row("asset_parents", block, R, { asset_id: id, parent_id: p, position: i }, true));
    row("holdings", block, R, { asset_id: id, from_address: `0x${"0".repeat(40)}`, to_address: holder, trade_id: null, kind: "mint" });
  };
  asset(5, ASSET1, A.m1, A.exA, "SHDE", 1, "resource", []);
  asset(6, ASSET2, A.m1, A.exA, "SHDE", 2, "product", [ASSET1]);
  const licence = (block: number, id: string, assetId: string, grantee: string, grantor: string, right: string, start: number, end: number, trade: string | null): void =>
    row("licences", block, R, {
      licence_id: id, asset_id: assetId, grantee, grantor, right, scope_digest: digest(`scope ${id}`), start_time: start, end_time: end,
      exclusive: 0, sublicensable: right === "operating" ? 1 : 0, revocable: 1, trade_id: trade,
    });
  licence(7, L1, ASSET1, A.m2, A.m1, "processing", timeOf(7), L1_END, null);
  asset(8, ASSET3, A.m2, A.exB, "GZDE", 1, "model", [ASSET2, ASSET1]);
  licence(9, L2, ASSET2, A.m2, A.m1, "operating", timeOf(9), timeOf(9) + 365 * 86400, null);

  const trade = (block: number, id: string, assetId: string, exchange: string, seller: string, buyer: string, right: string, price: string | null, currency: string | null, venue: string, linked: string | null, licenceId: string | null): void =>
    row("trades", block, C.trades, {
      trade_id: id, asset_id: assetId, exchange, seller, buyer, right, licence_id: licenceId, price, currency,
      price_commitment: price === null ? keccak256(toUtf8Bytes(`commitment ${id}`)) : null, confidential: price === null ? 1 : 0,
      contract_digest: digest(`contract ${id}`), venue, linked_trade_id: linked,
    });
  row("holdings", 10, R, { asset_id: ASSET1, from_address: A.m1, to_address: A.m2, trade_id: T1, kind: "trade" });
  trade(10, T1, ASSET1, A.exA, A.m1, A.m2, "holding", "100000", "CNY", "on_exchange", null, null);
  licence(11, L3, ASSET2, A.m4, A.m1, "processing", timeOf(11), timeOf(11) + 90 * 86400, T2);
  trade(11, T2, ASSET2, A.exB, A.m1, A.m4, "processing", "250000", "CNY", "off_exchange", T1, L3);
  row("licence_revocations", 12, R, { licence_id: L2, asset_id: ASSET2, by_account: A.m1, by_regulator: 0, revoked_at: L2_REVOKED_AT, reason: "breach of scope" });
  licence(13, L4, ASSET3, A.m3, A.m2, "processing", timeOf(13), timeOf(13) + 30 * 86400, T3);
  trade(13, T3, ASSET3, A.exB, A.m2, A.m3, "processing", null, null, "on_exchange", null, L4);
  row("holdings", 14, R, { asset_id: ASSET2, from_address: A.m1, to_address: A.m4, trade_id: T4, kind: "trade" });
  trade(14, T4, ASSET2, A.exA, A.m1, A.m4, "holding", "5000", "USD", "on_exchange", null, null);
  row("freezes", 15, R, { asset_id: ASSET3, frozen: 1, regulator: A.regulator, reason: "under investigation" });

  const pledge = (block: number, id: string, assetId: string, lender: string, holder: string, amount: string): void => {
    row("pledges", block, C.pledges, {
      pledge_id: id, asset_id: assetId, lender, holder, amount, currency: "CNY", start_time: timeOf(block),
      end_time: timeOf(block) + 365 * 86400, agreement_digest: digest(`agreement ${id}`),
    });
    row("pledge_locks", block, R, { asset_id: assetId, pledged: 1, pledge_id: id });
  };
  pledge(16, P0, ASSET1, A.m3, A.m2, "1000000");
  row("pledge_status_changes", 17, C.pledges, { pledge_id: P0, asset_id: ASSET1, status: "released", by_account: A.m3, reason: "" });
  row("pledge_locks", 17, R, { asset_id: ASSET1, pledged: 0, pledge_id: P0 });
  pledge(18, P1, ASSET2, A.m3, A.m4, "2000000");
  row("merchants", 19, P, { merchant: A.m5, home_exchange: A.exA, category: "technology", credential_digest: digest("credential m5") });
  row("merchant_status_changes", 20, P, { merchant: A.m5, status: "suspended", by_account: A.regulator, by_regulator: 1, reason: "licence withdrawn" });

  row("evidence_batches", 21, C.evidence, {
    root: BATCH_ROOT, exchange: A.exA, asset_id: null, leaf_count: ITEMS.length, manifest_cid: "bafkreimanifestvalid",
    manifest_status: "valid", manifest_error: null, manifest_attempts: 1, manifest_checked_at: timeOf(21),
  });
  const dump = EVIDENCE_TREE.dump();
  ITEMS.forEach((it, i) =>
    row("evidence_items", 21, C.evidence, {
      batch_root: BATCH_ROOT, leaf_index: i, tree_index: dump.values[i]!.treeIndex, item_digest: it.digest, asset_id: it.assetId,
      label: it.label, leaf_hash: EVIDENCE_TREE.leafHash([it.digest, it.assetId]),
    }, true),
  );
  row("evidence_batches", 22, C.evidence, {
    root: BAD_ROOT, exchange: A.exB, asset_id: ASSET3, leaf_count: 2, manifest_cid: "bafkreimanifestbad",
    manifest_status: "mismatch", manifest_error: "items rebuild another root", manifest_attempts: 1, manifest_checked_at: timeOf(22),
  });
  licence(39, L5, ASSET1, A.m1, A.m2, "processing", timeOf(39), timeOf(39) + 30 * 86400, T5);
  trade(39, T5, ASSET1, A.exA, A.m2, A.m1, "processing", "300000", "CNY", "on_exchange", null, L5);

  for (const [table, rows] of batches) await insertRows(db, table, rows);
  await rebuildDerived(db); // rows written around the indexer's store: derive its tables once (store/derived.ts)
  await db.run(
    "INSERT INTO checkpoints (chain_id, block_number, block_hash, block_time, head_block, finalized_block, confirmations, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [CHAIN, INDEXED_BLOCK, keccak256(toUtf8Bytes("block 40")), timeOf(INDEXED_BLOCK), HEAD, HEAD - CONFIRMATIONS, CONFIRMATIONS, Date.now()],
  );
}

/** A backend the suite runs against. */
export interface Backend {
  name: "sqlite" | "postgres";
  open(): Promise<{ db: Db; close(): Promise<void> }>;
}

const PG_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** SQLite in memory, and PostgreSQL in a schema dropped afterwards (skipped with API_TEST_PG=0). */
export const BACKENDS: Backend[] = [
  {
    name: "sqlite",
    async open() {
      const db = createSqliteDb(":memory:");
      await migrate(db);
      return { db, close: () => db.close() };
    },
  },
  ...(process.env.API_TEST_PG === "0"
    ? []
    : [
        {
          name: "postgres" as const,
          async open() {
            const schema = `api_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
            const db = await createPostgresDb(PG_URL, { schema });
            await migrate(db);
            return {
              db,
              async close() {
                await db.close();
                await dropPostgresSchema(PG_URL, schema);
              },
            };
          },
        },
      ]),
];

/** A logger that keeps quiet unless a test fails with a 500. */
export const quietLogger = { info: () => undefined, warn: () => undefined, error: (o: object) => console.error("api error", o) };

/** An app over a fixture-filled backend, set up in `before` and torn down in `after`. */
export interface ApiHarness {
  app: import("express").Express;
  db: Db;
  status: IndexerStatus;
}

/** Registers before/after hooks that build the harness for `backend`; read its fields inside tests. */
export function useFixtureApi(backend: Backend, options: { status?: () => IndexerStatus } = {}): ApiHarness {
  const h = {} as ApiHarness;
  let close: (() => Promise<void>) | undefined;
  before(async function () {
    this.timeout(60_000);
    const opened = await backend.open();
    close = opened.close;
    h.db = opened.db;
    await writeFixture(h.db);
    h.status = fixtureStatus();
    const { createApi } = await import("../../../service/src/api");
    h.app = createApi({ db: h.db, indexerStatus: options.status ?? (() => h.status), logger: quietLogger });
  });
  after(async () => {
    if (close) await close();
  });
  return h;
}
