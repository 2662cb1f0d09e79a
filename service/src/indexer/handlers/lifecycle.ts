/**
 * RegistrationLifecycle (and the registry's AssetStatusChanged, mapped in registry.ts through `statusRow`): every
 * lifecycle event is one `lifecycle_events` row (api/queries/lifecycle.ts): status history, objections and their
 * resolution, renewals, metadata changes and corrections, cancellations, exchange terms.
 */
import type { EventArgs } from "../../chain/decoder";
import { ASSET_STATUS } from "../../digest";
import type { SqlValue } from "../../store/db";
import { EVENT_COLUMNS, writtenColumns } from "../../store/schema";
import { defineHandlers, enumName, flag, into, num, orNull, str } from "./handler";

/** The table's own columns (after the event columns the dispatcher writes). */
const COLUMNS = writtenColumns("lifecycle_events").slice(EVENT_COLUMNS.length);

/** The columns of a lifecycle_events row, by name (unnamed ones are null). */
type LifecycleFields = Partial<Record<(typeof COLUMNS)[number], SqlValue>>;

/** The row values of `fields`, in column order. */
function row(fields: LifecycleFields): SqlValue[] {
  return COLUMNS.map((c) => fields[c] ?? null);
}

/** The lifecycle_events row of the registry's AssetStatusChanged. */
export function statusRow(a: EventArgs): SqlValue[] {
  return row({
    asset_id: str(a, "assetId"),
    event: "status",
    status: enumName(ASSET_STATUS, num(a, "status"), "asset status"),
    valid_until: num(a, "validUntil"),
  });
}

type Values = ReturnType<typeof row>;
const lifecycle = (values: (a: EventArgs) => Values) => into("lifecycle_events", (a) => values(a) as never);

export const lifecycleHandlers = defineHandlers("RegistrationLifecycle", {
  ExchangeTermsSet: lifecycle((a) =>
    row({ event: "terms", actor: str(a, "exchange"), notice_days: num(a, "noticeDays"), term_days: num(a, "termDays"), window_days: num(a, "renewalWindowDays") }),
  ),
  ObjectionLodged: lifecycle((a) =>
    row({
      asset_id: str(a, "assetId"),
      event: "objection",
      objection_id: str(a, "objectionId"),
      actor: str(a, "objector"),
      digest: str(a, "groundsDigest"),
      own_earlier_right: flag(a, "ownEarlierRight"),
      ref_digest: orNull(str(a, "earlierRightDigest")),
    }),
  ),
  ObjectionResolved: lifecycle((a) =>
    row({
      asset_id: str(a, "assetId"),
      event: "resolution",
      objection_id: str(a, "objectionId"),
      actor: str(a, "by"),
      upheld: flag(a, "upheld"),
      by_regulator: flag(a, "byRegulator"),
      reason: str(a, "reason"),
    }),
  ),
  NoticeClosed: lifecycle((a) => row({ asset_id: str(a, "assetId"), event: "notice_closed", valid_until: num(a, "validUntil") })),
  RegistrationRenewed: lifecycle((a) =>
    row({
      asset_id: str(a, "assetId"),
      event: "renewal",
      actor: str(a, "by"),
      previous_valid_until: num(a, "previousValidUntil"),
      valid_until: num(a, "validUntil"),
    }),
  ),
  MetadataChanged: lifecycle((a) =>
    row({
      asset_id: str(a, "assetId"),
      event: a.correction === true ? "correction" : "change",
      actor: str(a, "by"),
      digest: str(a, "metadataDigest"),
      cid: str(a, "metadataCid"),
      reason: str(a, "reason"),
    }),
  ),
  CancellationRequested: lifecycle((a) =>
    row({ asset_id: str(a, "assetId"), event: "cancellation_request", actor: str(a, "holder"), reason: str(a, "reason") }),
  ),
  RegistrationCancelled: lifecycle((a) =>
    row({
      asset_id: str(a, "assetId"),
      event: "cancellation",
      actor: str(a, "by"),
      by_regulator: flag(a, "byRegulator"),
      reason: str(a, "reason"),
    }),
  ),
});
