/**
 * DataAssetRegistry: registrations and lineage, holding moves, freezes, pledge locks, licences, status changes
 * (api/queries/assets.ts, lineage.ts, rights.ts, rights-at.ts, provenance.ts).
 */
import type { AbiValue, DecodedEvent } from "../../chain/decoder";
import { ASSET_KIND, ASSET_SOURCE, DATA_LEVEL, RIGHT, exchangeCodeText, formatRegistrationNumber } from "../../digest";
import type { SqlValue } from "../../store/db";
import { writtenColumns } from "../../store/schema";
import { defineHandlers, enumName, flag, into, num, orNull, str, writes, type RangeLocal } from "./handler";
import { statusRow } from "./lifecycle";

const ZERO_ADDRESS = "0x" + "0".repeat(40);
const HOLDING_TRADE_ID = writtenColumns("holdings").indexOf("trade_id");
const HOLDING_KIND = writtenColumns("holdings").indexOf("kind");

/**
 * A holding move is an ERC-721 Transfer and, when a trade moved it, the registry's HoldingTransferred in the same
 * transaction: the two make one holdings row. Whichever comes first waits here for the other.
 */
interface HoldingPairs {
  /** Transfer rows written, by move, that a HoldingTransferred may still mark as a trade. */
  transfers: Map<string, SqlValue[]>;
  /** HoldingTransferred events still waiting for their Transfer. */
  pending: Map<string, { tradeId: string | null; ev: DecodedEvent }>;
}

const HOLDING_PAIRS: RangeLocal<HoldingPairs> = {
  init: () => ({ transfers: new Map(), pending: new Map() }),
  // A HoldingTransferred without its Transfer (not expected from our registry): keep it as its own holdings row.
  finish(pairs, out) {
    for (const { tradeId, ev } of pairs.pending.values()) {
      out.row("holdings", ev, [str(ev.args, "assetId"), str(ev.args, "from"), str(ev.args, "to"), tradeId, "trade"]);
    }
  },
};

/** Exchange codes as text, by their bytes4 form (few per range). */
const CODES: RangeLocal<Map<string, string>> = { init: () => new Map() };

export const registryHandlers = defineHandlers("DataAssetRegistry", {
  AssetRegistered: writes(["assets", "asset_parents"], (ev, out) => {
    const a = ev.args;
    const assetId = str(a, "assetId");
    const parents = a.parents as AbiValue[];
    const rawCode = str(a, "exchangeCode");
    const codes = out.local(CODES);
    let code = codes.get(rawCode);
    if (code === undefined) codes.set(rawCode, (code = exchangeCodeText(rawCode)));
    const kind = num(a, "kind");
    const source = num(a, "source");
    const sequence = num(a, "sequence");
    out.row("assets", ev, [
      assetId,
      str(a, "holder"),
      str(a, "exchange"),
      code,
      sequence,
      enumName(ASSET_KIND, kind, "kind"),
      enumName(ASSET_SOURCE, source, "source"),
      enumName(DATA_LEVEL, num(a, "level"), "level"),
      str(a, "metadataDigest"),
      str(a, "metadataCid"),
      orNull(str(a, "consentDigest")),
      formatRegistrationNumber({ exchangeCode: code, registeredAt: out.time(ev), kind, source, sequence }),
      parents.length,
    ]);
    for (let i = 0; i < parents.length; i++) out.row("asset_parents", ev, [assetId, parents[i] as string, i]);
  }),
  AssetFrozen: into("freezes", (a) => [str(a, "assetId"), 1, str(a, "regulator"), str(a, "reason")]),
  AssetUnfrozen: into("freezes", (a) => [str(a, "assetId"), 0, str(a, "regulator"), str(a, "reason")]),
  Transfer: writes(["holdings"], (ev, out) => {
    const a = ev.args;
    const from = str(a, "from");
    const to = str(a, "to");
    const assetId = str(a, "tokenId");
    const key = `${ev.meta.txHash}:${assetId}:${from}:${to}`;
    const pairs = out.local(HOLDING_PAIRS);
    const pend = pairs.pending.get(key);
    const kind = pend ? "trade" : from === ZERO_ADDRESS ? "mint" : to === ZERO_ADDRESS ? "burn" : "transfer";
    const row = out.row("holdings", ev, [assetId, from, to, pend ? pend.tradeId : null, kind]);
    if (pend) pairs.pending.delete(key);
    else pairs.transfers.set(key, row);
  }),
  HoldingTransferred: writes(["holdings"], (ev, out) => {
    const a = ev.args;
    const key = `${ev.meta.txHash}:${str(a, "assetId")}:${str(a, "from")}:${str(a, "to")}`;
    const tradeId = orNull(str(a, "tradeId"));
    const pairs = out.local(HOLDING_PAIRS);
    const row = pairs.transfers.get(key);
    if (row) {
      row[HOLDING_TRADE_ID] = tradeId;
      row[HOLDING_KIND] = "trade";
      pairs.transfers.delete(key);
    } else {
      pairs.pending.set(key, { tradeId, ev });
    }
  }),
  LicenceGranted: into("licences", (a) => [
    str(a, "licenceId"),
    str(a, "assetId"),
    str(a, "grantee"),
    str(a, "grantor"),
    enumName(RIGHT, num(a, "right"), "right"),
    str(a, "scopeDigest"),
    num(a, "start"),
    num(a, "end"),
    flag(a, "exclusive"),
    flag(a, "sublicensable"),
    flag(a, "revocable"),
    orNull(str(a, "tradeId")),
  ]),
  LicenceRevoked: into("licence_revocations", (a) => [
    str(a, "licenceId"),
    str(a, "assetId"),
    str(a, "by"),
    flag(a, "byRegulator"),
    num(a, "revokedAt"),
    str(a, "reason"),
  ]),
  AssetPledgeLockChanged: into("pledge_locks", (a) => [str(a, "assetId"), flag(a, "pledged"), str(a, "pledgeId")]),
  ApplicationsCancelled: into("consent_events", (a) => ["application-cancelled", str(a, "holder"), null, null, str(a, "holder"), null, str(a, "nonce")]),
  RegistrationCancelled: into("consent_events", (a) => [
    "registration-cancelled",
    str(a, "assetId"),
    null,
    str(a, "holder"),
    str(a, "regulator"),
    str(a, "reasonDigest"),
    String(num(a, "epoch")),
  ]),
  RegistrationReassigned: into("consent_events", (a) => [
    "registration-reassigned",
    str(a, "assetId"),
    str(a, "to"),
    str(a, "from"),
    str(a, "regulator"),
    str(a, "reasonDigest"),
    null,
  ]),
  AssetDeidentified: into("consent_events", (a) => ["asset-deidentified", str(a, "assetId"), null, null, str(a, "regulator"), str(a, "findingDigest"), null]),
  ModulesWired: into("modules_wired", (a) => [str(a, "tradeRecorder"), str(a, "pledgeRegistry")]),
  AssetStatusChanged: into("lifecycle_events", statusRow),
});
