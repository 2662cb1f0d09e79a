import type { Interface, ParamType } from "ethers";
import { CliError } from "./errors";

/**
 * What to do about each contract error (by name). Some error names are shared by several functions: their hint
 * depends on the action (`what`, e.g. "revoke licence"), and is neutral when the action is not recognised.
 */
const HINTS: Record<string, string | ((what: string) => string)> = {
  ParticipantsUnauthorized: (what) =>
    /(accredit|suspend|reinstate) exchange|lift pledge/.test(what)
      ? "only the regulator's key (GOVERNOR_ROLE) can do this"
      : /merchant/.test(what)
        ? "sign with the merchant's home exchange's key or the regulator's key"
        : "the signing key lacks the role this needs; check which key you signed with",
  ParticipantsExchangeNotActive: "the exchange is not accredited or is suspended: sign with an active exchange's key",
  ParticipantsNotRecognised:
    "onboard the merchant at this exchange, or recognise it or its home exchange (shuquan recognise …); a suspended merchant, or a merchant whose home exchange is suspended, is not recognised either: reinstate it first (shuquan recognise status <merchant> <exchange> shows the path)",
  ParticipantsExchangeCodeTaken: "choose another --code",
  ParticipantsInvalidExchangeCode: "a code is 2-4 upper-case letters or digits",
  ParticipantsMerchantAlreadyOnboarded: "a merchant has one home exchange; recognise it instead (shuquan recognise merchant …)",
  ParticipantsNotHomeExchange: "only the merchant's home exchange (or the regulator) can do this",
  RegistryUnauthorized: (what) =>
    /revoke/.test(what)
      ? "only the licence's grantor (if it was granted revocable) or the regulator can revoke it"
      : /freeze/.test(what)
        ? "sign with the regulator's key (GOVERNOR_ROLE)"
        : /register asset/.test(what)
          ? "sign with an active exchange's key"
          : "the signing key may not do this; check which key you signed with",
  RegistryDuplicateDigest: "this content is registered already: `shuquan verify <file>` shows the registration",
  RegistryAssetNotFound: "check the asset id (0x + 64 hex) or registration number",
  RegistryConsentRequired: "personal data needs --consent-file (or --consent-digest)",
  RegistryParentUnauthorized: "the holder must hold each parent or have a processing licence in force on it",
  RegistryAssetFrozen: "the regulator froze this asset; it cannot trade or be licensed until unfrozen",
  RegistryAssetPledged: "the asset is pledged; the lender must release the pledge first",
  RegistryCoreData: "core data never trades and is never licensed",
  RegistryInvalidLicenceTerms: "give a scope digest, and --start before --end with --end in the future",
  RegistryNotGrantor: "only the holder (or a sub-licensable operator, for product-use) can grant this",
  RegistryLicenceActive: "a licence for this grantee and right is in force; revoke it or wait for it to end",
  RegistryLicenceNotRevocable: "this licence was granted irrevocable; only the regulator can revoke it",
  RegistryExclusiveConflict: "an exclusive licence overlaps; choose another term",
  RegistryNotHolder: "sign with the holder's key",
  RegistryParticipantInactive: "grantor and grantee must be active merchants",
  TradeUnauthorized: "sign with an active exchange's key",
  TradeIdNotOwnedByExchange: "the trade id's exchange must be the recording exchange: authorise with --exchange <that exchange>",
  TradeIdUsed: "this trade id was recorded already; authorise again with a new --serial",
  TradeExpired: "the seller's authorisation expired; ask for a new one (shuquan trade authorise --deadline …)",
  TradeInvalidSignature: "the signature is not the seller's over these exact terms; re-sign with the seller's key",
  TradeInvalidPrice: "give either --price with --currency, or --price-commitment, not both",
  TradeIdTooOld: "the serial is below the exchange's 160-id window (newer trades were recorded since); authorise again with a new --serial",
  TradeWindowNotAdvanced: "the exchange's trade ids are already closed up to there; give a higher --below (see the window with tradeWindow)",
  TradeLinkedTradeNotFound: "the linked trade id has not been recorded",
  PledgeUnauthorized: "the lender must be an active merchant recognised at the asset's exchange, and sign",
  PledgeExpired: "the holder's consent expired; ask for a new one",
  PledgeInvalidSignature: "the consent is not the holder's signature over these terms",
  PledgeInvalidNonce: "the consent is stale (the holder's nonce moved on); ask for a new one",
  PledgeAssetAlreadyPledged: "one active pledge per asset",
  EvidenceUnauthorized: "sign with an active exchange's key",
  EvidenceBatchExists: "this exchange anchored this exact batch already (same root)",
  EvidenceBatchNotFound: "that exchange did not anchor this batch on this chain: check --rpc / --deployment, the exchange, or the batch root",
  ERC721NonexistentToken: "no such asset",
  RegistryAssetNotInForce: "the registration is not in force (under notice or objection, refused or cancelled): `shuquan asset show` gives its status",
  RegistryRegistrationExpired: "the registration's validity has ended: renew it first (shuquan asset renew)",
  LifecycleUnauthorized: "the signing key may not do this step of the lifecycle; check which key you signed with",
  LifecycleInvalidTerms: "notice at most 365 days; renewal window no longer than the term",
  LifecycleNotInNotice: "objections are lodged and resolved only during the public notice",
  LifecycleNoticeNotOver: "the notice still runs; close it after its end",
  LifecycleObjectionsOpen: "resolve the open objections first (shuquan asset resolve-objection)",
  LifecycleObjectionExists: "one objection per objector and asset",
  LifecycleObjectionNotOpen: "no open objection by that objector",
  LifecycleNotInForce: "only a registration in force (or lapsed) is renewed",
  LifecycleNoValidityTerm: "this registration has no validity end: nothing to renew",
  LifecycleOutsideRenewalWindow: "renew within the exchange's renewal window before the end, or once lapsed",
  LifecycleFinal: "a refused or cancelled registration stays as it is",
  LifecycleNoCancellationRequest: "the holder asks for cancellation first (shuquan asset cancel with the holder's key)",
  LifecycleAssetPledged: "the lender must release the pledge first; the regulator may cancel regardless",
  LifecycleReasonRequired: "give a --reason",
  LifecycleInvalidValidity: "the new end must be a UTC midnight after today and before the current end",
  LifecycleInvalidDigest: "give the grounds (and the earlier right's digest when you claim one)",
};

/** The hint for a contract error `name` raised by the action `what`. */
function hintFor(name: string, what: string): string | undefined {
  const h = HINTS[name];
  return typeof h === "function" ? h(what) : h;
}

const ID_ARG = /^(assetId|parentId|tradeId|pledgeId|linkedTradeId|tokenId)$|Id$/;

/** An error argument as printed: uint256 ids as 0x + 64 hex (like the rest of the product), other numbers in decimal. */
function formatErrorArg(input: ParamType, value: unknown): string {
  if (input.type === "uint256" && typeof value === "bigint" && ID_ARG.test(input.name)) return "0x" + value.toString(16).padStart(64, "0");
  return String(value);
}

const NONCE_CLASH = /nonce has already been used|nonce too low|NONCE_EXPIRED|replacement (transaction )?underpriced|already known/i;

function revertData(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  const stack: unknown[] = [e];
  while (stack.length) {
    const x = stack.pop();
    if (!x || typeof x !== "object" || seen.has(x)) continue;
    seen.add(x);
    const o = x as Record<string, unknown>;
    if (typeof o.data === "string" && /^0x[0-9a-fA-F]{8}/.test(o.data)) return o.data;
    for (const k of ["error", "info", "data", "cause"]) stack.push(o[k]);
  }
  return undefined;
}

/** Turns an ethers/RPC error into a CliError: the decoded contract error with its arguments, and a hint. */
export function explainRevert(e: unknown, what: string, errors: Interface): CliError {
  if (e instanceof CliError) return e;
  const data = revertData(e);
  if (data) {
    try {
      const parsed = errors.parseError(data);
      if (parsed) {
        const args = parsed.fragment.inputs.map((inp, i) => `${inp.name || i}=${formatErrorArg(inp, parsed.args[i])}`).join(", ");
        return new CliError(`${what}: the contract refused with ${parsed.name}(${args})`, hintFor(parsed.name, what));
      }
    } catch {
      /* unknown selector */
    }
  }
  const err = e as { shortMessage?: string; message?: string; code?: string };
  if (err.code === "INSUFFICIENT_FUNDS") return new CliError(`${what}: the signing account cannot pay for gas`, "fund the account");
  if (err.code === "NONCE_EXPIRED" || err.code === "REPLACEMENT_UNDERPRICED" || NONCE_CLASH.test(`${err.shortMessage ?? ""} ${err.message ?? ""}`)) {
    return new CliError(
      `${what}: ${err.shortMessage ?? "nonce has already been used"}`,
      "another transaction from this key was sent at the same time; run the command again (nothing was recorded by this one)",
    );
  }
  if (err.code === "ECONNREFUSED" || /ECONNREFUSED|fetch failed/.test(err.message ?? "")) {
    return new CliError(`${what}: the chain is unreachable`, "check --rpc / RPC_URL");
  }
  return new CliError(`${what}: ${err.shortMessage ?? err.message ?? String(e)}`);
}
