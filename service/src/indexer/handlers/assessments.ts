/**
 * AssessmentRegistry: assessor grants, assessments, holders' responses, withdrawals and exchange policies
 * (api/queries/assessments.ts).
 */
import { ASSESSMENT_KIND, ASSESSMENT_RESULT } from "../../digest";
import { ascii, defineHandlers, enumName, flag, into, num, str } from "./handler";

export const assessmentHandlers = defineHandlers("AssessmentRegistry", {
  AssessorCategoriesSet: into("assessor_grants", (a) => [str(a, "merchant"), str(a, "by"), num(a, "categories"), flag(a, "byRegulator")]),
  AssessmentAttached: into("assessments", (a) => {
    const value = str(a, "value");
    return [
      str(a, "assessmentId"),
      str(a, "assetId"),
      str(a, "assessor"),
      enumName(ASSESSMENT_KIND, num(a, "kind"), "assessment kind"),
      enumName(ASSESSMENT_RESULT, num(a, "result"), "assessment result"),
      value === "0" ? null : value,
      ascii(str(a, "currency")),
      str(a, "reportDigest"),
      str(a, "reportCid"),
      num(a, "validUntil"),
    ];
  }),
  AssessmentResponded: into("assessment_responses", (a) => [
    str(a, "assessmentId"),
    str(a, "assetId"),
    str(a, "holder"),
    str(a, "responseDigest"),
    str(a, "responseCid"),
  ]),
  AssessmentWithdrawn: into("assessment_withdrawals", (a) => [
    str(a, "assessmentId"),
    str(a, "assetId"),
    str(a, "by"),
    flag(a, "byRegulator"),
    str(a, "reason"),
  ]),
  AssessmentPolicySet: into("assessment_policies", (a) => [str(a, "exchange"), num(a, "listingKinds"), num(a, "pledgeKinds")]),
});
