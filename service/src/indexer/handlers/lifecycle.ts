/**
 * RegistrationLifecycle (and the registry's AssetStatusChanged, mapped in registry.ts through `statusRow`): every
 * lifecycle event is one `lifecycle_events` row (api/queries/lifecycle.ts): status history, objections and their
 * resolution, renewals, metadata changes and corrections, cancellations, exchange terms.
 */
import type { EventArgs } from "../../chain/decoder";
import { ASSET_STATUS } from "../../digest";
import type { WrittenValues } from "../../store/schema";
import { defineHandlers, enumName, flag, into, num, orNull, str } from "./handler";

/** The columns of a lifecycle_events row that an event sets (the others are null). */
interface LifecycleFields {
  asset_id?: string;
  event: string;
  status?: string;
  valid_until?: number;
  previous_valid_until?: number;
  actor?: string;
  objection_id?: string;
  upheld?: number;
  by_regulator?: number;
  own_earlier_right?: number;
  digest?: string;
  ref_digest?: string | null;
  cid?: string;
  reason?: string;
  notice_days?: number;
  term_days?: number;
  window_days?: number;
}

/** The row values of `f`, in the column order of store/schema.ts. */
function row(f: LifecycleFields): WrittenValues<"lifecycle_events"> {
  const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
  return [
    n(f.asset_id), f.event, n(f.status), n(f.valid_until), n(f.previous_valid_until), n(f.actor), n(f.objection_id), n(f.upheld),
    n(f.by_regulator), n(f.own_earlier_right), n(f.digest), n(f.ref_digest), n(f.cid), n(f.reason), n(f.notice_days), n(f.term_days),
    n(f.window_days),
  ];
}

/** The lifecycle_events row of the registry's AssetStatusChanged. */
export function statusRow(a: EventArgs): WrittenValues<"lifecycle_events"> {
  return row({
    asset_id: str(a, "assetId"),
    event: "status",
    status: enumName(ASSET_STATUS, num(a, "status"), "asset status"),
    valid_until: num(a, "validUntil"),
  });
}

const lifecycle = (values: (a: EventArgs) => WrittenValues<"lifecycle_events">) => into("lifecycle_events", values);

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
