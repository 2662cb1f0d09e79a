/**
 * The web benchmark's data set, written straight into a store through the indexer's insert path: an asset with 200
 * other assets within 5 lineage levels (98 ancestors, 102 descendants) and 1,000 trades (every tenth off-exchange,
 * confidential and linked to the one before).
 */
import { keccak256, toUtf8Bytes } from "ethers";
import { formatAssetId, formatRegistrationNumber, sha256Hex, tradeIdOf } from "../../service/src/digest";
import { insertRows, rebuildDerived, type Db, type SqlValue } from "../../service/src/store";

export const CHAIN = 31337;
export const T0 = 1767225600; // 2026-01-01
const EX_A = "0x96553b790c5ee9d21f2fbcb46d5347b90927d4a9";
const EX_B = "0xd3f4526d35c6c4b69303624055c1522118cb2ece";
const addr = (n: number): string => `0x${(0x1000 + n).toString(16).padStart(40, "0")}`;

/** Writes the data set; returns the asset whose page is measured and the lineage size. */
export async function populate(db: Db): Promise<{ target: string; nodes: number; trades: number }> {
  const rows = new Map<string, Record<string, SqlValue>[]>();
  let block = 1;
  let log = 0;
  const row = (table: string, values: Record<string, SqlValue>, newBlock = true): void => {
    if (newBlock) (block++, (log = 0));
    else log++;
    const list = rows.get(table) ?? [];
    list.push({ chain_id: CHAIN, contract: "0x0000000000000000000000000000000000001002", block_number: block, log_index: log, tx_hash: keccak256(toUtf8Bytes(`tx ${block} ${log}`)), block_time: T0 + block * 600, ...values });
    rows.set(table, list);
  };
  row("exchanges", { exchange: EX_A, code: "SHDE", name: "Shanghai Data Exchange", regulator: addr(0) });
  row("exchanges", { exchange: EX_B, code: "GZDE", name: "Guiyang Global Big Data Exchange", regulator: addr(0) });
  let seq = 0;
  const asset = (label: string, holder: string, parents: string[]): string => {
    const id = formatAssetId(BigInt(sha256Hex(label)));
    seq++;
    const kind = parents.length ? "product" : "resource";
    row("assets", {
      asset_id: id, holder, exchange: EX_A, exchange_code: "SHDE", sequence: seq, kind, source: "enterprise", level: "general",
      metadata_digest: sha256Hex(`meta ${label}`), metadata_cid: "bafkreibench", consent_digest: null,
      registration_number: formatRegistrationNumber({ exchangeCode: "SHDE", registeredAt: T0 + (block + 1) * 600, kind, source: "enterprise", sequence: seq }),
      parent_count: parents.length,
    });
    parents.forEach((p, i) => row("asset_parents", { asset_id: id, parent_id: p, position: i }, false));
    row("holdings", { asset_id: id, from_address: `0x${"0".repeat(40)}`, to_address: holder, trade_id: null, kind: "mint" }, false);
    return id;
  };
  const holder = addr(1);
  // ancestors: 5 levels (22 at each of levels 5..2, 10 at level 1), each with 2 parents one level up
  let level: string[] = Array.from({ length: 22 }, (_, i) => asset(`up5-${i}`, holder, []));
  for (let k = 4; k >= 1; k--) {
    const n = k === 1 ? 10 : 22;
    const prev = level;
    // every asset one level up is a parent of some asset here, so all of them are within the page's 5 levels
    level = Array.from({ length: n }, (_, i) => {
      const parents = prev.filter((_p, j) => j % n === i);
      const extra = prev[(i + 7) % prev.length]!;
      return asset(`up${k}-${i}`, holder, parents.includes(extra) ? parents : [...parents, extra]);
    });
  }
  const target = asset("the measured asset", holder, level);
  // descendants: 10 at level 1, then 23 at each of levels 2..5, each made from 1-2 assets one level down
  let down = [target];
  for (let k = 1; k <= 5; k++) {
    const n = k === 1 ? 10 : 23;
    const prev = down;
    down = Array.from({ length: n }, (_, i) => asset(`down${k}-${i}`, holder, k === 1 ? [target] : [prev[i % prev.length]!, prev[(i + 3) % prev.length]!].filter((v, j, a) => a.indexOf(v) === j)));
  }
  // 1,000 trades of the measured asset: processing licences to many buyers, every tenth off-exchange and confidential, linked
  for (let i = 1; i <= 1000; i++) {
    const ex = i % 10 === 0 ? EX_B : EX_A;
    const id = formatAssetId(tradeIdOf(ex, i));
    const confidential = i % 10 === 0;
    row("trades", {
      trade_id: id, asset_id: target, exchange: ex, seller: holder, buyer: addr(100 + (i % 300)), right: "processing", licence_id: null,
      price: confidential ? null : String(10_000 + i * 37), currency: confidential ? null : "CNY",
      price_commitment: confidential ? sha256Hex(`price ${i}`) : null, confidential: confidential ? 1 : 0,
      contract_digest: sha256Hex(`contract ${i}`), venue: confidential ? "off_exchange" : "on_exchange",
      linked_trade_id: confidential ? formatAssetId(tradeIdOf(EX_A, i - 1)) : null,
    });
  }
  for (const [table, list] of rows) await insertRows(db, table, list);
  await rebuildDerived(db);
  await db.run(
    "INSERT INTO checkpoints (chain_id, block_number, block_hash, block_time, head_block, finalized_block, confirmations, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [CHAIN, block, keccak256(toUtf8Bytes("head")), T0 + block * 600, block, block, 0, Date.now()],
  );
  return { target, nodes: 0, trades: 1000 };
}

