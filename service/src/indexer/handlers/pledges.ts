/** PledgeRegistry: pledges and their release or lift (api/queries/pledges.ts). The lock itself is the registry's. */
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
});
