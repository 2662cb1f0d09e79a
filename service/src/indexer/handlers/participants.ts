/** ParticipantRegistry: exchanges, merchants, their status changes and recognitions (api/queries/participants.ts). */
import { MERCHANT_CATEGORY } from "../../digest";
import { ascii, defineHandlers, enumName, flag, into, num, str } from "./handler";

export const participantHandlers = defineHandlers("ParticipantRegistry", {
  ExchangeAccredited: into("exchanges", (a) => [str(a, "exchange"), ascii(str(a, "code")) ?? "", str(a, "name"), str(a, "regulator")]),
  ExchangeSuspended: into("exchange_status_changes", (a) => [str(a, "exchange"), "suspended", str(a, "regulator"), str(a, "reason")]),
  ExchangeReinstated: into("exchange_status_changes", (a) => [str(a, "exchange"), "active", str(a, "regulator"), str(a, "reason")]),
  MerchantOnboarded: into("merchants", (a) => [
    str(a, "merchant"),
    str(a, "homeExchange"),
    enumName(MERCHANT_CATEGORY, num(a, "category"), "category"),
    str(a, "credentialDigest"),
  ]),
  MerchantMoved: into("consent_events", (a) => [
    "merchant-moved",
    str(a, "merchant"),
    str(a, "to"),
    str(a, "from"),
    str(a, "merchant"),
    str(a, "credentialDigest"),
    enumName(MERCHANT_CATEGORY, num(a, "category"), "category"),
  ]),
  MerchantRehomed: into("consent_events", (a) => ["merchant-rehomed", str(a, "merchant"), str(a, "to"), str(a, "from"), str(a, "regulator"), null, str(a, "reason")]),
  MerchantOffboarded: into("consent_events", (a) => ["merchant-offboarded", str(a, "merchant"), null, str(a, "home"), str(a, "regulator"), null, str(a, "reason")]),
  OnboardingConsentCancelled: into("consent_events", (a) => ["onboarding-consent-cancelled", str(a, "merchant"), null, null, str(a, "merchant"), null, str(a, "nonce")]),
  MerchantSuspended: into("merchant_status_changes", (a) => [str(a, "merchant"), "suspended", str(a, "by"), flag(a, "byRegulator"), str(a, "reason")]),
  // one suspension lifted, the other still standing: the merchant stays suspended
  MerchantSuspensionLifted: into("merchant_status_changes", (a) => [str(a, "merchant"), "suspended", str(a, "by"), flag(a, "byRegulator"), `lifted: ${str(a, "reason")}`]),
  MerchantReinstated: into("merchant_status_changes", (a) => [str(a, "merchant"), "active", str(a, "by"), 0, str(a, "reason")]),
  ExchangeRecognised: into("recognitions", (a) => [str(a, "recogniser"), str(a, "recognised"), "exchange", 1]),
  ExchangeRecognitionWithdrawn: into("recognitions", (a) => [str(a, "recogniser"), str(a, "recognised"), "exchange", 0]),
  MerchantRecognised: into("recognitions", (a) => [str(a, "recogniser"), str(a, "merchant"), "merchant", 1]),
  MerchantRecognitionWithdrawn: into("recognitions", (a) => [str(a, "recogniser"), str(a, "merchant"), "merchant", 0]),
});
