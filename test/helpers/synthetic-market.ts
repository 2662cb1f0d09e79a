/**
 * A synthetic market in the store's own row shapes (the columns each table's writer inserts, store/schema.ts), for
 * the query-plan test and the API benchmark: exchanges, merchants, recognitions, assets with lineage, holdings,
 * licences, trades (one "hot" asset with a large share of them), pledges, freezes and evidence batches with items.
 * Deterministic: the same options give the same rows, so a test can name what it expects.
 *
 * Evidence items here carry leaf hashes and proofs of the right shape but are not a real Merkle tree (the plan test
 * only reads them); the benchmark fills evidence with bench/api/populate.ts, which builds real trees. Asset ids are
 * `0x` + sha256("asset:<n>"), as populate.ts names the assets its items reference, so those items land in these
 * assets' provenance.
 */
import { createHash } from "node:crypto";
import { writtenColumns, type SqlValue } from "../../service/src/store";
import type { EventTableName } from "../../service/src/store/schema";

/** Chain of every row. */
export const SYNTHETIC_CHAIN = 31337;
/** 2026-01-01T00:00:00Z. */
const BASE_TIME = 1_767_225_600;
const C = {
  participants: "0x5fbdb2315678afecb367f032d93f642f64180aa1",
  registry: "0x5fbdb2315678afecb367f032d93f642f64180aa2",
  trades: "0x5fbdb2315678afecb367f032d93f642f64180aa4",
  pledges: "0x5fbdb2315678afecb367f032d93f642f64180aa5",
  evidence: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
};
const REGULATOR = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const RIGHTS = ["holding", "processing", "operating", "product-use"] as const;
const KINDS = ["resource", "product", "compute", "model"] as const;
const SOURCES = ["public", "enterprise", "personal"] as const;
const LEVELS = ["general", "important"] as const;

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
const hex32 = (s: string): string => `0x${sha(s)}`;
const address = (s: string): string => `0x${sha(s).slice(0, 40)}`;

/** Asset `n`'s id (= content digest). */
export const syntheticAssetId = (n: number): string => hex32(`asset:${n}`);
/** Exchange `n`'s address. */
export const syntheticExchange = (n: number): string => address(`exchange:${n}`);
/** Merchant `n`'s address. */
export const syntheticMerchant = (n: number): string => address(`merchant:${n}`);
/** Trade `n`'s id. */
export const syntheticTradeId = (n: number): string => hex32(`trade:${n}`);
/** Evidence item `n`'s digest. */
export const syntheticItemDigest = (n: number): string => hex32(`item:${n}`);
/** Evidence batch `n`'s root. */
export const syntheticBatchRoot = (n: number): string => hex32(`batch:${n}`);

/** Sizes of the market. */
export interface MarketOptions {
  trades: number;
  /** Evidence items (in batches of `batchSize`); 0 for none. */
  items: number;
  batchSize?: number;
  /** Assets (default trades / 10, at least 20). */
  assets?: number;
  merchants?: number;
  exchanges?: number;
  /** Share of the trades on asset 0 (the "hot" asset), default 0.1, at most `hotCap` trades. */
  hotShare?: number;
  hotCap?: number;
  /** Rows per chunk handed to the writer. */
  chunk?: number;
}

/** Rows of one table in writer column order. */
export interface RowChunk {
  table: EventTableName;
  columns: readonly string[];
  values: SqlValue[][];
}

/** Resolved sizes. */
export interface MarketShape {
  trades: number;
  items: number;
  batches: number;
  assets: number;
  merchants: number;
  exchanges: number;
  hotTrades: number;
}

/** The sizes {@link marketRows} will produce for `o`. */
export function marketShape(o: MarketOptions): MarketShape {
  const batchSize = o.batchSize ?? 1000;
  const hot = Math.min(Math.floor(o.trades * (o.hotShare ?? 0.1)), o.hotCap ?? 100_000);
  return {
    trades: o.trades,
    items: o.items,
    batches: Math.ceil(o.items / batchSize),
    assets: o.assets ?? Math.max(20, Math.floor(o.trades / 10)),
    merchants: o.merchants ?? 200,
    exchanges: o.exchanges ?? 4,
    hotTrades: hot,
  };
}

/**
 * The market's rows, chunk by chunk, in chain order within each table (blocks increase). Event positions: each event
 * has its own (block, log index); ten logs a block.
 */
export function* marketRows(o: MarketOptions): Generator<RowChunk> {
  const shape = marketShape(o);
  const chunk = o.chunk ?? 5000;
  const batchSize = o.batchSize ?? 1000;
  let seq = 0;
  const ev = (contract: string): SqlValue[] => {
    const block = 1 + Math.floor(seq / 10);
    const row = [SYNTHETIC_CHAIN, contract, block, seq % 10, hex32(`tx:${block}`), BASE_TIME + block * 2];
    seq++;
    return row;
  };
  const buffers = new Map<EventTableName, SqlValue[][]>();
  function* flush(table: EventTableName, force = false): Generator<RowChunk> {
    const b = buffers.get(table);
    if (!b || b.length === 0 || (!force && b.length < chunk)) return;
    buffers.set(table, []);
    yield { table, columns: columnsOf(table), values: b };
  }
  function* add(table: EventTableName, row: SqlValue[]): Generator<RowChunk> {
    let b = buffers.get(table);
    if (!b) buffers.set(table, (b = []));
    b.push(row);
    yield* flush(table);
  }

  const exchanges = Array.from({ length: shape.exchanges }, (_, i) => syntheticExchange(i));
  for (let i = 0; i < shape.exchanges; i++) {
    yield* add("exchanges", [...ev(C.participants), exchanges[i], `EX${i}`, `Exchange ${i}`, REGULATOR]);
  }
  for (let i = 0; i < shape.exchanges; i++) {
    for (let j = 0; j < shape.exchanges; j++) {
      if (i !== j) yield* add("recognitions", [...ev(C.participants), exchanges[i], exchanges[j], "exchange", 1]);
    }
  }
  if (shape.exchanges > 1) yield* add("exchange_status_changes", [...ev(C.participants), exchanges[shape.exchanges - 1], "suspended", REGULATOR, "audit"]);
  const merchants = Array.from({ length: shape.merchants }, (_, i) => syntheticMerchant(i));
  for (let i = 0; i < shape.merchants; i++) {
    yield* add("merchants", [...ev(C.participants), merchants[i], exchanges[i % shape.exchanges], "data-resource", hex32(`credential:${i}`)]);
  }
  yield* add("merchant_status_changes", [...ev(C.participants), merchants[1], "suspended", REGULATOR, 1, "complaint"]);

  const holderOf: string[] = [];
  for (let a = 0; a < shape.assets; a++) {
    const id = syntheticAssetId(a);
    const holder = merchants[a % shape.merchants];
    const x = a % shape.exchanges;
    const e = ev(C.registry);
    const parents = a >= 10 && a % 7 === 0 ? [a - 1, a - 2] : [];
    const number = `EX${x}-2026-${KINDS[a % 4].slice(0, 2).toUpperCase()}-${String(a).padStart(8, "0")}-X`;
    yield* add("assets", [...e, id, holder, exchanges[x], `EX${x}`, a, KINDS[a % 4], SOURCES[a % 3], LEVELS[a % 2], hex32(`meta:${a}`), `bafy${sha(`cid:${a}`).slice(0, 52)}`, null, number, parents.length]);
    for (const [p, parent] of parents.entries()) yield* add("asset_parents", [...e, id, syntheticAssetId(parent), p]);
    yield* add("holdings", [...e, id, `0x${"0".repeat(40)}`, holder, null, "mint"]);
    holderOf.push(holder);
  }

  for (let t = 0; t < shape.trades; t++) {
    const a = t < shape.hotTrades ? 0 : 1 + (t % (shape.assets - 1));
    const asset = syntheticAssetId(a);
    const right = RIGHTS[t % 4];
    const seller = right === "holding" ? holderOf[a] : holderOf[a];
    const buyer = merchants[(t * 7 + 3) % shape.merchants];
    const x = t % shape.exchanges;
    const id = syntheticTradeId(t);
    const licence = right === "holding" ? null : hex32(`licence:${t}`);
    const confidential = t % 5 === 0 ? 1 : 0;
    const e = ev(C.trades);
    yield* add("trades", [
      ...e, id, asset, exchanges[x], seller, buyer, right, licence,
      confidential ? null : String(1000 + (t % 997) * 10), confidential ? null : "CNY", confidential ? hex32(`price:${t}`) : null,
      confidential, hex32(`contract:${t}`), t % 3 === 0 ? "off-exchange" : "on-exchange", t % 50 === 49 ? syntheticTradeId(t - 1) : null,
    ]);
    if (right === "holding") {
      yield* add("holdings", [...ev(C.registry), asset, seller, buyer, id, "trade"]);
      holderOf[a] = buyer;
    } else {
      const start = BASE_TIME + (t % 100) * 86400;
      yield* add("licences", [...ev(C.registry), licence, asset, buyer, seller, right, hex32(`scope:${t}`), start, start + 365 * 86400, 0, 0, 1, id]);
      if (t % 40 === 1) yield* add("licence_revocations", [...ev(C.registry), licence, asset, seller, 0, start + 100 * 86400, "terms breached"]);
    }
    if (t % 1000 === 7) {
      const pledge = hex32(`pledge:${t}`);
      yield* add("pledges", [...ev(C.pledges), pledge, asset, merchants[(t + 11) % shape.merchants], holderOf[a], "500000", "CNY", BASE_TIME, BASE_TIME + 365 * 86400, hex32(`agreement:${t}`)]);
      yield* add("pledge_locks", [...ev(C.registry), asset, 1, pledge]);
    }
    if (t % 5000 === 13) yield* add("freezes", [...ev(C.registry), asset, 1, REGULATOR, "investigation"]);
  }

  for (let b = 0; b < shape.batches; b++) {
    const root = syntheticBatchRoot(b);
    const n = Math.min(batchSize, shape.items - b * batchSize);
    const e = ev(C.evidence);
    yield* add("evidence_batches", [...e, root, exchanges[b % shape.exchanges], b % 10 === 0 ? syntheticAssetId(b % shape.assets) : null, n, `bafk${sha(`manifest:${b}`).slice(0, 52)}`, "valid"]);
    const depth = Math.max(1, Math.ceil(Math.log2(Math.max(2, n))));
    for (let k = 0; k < n; k++) {
      const i = b * batchSize + k;
      const proof = `0x${Array.from({ length: depth }, (_, d) => sha(`node:${b}:${k >> d}`)).join("")}`;
      yield* add("evidence_items", [...e, root, k, 2 * n - 2 - k, syntheticItemDigest(i), i % 10 === 3 ? syntheticAssetId(i % 16) : `0x${"0".repeat(64)}`, `records/${i}.json`, hex32(`leaf:${i}`), proof]);
    }
  }
  for (const table of [...buffers.keys()]) yield* flush(table, true);
}

/** Writer columns of a table, plus the manifest status for batches (the synthetic batches are already checked). */
function columnsOf(table: EventTableName): readonly string[] {
  const cols = writtenColumns(table);
  if (table === "evidence_batches") return [...cols, "manifest_status"];
  if (table === "evidence_items") return cols.includes("proof") ? cols : [...cols, "proof"];
  return cols;
}
