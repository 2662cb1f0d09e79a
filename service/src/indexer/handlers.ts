/**
 * Maps decoded events to table rows (docs/indexer.md). Pure: no I/O. One row per log per table, keyed
 * (chain_id, block_number, log_index); values follow docs/architecture.md ("Values"). Rows are positional arrays
 * in the order of {@link TABLE_COLUMNS} (no per-row objects: this is the hot path of a backfill).
 */
import type { AbiValue, DecodedEvent, EventArgs, UnknownEvent } from "../chain/decoder";
import {
  ASSET_KIND,
  ASSET_SOURCE,
  DATA_LEVEL,
  MERCHANT_CATEGORY,
  RIGHT,
  VENUE,
  exchangeCodeText,
  formatRegistrationNumber,
} from "../digest";
import { EVENT_COLUMNS, type IndexedTable } from "../store/schema";
import type { SqlValue } from "../store/db";
import type { RowSet } from "../store/index-store";

const E = EVENT_COLUMNS;

/** Columns written by the indexer, per table (after the common event columns). */
export const TABLE_COLUMNS = {
  exchanges: [...E, "exchange", "code", "name", "regulator"],
  exchange_status_changes: [...E, "exchange", "status", "regulator", "reason"],
  merchants: [...E, "merchant", "home_exchange", "category", "credential_digest"],
  merchant_status_changes: [...E, "merchant", "status", "by_account", "by_regulator", "reason"],
  recognitions: [...E, "recogniser", "subject", "subject_kind", "active"],
  assets: [...E, "asset_id", "holder", "exchange", "exchange_code", "sequence", "kind", "source", "level", "metadata_digest", "metadata_cid", "consent_digest", "registration_number", "parent_count"],
  asset_parents: [...E, "asset_id", "parent_id", "position"],
  holdings: [...E, "asset_id", "from_address", "to_address", "trade_id", "kind"],
  freezes: [...E, "asset_id", "frozen", "regulator", "reason"],
  pledge_locks: [...E, "asset_id", "pledged", "pledge_id"],
  licences: [...E, "licence_id", "asset_id", "grantee", "grantor", "right", "scope_digest", "start_time", "end_time", "exclusive", "sublicensable", "revocable", "trade_id"],
  licence_revocations: [...E, "licence_id", "asset_id", "by_account", "by_regulator", "revoked_at", "reason"],
  trades: [...E, "trade_id", "asset_id", "exchange", "seller", "buyer", "right", "licence_id", "price", "currency", "price_commitment", "confidential", "contract_digest", "venue", "linked_trade_id"],
  pledges: [...E, "pledge_id", "asset_id", "lender", "holder", "amount", "currency", "start_time", "end_time", "agreement_digest"],
  pledge_status_changes: [...E, "pledge_id", "asset_id", "status", "by_account", "reason"],
  evidence_batches: [...E, "root", "exchange", "asset_id", "leaf_count", "manifest_cid"],
  modules_wired: [...E, "trade_recorder", "pledge_registry"],
  other_events: [...E, "topic0", "topics", "data"],
} as const satisfies Partial<Record<IndexedTable, readonly string[]>>;

/** A table the handlers write. */
export type HandledTable = keyof typeof TABLE_COLUMNS;

/** Rows produced from a range of logs, by table. */
export type TableRows = Map<IndexedTable, RowSet>;

const ZERO32 = "0x" + "0".repeat(64);
const ZERO_ADDRESS = "0x" + "0".repeat(40);
const HOLDING_TRADE_ID = 6 + 3; // index of trade_id in a holdings row
const HOLDING_KIND = 6 + 4;

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
const name = <T extends readonly string[]>(names: T, v: number, what: string): T[number] => {
  const x = names[v];
  if (x === undefined) throw new Error(`invalid ${what} value ${v}`);
  return x;
};
/** bytesN hex of ASCII, zero-padded right → text, or null when all zero. */
const ascii = (hex: string): string | null => {
  let out = "";
  for (let i = 2; i < hex.length; i += 2) {
    const c = parseInt(hex.slice(i, i + 2), 16);
    if (c === 0) break;
    out += String.fromCharCode(c);
  }
  return out.length === 0 ? null : out;
};

/** Builds rows from events in log order. `blockTime(n)` gives the timestamp of block n. */
export function eventsToRows(
  chainId: number,
  events: readonly (DecodedEvent | UnknownEvent)[],
  blockTime: (blockNumber: number) => number,
): TableRows {
  const sets = new Map<IndexedTable, SqlValue[][]>();
  const push = (t: HandledTable, row: SqlValue[]): void => {
    let list = sets.get(t);
    if (!list) sets.set(t, (list = []));
    list.push(row);
  };
  // Holding moves: an ERC-721 Transfer and the registry's HoldingTransferred (same tx) make one holdings row.
  const transfers = new Map<string, SqlValue[]>();
  const pendingTrade = new Map<string, { tradeId: string | null; ev: DecodedEvent }>();
  const codes = new Map<string, string>();

  for (const ev of events) {
    const m = ev.meta;
    const time = blockTime(m.blockNumber);
    // the common event columns, then the table's own
    const row = (...rest: SqlValue[]): SqlValue[] => [chainId, m.address, m.blockNumber, m.logIndex, m.txHash, time, ...rest];
    if (ev.name === null) {
      push("other_events", row(ev.topics[0] ?? "", JSON.stringify(ev.topics), ev.data));
      continue;
    }
    const a = ev.args;
    switch (ev.name) {
      case "ExchangeAccredited":
        push("exchanges", row(s(a, "exchange"), ascii(s(a, "code")) ?? "", s(a, "name"), s(a, "regulator")));
        break;
      case "ExchangeSuspended":
      case "ExchangeReinstated":
        push("exchange_status_changes", row(s(a, "exchange"), ev.name === "ExchangeSuspended" ? "suspended" : "active", s(a, "regulator"), s(a, "reason")));
        break;
      case "MerchantOnboarded":
        push("merchants", row(s(a, "merchant"), s(a, "homeExchange"), name(MERCHANT_CATEGORY, n(a, "category"), "category"), s(a, "credentialDigest")));
        break;
      case "MerchantSuspended":
      case "MerchantReinstated":
        push(
          "merchant_status_changes",
          row(s(a, "merchant"), ev.name === "MerchantSuspended" ? "suspended" : "active", s(a, "by"), ev.name === "MerchantSuspended" ? b(a, "byRegulator") : 0, s(a, "reason")),
        );
        break;
      case "ExchangeRecognised":
      case "ExchangeRecognitionWithdrawn":
        push("recognitions", row(s(a, "recogniser"), s(a, "recognised"), "exchange", ev.name === "ExchangeRecognised" ? 1 : 0));
        break;
      case "MerchantRecognised":
      case "MerchantRecognitionWithdrawn":
        push("recognitions", row(s(a, "recogniser"), s(a, "merchant"), "merchant", ev.name === "MerchantRecognised" ? 1 : 0));
        break;
      case "AssetRegistered": {
        const assetId = s(a, "assetId");
        const parents = a.parents as AbiValue[];
        const rawCode = s(a, "exchangeCode");
        let code = codes.get(rawCode);
        if (code === undefined) codes.set(rawCode, (code = exchangeCodeText(rawCode)));
        const kind = n(a, "kind");
        const source = n(a, "source");
        const sequence = n(a, "sequence");
        push(
          "assets",
          row(
            assetId,
            s(a, "holder"),
            s(a, "exchange"),
            code,
            sequence,
            name(ASSET_KIND, kind, "kind"),
            name(ASSET_SOURCE, source, "source"),
            name(DATA_LEVEL, n(a, "level"), "level"),
            s(a, "metadataDigest"),
            s(a, "metadataCid"),
            orNull(s(a, "consentDigest")),
            formatRegistrationNumber({ exchangeCode: code, registeredAt: time, kind, source, sequence }),
            parents.length,
          ),
        );
        for (let i = 0; i < parents.length; i++) push("asset_parents", row(assetId, parents[i] as string, i));
        break;
      }
      case "AssetFrozen":
      case "AssetUnfrozen":
        push("freezes", row(s(a, "assetId"), ev.name === "AssetFrozen" ? 1 : 0, s(a, "regulator"), s(a, "reason")));
        break;
      case "Transfer": {
        const from = s(a, "from");
        const to = s(a, "to");
        const assetId = s(a, "tokenId");
        const key = `${m.txHash}:${assetId}:${from}:${to}`;
        const pend = pendingTrade.get(key);
        const r = row(
          assetId,
          from,
          to,
          pend ? pend.tradeId : null,
          pend ? "trade" : from === ZERO_ADDRESS ? "mint" : to === ZERO_ADDRESS ? "burn" : "transfer",
        );
        if (pend) pendingTrade.delete(key);
        else transfers.set(key, r);
        push("holdings", r);
        break;
      }
      case "HoldingTransferred": {
        const key = `${m.txHash}:${s(a, "assetId")}:${s(a, "from")}:${s(a, "to")}`;
        const tradeId = orNull(s(a, "tradeId"));
        const r = transfers.get(key);
        if (r) {
          r[HOLDING_TRADE_ID] = tradeId;
          r[HOLDING_KIND] = "trade";
          transfers.delete(key);
        } else {
          pendingTrade.set(key, { tradeId, ev });
        }
        break;
      }
      case "LicenceGranted":
        push(
          "licences",
          row(
            s(a, "licenceId"),
            s(a, "assetId"),
            s(a, "grantee"),
            s(a, "grantor"),
            name(RIGHT, n(a, "right"), "right"),
            s(a, "scopeDigest"),
            n(a, "start"),
            n(a, "end"),
            b(a, "exclusive"),
            b(a, "sublicensable"),
            b(a, "revocable"),
            orNull(s(a, "tradeId")),
          ),
        );
        break;
      case "LicenceRevoked":
        push("licence_revocations", row(s(a, "licenceId"), s(a, "assetId"), s(a, "by"), b(a, "byRegulator"), n(a, "revokedAt"), s(a, "reason")));
        break;
      case "AssetPledgeLockChanged":
        push("pledge_locks", row(s(a, "assetId"), b(a, "pledged"), s(a, "pledgeId")));
        break;
      case "ModulesWired":
        push("modules_wired", row(s(a, "tradeRecorder"), s(a, "pledgeRegistry")));
        break;
      case "TradeRecorded": {
        const commitment = orNull(s(a, "priceCommitment"));
        const confidential = commitment !== null;
        push(
          "trades",
          row(
            s(a, "tradeId"),
            s(a, "assetId"),
            s(a, "exchange"),
            s(a, "seller"),
            s(a, "buyer"),
            name(RIGHT, n(a, "right"), "right"),
            orNull(s(a, "licenceId")),
            confidential ? null : s(a, "price"),
            confidential ? null : ascii(s(a, "currency")),
            commitment,
            confidential ? 1 : 0,
            s(a, "contractDigest"),
            name(VENUE, n(a, "venue"), "venue"),
            orNull(s(a, "linkedTradeId")),
          ),
        );
        break;
      }
      case "PledgeRegistered":
        push(
          "pledges",
          row(
            s(a, "pledgeId"),
            s(a, "assetId"),
            s(a, "lender"),
            s(a, "holder"),
            s(a, "amount"),
            ascii(s(a, "currency")) ?? "",
            n(a, "start"),
            n(a, "end"),
            s(a, "agreementDigest"),
          ),
        );
        break;
      case "PledgeReleased":
        push("pledge_status_changes", row(s(a, "pledgeId"), s(a, "assetId"), "released", s(a, "lender"), ""));
        break;
      case "PledgeLifted":
        push("pledge_status_changes", row(s(a, "pledgeId"), s(a, "assetId"), "lifted", s(a, "regulator"), s(a, "reason")));
        break;
      case "EvidenceAnchored":
        push("evidence_batches", row(s(a, "root"), s(a, "exchange"), orNull(s(a, "assetId")), n(a, "leafCount"), s(a, "manifestCid")));
        break;
    }
  }
  // A HoldingTransferred without its Transfer (not expected from our registry): keep it as its own holdings row.
  for (const { tradeId, ev } of pendingTrade.values()) {
    const m = ev.meta;
    push("holdings", [chainId, m.address, m.blockNumber, m.logIndex, m.txHash, blockTime(m.blockNumber), s(ev.args, "assetId"), s(ev.args, "from"), s(ev.args, "to"), tradeId, "trade"]);
  }
  const out: TableRows = new Map();
  for (const [t, values] of sets) out.set(t, { columns: TABLE_COLUMNS[t as HandledTable], values });
  return out;
}
