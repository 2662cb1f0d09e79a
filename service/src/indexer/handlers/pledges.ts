/**
 * PledgeRegistry: pledges and their release, lift, default, objection and enforcement (api/queries/pledges.ts); the
 * lender's derivation approvals (consent_events). The lock itself is the registry's.
 */
import { ascii, defineHandlers, into, num, str } from "./handler";

export const pledgeHandlers = defineHandlers("PledgeRegistry", {
  PledgeRegistered: into("pledges", (a) => [
    str(a, "pledgeId"),
    str(a, "assetId"),
    str(a, "lender"),
    str(a, "holder"),
    str(a, "amount"),
    ascii(str(a, "currency")) ?? "",
    num(a, "start"),
    num(a, "end"),
    str(a, "agreementDigest"),
  ]),
  PledgeReleased: into("pledge_status_changes", (a) => [str(a, "pledgeId"), str(a, "assetId"), "released", str(a, "lender"), ""]),
  PledgeLifted: into("pledge_status_changes", (a) => [str(a, "pledgeId"), str(a, "assetId"), "lifted", str(a, "regulator"), str(a, "reason")]),
  PledgeDefaultDeclared: into("pledge_status_changes", (a) => [
    str(a, "pledgeId"),
    str(a, "assetId"),
    "defaulted",
    str(a, "lender"),
    `objections until ${num(a, "objectionDeadline")}`,
  ]),
  // the regulator's objection puts the pledge back in force
  PledgeEnforcementObjected: into("pledge_status_changes", (a) => [str(a, "pledgeId"), str(a, "assetId"), "active", str(a, "regulator"), str(a, "reason")]),
  PledgeEnforced: into("pledge_status_changes", (a) => [str(a, "pledgeId"), str(a, "assetId"), "enforced", str(a, "lender"), `to ${str(a, "to")} by trade ${str(a, "tradeId")}`]),
  PledgeDerivationApproved: into("consent_events", (a) => ["derivation-approved", str(a, "assetId"), str(a, "childDigest"), null, str(a, "lender"), null, str(a, "pledgeId")]),
});
