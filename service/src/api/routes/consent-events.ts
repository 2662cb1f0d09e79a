/**
 * /v1/consent-events: registration cancellations and reassignments, de-identification findings, merchant moves,
 * re-homings and offboardings, cancelled consents and derivation approvals (docs/consent.md).
 */
import { z } from "zod";
import { CONSENT_EVENT_KINDS, listConsentEvents } from "../queries/consent-events";
import { defineRoute, listResult, type RouteDef } from "../route";
import { chainId, pageQuery } from "../validation";

const list = defineRoute({
  method: "get",
  path: "/consent-events",
  tag: "consent",
  summary: "Consent events and the regulator's corrections, newest first; filter by subject (asset id or account) and kind",
  query: z.strictObject({
    subject: z.string().regex(/^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, "an asset id (0x + 64 hex) or an address (0x + 40 hex)").transform((s) => s.toLowerCase()).optional(),
    kind: z.enum(CONSENT_EVENT_KINDS).optional(),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listConsentEvents(ctx.db, query, isFinal));
  },
});

/** Routes of the consent-events resource. */
export const consentEventRoutes: readonly RouteDef[] = [list];
