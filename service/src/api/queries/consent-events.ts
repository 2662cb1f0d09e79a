/**
 * Consent and the regulator's corrections (issue 9): registration cancellations and reassignments, de-identification
 * findings, merchant moves, re-homings and offboardings, cancelled consents and the lender's derivation approvals —
 * one row per event in `consent_events`.
 */
import type { StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import { leadingFilter, type Page, newestEvents } from "../pagination";
import type { ReadDb } from "../types";
import { conditions, eventCols, eventRef, type EventRef } from "./rows";

/** The kinds of consent event, as the indexer writes them. */
export const CONSENT_EVENT_KINDS = [
  "application-cancelled",
  "registration-cancelled",
  "registration-reassigned",
  "asset-deidentified",
  "merchant-moved",
  "merchant-rehomed",
  "merchant-offboarded",
  "onboarding-consent-cancelled",
  "derivation-approved",
] as const;

/** One consent event as the API returns it. */
export interface ConsentEventView {
  kind: (typeof CONSENT_EVENT_KINDS)[number];
  /** The asset id, or the merchant / holder the event is about. */
  subject: string;
  /** The new holder or home, or the approved child digest. */
  party: string | null;
  /** The former holder or home. */
  counterparty: string | null;
  /** Who acted (the regulator, the merchant, the holder, the lender). */
  by: string;
  /** The reason, finding or credential digest. */
  digest: string | null;
  /** A reason text, the category, an epoch, a nonce or a pledge id. */
  detail: string | null;
  event: EventRef;
}

/** Filters of {@link listConsentEvents}. */
export interface ConsentEventFilters {
  subject?: string;
  kind?: string;
  chainId?: number;
  limit?: number;
  cursor?: string;
}

type Row = StoredRow<"consent_events">;

const SELECT = `SELECT * FROM (SELECT ${eventCols("c")}, c.kind, c.subject, c.party, c.counterparty, c.by_account, c.digest, c.detail FROM consent_events c) x`;

/** Consent events, newest first. */
export async function listConsentEvents(db: ReadDb, f: ConsentEventFilters, isFinal: FinalityCheck): Promise<Page<ConsentEventView>> {
  const { where, params, eq } = conditions();
  const { fixed, rest } = leadingFilter([
    ["x.subject", f.subject],
    ["x.kind", f.kind],
  ]);
  for (const [col, v] of rest) eq(col, v);
  eq("x.chain_id", f.chainId);
  return newestEvents<Row, ConsentEventView>({
    db,
    select: SELECT,
    where,
    params,
    limit: f.limit,
    cursor: f.cursor,
    fixed,
    map: (r) => ({
      kind: r.kind as ConsentEventView["kind"],
      subject: r.subject,
      party: r.party,
      counterparty: r.counterparty,
      by: r.by_account,
      digest: r.digest,
      detail: r.detail,
      event: eventRef(r, isFinal),
    }),
  });
}
