/**
 * Which facts of a certificate still hold: the certificate against what the chain says today. Pure: the CLI reads
 * the chain (`shuquan certificate verify`) and hands the facts here.
 */
import { parseRegistrationNumber } from "../digest/registration-number";
import { checkCertificateNumber, type Certificate } from "./model";

/** What the chain says today about a certificate's subject. */
export interface ChainFacts {
  /** The certificate's transaction is on chain in the stated block and carries the certified event for this subject. */
  recorded: boolean;
  /** Why not, when `recorded` is false. */
  recordedProblem?: string;
  /** The registry's registration number of the asset (null when the asset is unknown). */
  registrationNumber: string | null;
  /** The registration's status today (registered, notice, objected, refused, cancelled). */
  status: string;
  /** End of the notice or validity today (unix seconds), 0 for none. */
  validUntil: number;
  holder: string;
  frozen: boolean;
  pledged: boolean;
  /** The chain's time (latest block). */
  now: number;
  /** For a licence trade: the licence today. */
  licence?: { end: number; revoked: boolean };
}

/** One fact of the certificate, at issue and today. */
export interface FactCheck {
  fact: string;
  atIssue: string;
  today: string;
  holds: boolean;
}

/** The verdict on a certificate. */
export interface Assessment {
  /** valid: every fact still holds; valid-at-issue: true when issued, some facts changed since; invalid: never true. */
  verdict: "valid" | "valid-at-issue" | "invalid";
  /** One line, e.g. "valid at issue, since cancelled". */
  summary: string;
  checks: FactCheck[];
  /** Why the certificate is invalid. */
  problems: string[];
  /** What changed since issue. */
  since: string[];
}

const day = (t: number): string => (t === 0 ? "no end" : new Date(t * 1000).toISOString().slice(0, 10));
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The registration status today, with "expired" for a registration in force whose validity end has passed. */
function statusToday(f: ChainFacts): string {
  return f.status === "registered" && f.validUntil > 0 && f.validUntil <= f.now ? "expired" : f.status;
}

/** Assesses `cert` against `facts`. */
export function assessCertificate(cert: Certificate, facts: ChainFacts): Assessment {
  const problems: string[] = [];
  const since: string[] = [];
  const checks: FactCheck[] = [];
  const check = (fact: string, atIssue: string, today: string, holds: boolean, change?: string) => {
    checks.push({ fact, atIssue, today, holds });
    if (!holds && change) since.push(change);
  };

  try {
    checkCertificateNumber(cert.certificateNumber);
  } catch (e) {
    problems.push((e as Error).message);
  }
  try {
    parseRegistrationNumber(cert.registrationNumber);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (facts.registrationNumber === null) problems.push(`asset ${cert.asset.assetId} is not registered on this chain`);
  else if (facts.registrationNumber !== cert.registrationNumber) {
    problems.push(`the registry gives registration number ${facts.registrationNumber}, not ${cert.registrationNumber}`);
  }
  if (!facts.recorded) problems.push(facts.recordedProblem ?? `transaction ${cert.chain.txHash} does not record this ${cert.type === "shuquan/trade-certificate" ? "trade" : "registration"}`);
  checks.push({ fact: "recorded on chain", atIssue: `${cert.chain.txHash} (block ${cert.chain.blockNumber})`, today: facts.recorded ? "found" : "not found", holds: facts.recorded });

  const status = statusToday(facts);
  if (cert.type === "shuquan/registration-certificate") {
    check("status", cert.status, status, status === cert.status, status === "registered" ? "in force" : status);
    check("holder", cert.holder.address, facts.holder, same(cert.holder.address, facts.holder), `transferred to ${facts.holder}`);
    const untilAtIssue = cert.validUntil ?? 0;
    const renewed = facts.validUntil > untilAtIssue && status !== "expired";
    const comparable = cert.status === "registered" && status === "registered"; // otherwise the status says it
    check("valid until", day(untilAtIssue), day(facts.validUntil), !comparable || facts.validUntil === untilAtIssue, renewed ? `renewed until ${day(facts.validUntil)}` : `valid until ${day(facts.validUntil)}`);
    check("frozen", String(cert.frozen), String(facts.frozen), cert.frozen === facts.frozen, facts.frozen ? "frozen" : "unfrozen");
    check("pledged", String(cert.pledged), String(facts.pledged), cert.pledged === facts.pledged, facts.pledged ? "pledged" : "released from pledge");
  } else {
    check("asset status", "registered", status, status === "registered", `asset ${status}`);
    if (cert.right === "holding") {
      check("buyer holds the asset", cert.buyer.address, facts.holder, same(cert.buyer.address, facts.holder), `the asset moved on to ${facts.holder}`);
    } else if (facts.licence) {
      const inForce = !facts.licence.revoked && facts.licence.end > facts.now;
      check("licence in force", "yes", inForce ? "yes" : facts.licence.revoked ? "revoked" : "expired", inForce, facts.licence.revoked ? "licence revoked" : "licence expired");
    }
  }

  const verdict = problems.length > 0 ? "invalid" : since.length > 0 ? "valid-at-issue" : "valid";
  const summary =
    verdict === "invalid" ? `invalid: ${problems.join("; ")}` : verdict === "valid" ? "valid: every fact still holds" : `valid at issue, since ${since.join(", ")}`;
  return { verdict, summary, checks, problems, since };
}
