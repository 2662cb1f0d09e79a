/**
 * Maps decoded events to table rows (docs/indexer.md). Pure: no I/O. One row per log per table, keyed
 * (chain_id, block_number, log_index); values follow docs/architecture.md ("Values").
 */
import type { AbiValue, DecodedEvent, EventArgs, UnknownEvent } from "../chain/decoder";
import {
  ASSET_KIND,
  ASSET_SOURCE,
  DATA_LEVEL,
  MERCHANT_CATEGORY,
  RIGHT,
  VENUE,
  enumName,
  exchangeCodeText,
  formatRegistrationNumber,
} from "../digest";
import type { IndexedTable } from "../store/migrations";
import type { SqlValue } from "../store/db";

/** A row to insert: column → value. All rows of one table have the same columns in the same order. */
export type InsertRow = Record<string, SqlValue>;

/** Rows produced from a range of logs, by table. */
export type TableRows = Map<IndexedTable, InsertRow[]>;

const ZERO32 = "0x" + "0".repeat(64);
const ZERO_ADDRESS = "0x" + "0".repeat(40);

const s = (a: EventArgs, k: string): string => {
  const v = a[k];
  if (typeof v !== "string") throw new Error(`event arg ${k}: expected string, got ${typeof v}`);
  return v;
};
const n = (a: EventArgs, k: string): number => {
  const v = a[k];
  if (typeof v !== "number") throw new Error(`event arg ${k}: expected number, got ${typeof v}`);
  return v;
};
const b = (a: EventArgs, k: string): number => (a[k] === true ? 1 : 0);
const orNull = (v: string): string | null => (v === ZERO32 ? null : v);
/** bytesN hex of ASCII, zero-padded right → text, or null when all zero. */
const ascii = (hex: string): string | null => {
  const text = Buffer.from(hex.slice(2), "hex").toString("latin1").replace(/\0+$/, "");
  return text.length === 0 ? null : text;
};

/** Builds rows from events in log order. `blockTime(n)` gives the timestamp of block n. */
export function eventsToRows(
  chainId: number,
  events: readonly (DecodedEvent | UnknownEvent)[],
  blockTime: (blockNumber: number) => number,
): TableRows {
  const out: TableRows = new Map();
  const push = (t: IndexedTable, row: InsertRow): void => {
    let list = out.get(t);
    if (!list) out.set(t, (list = []));
    list.push(row);
  };
  // Holding moves: an ERC-721 Transfer and the registry's HoldingTransferred (same tx) make one holdings row.
  const transfers = new Map<string, InsertRow>();
  const pendingTrade = new Map<string, { tradeId: string | null; ev: DecodedEvent }>();

  for (const ev of events) {
    const m = ev.meta;
    const base: InsertRow = {
      chain_id: chainId,
      contract: m.address,
      block_number: m.blockNumber,
      log_index: m.logIndex,
      tx_hash: m.txHash,
      block_time: blockTime(m.blockNumber),
    };
    if (ev.name === null) {
      push("other_events", { ...base, topic0: ev.topics[0] ?? "", topics: JSON.stringify(ev.topics), data: ev.data });
      continue;
    }
    const a = ev.args;
    switch (ev.name) {
      case "ExchangeAccredited":
        push("exchanges", {
          ...base,
          exchange: s(a, "exchange"),
          code: ascii(s(a, "code")) ?? "",
          name: s(a, "name"),
          regulator: s(a, "regulator"),
        });
        break;
      case "ExchangeSuspended":
      case "ExchangeReinstated":
        push("exchange_status_changes", {
          ...base,
          exchange: s(a, "exchange"),
          status: ev.name === "ExchangeSuspended" ? "suspended" : "active",
          regulator: s(a, "regulator"),
          reason: s(a, "reason"),
        });
        break;
      case "MerchantOnboarded":
        push("merchants", {
          ...base,
          merchant: s(a, "merchant"),
          home_exchange: s(a, "homeExchange"),
          category: enumName(MERCHANT_CATEGORY, n(a, "category"), "category"),
          credential_digest: s(a, "credentialDigest"),
        });
        break;
      case "MerchantSuspended":
      case "MerchantReinstated":
        push("merchant_status_changes", {
          ...base,
          merchant: s(a, "merchant"),
          status: ev.name === "MerchantSuspended" ? "suspended" : "active",
          by_account: s(a, "by"),
          by_regulator: ev.name === "MerchantSuspended" ? b(a, "byRegulator") : 0,
          reason: s(a, "reason"),
        });
        break;
      case "ExchangeRecognised":
      case "ExchangeRecognitionWithdrawn":
        push("recognitions", {
          ...base,
          recogniser: s(a, "recogniser"),
          subject: s(a, "recognised"),
          subject_kind: "exchange",
          active: ev.name === "ExchangeRecognised" ? 1 : 0,
        });
        break;
      case "MerchantRecognised":
      case "MerchantRecognitionWithdrawn":
        push("recognitions", {
          ...base,
          recogniser: s(a, "recogniser"),
          subject: s(a, "merchant"),
          subject_kind: "merchant",
          active: ev.name === "MerchantRecognised" ? 1 : 0,
        });
        break;
      case "AssetRegistered": {
        const assetId = s(a, "assetId");
        const parents = a.parents as AbiValue[];
        const code = exchangeCodeText(s(a, "exchangeCode"));
        const kind = n(a, "kind");
        const source = n(a, "source");
        push("assets", {
          ...base,
          asset_id: assetId,
          holder: s(a, "holder"),
          exchange: s(a, "exchange"),
          exchange_code: code,
          sequence: n(a, "sequence"),
          kind: enumName(ASSET_KIND, kind, "kind"),
          source: enumName(ASSET_SOURCE, source, "source"),
          level: enumName(DATA_LEVEL, n(a, "level"), "level"),
          metadata_digest: s(a, "metadataDigest"),
          metadata_cid: s(a, "metadataCid"),
          consent_digest: orNull(s(a, "consentDigest")),
          registration_number: formatRegistrationNumber({
            exchangeCode: code,
            registeredAt: base.block_time as number,
            kind,
            source,
            sequence: n(a, "sequence"),
          }),
          parent_count: parents.length,
        });
        parents.forEach((p, i) => push("asset_parents", { ...base, asset_id: assetId, parent_id: p as string, position: i }));
        break;
      }
      case "AssetFrozen":
      case "AssetUnfrozen":
        push("freezes", {
          ...base,
          asset_id: s(a, "assetId"),
          frozen: ev.name === "AssetFrozen" ? 1 : 0,
          regulator: s(a, "regulator"),
          reason: s(a, "reason"),
        });
        break;
      case "Transfer": {
        const from = s(a, "from");
        const to = s(a, "to");
        const assetId = s(a, "tokenId");
        const key = `${m.txHash}:${assetId}:${from}:${to}`;
        const pend = pendingTrade.get(key);
        const row: InsertRow = {
          ...base,
          asset_id: assetId,
          from_address: from,
          to_address: to,
          trade_id: pend ? pend.tradeId : null,
          kind: pend ? "trade" : from === ZERO_ADDRESS ? "mint" : to === ZERO_ADDRESS ? "burn" : "transfer",
        };
        if (pend) pendingTrade.delete(key);
        else transfers.set(key, row);
        push("holdings", row);
        break;
      }
      case "HoldingTransferred": {
        const key = `${m.txHash}:${s(a, "assetId")}:${s(a, "from")}:${s(a, "to")}`;
        const tradeId = orNull(s(a, "tradeId"));
        const row = transfers.get(key);
        if (row) {
          row.trade_id = tradeId;
          row.kind = "trade";
          transfers.delete(key);
        } else {
          pendingTrade.set(key, { tradeId, ev });
        }
        break;
      }
      case "LicenceGranted":
        push("licences", {
          ...base,
          licence_id: s(a, "licenceId"),
          asset_id: s(a, "assetId"),
          grantee: s(a, "grantee"),
          grantor: s(a, "grantor"),
          right: enumName(RIGHT, n(a, "right"), "right"),
          scope_digest: s(a, "scopeDigest"),
          start_time: n(a, "start"),
          end_time: n(a, "end"),
          exclusive: b(a, "exclusive"),
          sublicensable: b(a, "sublicensable"),
          revocable: b(a, "revocable"),
          trade_id: orNull(s(a, "tradeId")),
        });
        break;
      case "LicenceRevoked":
        push("licence_revocations", {
          ...base,
          licence_id: s(a, "licenceId"),
          asset_id: s(a, "assetId"),
          by_account: s(a, "by"),
          by_regulator: b(a, "byRegulator"),
          revoked_at: n(a, "revokedAt"),
          reason: s(a, "reason"),
        });
        break;
      case "AssetPledgeLockChanged":
        push("pledge_locks", {
          ...base,
          asset_id: s(a, "assetId"),
          pledged: b(a, "pledged"),
          pledge_id: s(a, "pledgeId"),
        });
        break;
      case "ModulesWired":
        push("modules_wired", {
          ...base,
          trade_recorder: s(a, "tradeRecorder"),
          pledge_registry: s(a, "pledgeRegistry"),
        });
        break;
      case "TradeRecorded": {
        const commitment = orNull(s(a, "priceCommitment"));
        const currency = ascii(s(a, "currency"));
        const confidential = commitment !== null;
        push("trades", {
          ...base,
          trade_id: s(a, "tradeId"),
          asset_id: s(a, "assetId"),
          exchange: s(a, "exchange"),
          seller: s(a, "seller"),
          buyer: s(a, "buyer"),
          right: enumName(RIGHT, n(a, "right"), "right"),
          licence_id: orNull(s(a, "licenceId")),
          price: confidential ? null : s(a, "price"),
          currency: confidential ? null : currency,
          price_commitment: commitment,
          confidential: confidential ? 1 : 0,
          contract_digest: s(a, "contractDigest"),
          venue: enumName(VENUE, n(a, "venue"), "venue"),
          linked_trade_id: orNull(s(a, "linkedTradeId")),
        });
        break;
      }
      case "PledgeRegistered":
        push("pledges", {
          ...base,
          pledge_id: s(a, "pledgeId"),
          asset_id: s(a, "assetId"),
          lender: s(a, "lender"),
          holder: s(a, "holder"),
          amount: s(a, "amount"),
          currency: ascii(s(a, "currency")) ?? "",
          start_time: n(a, "start"),
          end_time: n(a, "end"),
          agreement_digest: s(a, "agreementDigest"),
        });
        break;
      case "PledgeReleased":
      case "PledgeLifted":
        push("pledge_status_changes", {
          ...base,
          pledge_id: s(a, "pledgeId"),
          asset_id: s(a, "assetId"),
          status: ev.name === "PledgeReleased" ? "released" : "lifted",
          by_account: s(a, ev.name === "PledgeReleased" ? "lender" : "regulator"),
          reason: ev.name === "PledgeLifted" ? s(a, "reason") : "",
        });
        break;
      case "EvidenceAnchored":
        push("evidence_batches", {
          ...base,
          root: s(a, "root"),
          exchange: s(a, "exchange"),
          asset_id: orNull(s(a, "assetId")),
          leaf_count: n(a, "leafCount"),
          manifest_cid: s(a, "manifestCid"),
        });
        break;
    }
  }
  // A HoldingTransferred without its Transfer (not expected from our registry): keep it as its own holdings row.
  for (const { tradeId, ev } of pendingTrade.values()) {
    const m = ev.meta;
    push("holdings", {
      chain_id: chainId,
      contract: m.address,
      block_number: m.blockNumber,
      log_index: m.logIndex,
      tx_hash: m.txHash,
      block_time: blockTime(m.blockNumber),
      asset_id: s(ev.args, "assetId"),
      from_address: s(ev.args, "from"),
      to_address: s(ev.args, "to"),
      trade_id: tradeId,
      kind: "trade",
    });
  }
  return out;
}
