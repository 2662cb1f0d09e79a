import type { Interface } from "ethers";
import { CliError } from "./errors";

/** What to do about each contract error (by name). */
const HINTS: Record<string, string> = {
  ParticipantsUnauthorized: "this needs the regulator's key (GOVERNOR_ROLE) or the home exchange's key",
  ParticipantsExchangeNotActive: "the exchange is not accredited or is suspended: sign with an active exchange's key",
  ParticipantsNotRecognised: "onboard the merchant at this exchange, or recognise it or its home exchange (shuquan recognise …)",
  ParticipantsExchangeCodeTaken: "choose another --code",
  ParticipantsInvalidExchangeCode: "a code is 2-4 upper-case letters or digits",
  ParticipantsMerchantAlreadyOnboarded: "a merchant has one home exchange; recognise it instead (shuquan recognise merchant …)",
  ParticipantsNotHomeExchange: "only the merchant's home exchange (or the regulator) can do this",
  RegistryUnauthorized: "sign with an active exchange's key (register) or the regulator's key (freeze/unfreeze)",
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
  TradeLinkedTradeNotFound: "the linked trade id has not been recorded",
  PledgeUnauthorized: "the lender must be an active merchant recognised at the asset's exchange, and sign",
  PledgeExpired: "the holder's consent expired; ask for a new one",
  PledgeInvalidSignature: "the consent is not the holder's signature over these terms",
  PledgeInvalidNonce: "the consent is stale (the holder's nonce moved on); ask for a new one",
  PledgeAssetAlreadyPledged: "one active pledge per asset",
  EvidenceUnauthorized: "sign with an active exchange's key",
  EvidenceBatchExists: "this exact batch was anchored already (same root)",
  ERC721NonexistentToken: "no such asset",
};

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
        const args = parsed.fragment.inputs.map((inp, i) => `${inp.name || i}=${String(parsed.args[i])}`).join(", ");
        return new CliError(`${what}: the contract refused with ${parsed.name}(${args})`, HINTS[parsed.name]);
      }
    } catch {
      /* unknown selector */
    }
  }
  const err = e as { shortMessage?: string; message?: string; code?: string };
  if (err.code === "INSUFFICIENT_FUNDS") return new CliError(`${what}: the signing account cannot pay for gas`, "fund the account");
  if (err.code === "ECONNREFUSED" || /ECONNREFUSED|fetch failed/.test(err.message ?? "")) {
    return new CliError(`${what}: the chain is unreachable`, "check --rpc / RPC_URL");
  }
  return new CliError(`${what}: ${err.shortMessage ?? err.message ?? String(e)}`);
}
