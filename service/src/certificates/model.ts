/**
 * Certificates (登记证书, 交易凭证): what a registration or trade certificate states, and its number. The same
 * JSON is served by the API, embedded in the printable HTML page, and read back by `shuquan certificate verify`.
 */
import { createHash } from "node:crypto";
import { iso7064Mod3736 } from "../digest/registration-number";

/** A party named on a certificate: its account, its name where one is known, and the code it is known by. */
export interface CertificateParty {
  address: string;
  /** Legal name (the registrant's, from the registration metadata; an exchange's, from its accreditation). */
  name: string | null;
  /** Unified social credit code (统一社会信用代码) or exchange code. */
  code: string | null;
  /** What `code` is. */
  codeKind: "credit-code" | "exchange-code" | "home-exchange-code" | null;
}

/** A right a certificate states, with its scope and term. */
export interface CertificateRight {
  right: string;
  /** Scope in words (registration metadata) or the scope document's digest (licence). */
  scope: string;
  /** Unix seconds; null for "from registration" / "no end". */
  start: number | null;
  end: number | null;
}

/** Where the certified fact was recorded on chain. */
export interface CertificateChainRef {
  chainId: number;
  contract: string;
  txHash: string;
  blockNumber: number;
  blockTime: number;
}

interface CertificateBase {
  certificateNumber: string;
  /** When this certificate was issued (unix seconds) and the indexed block it reflects. */
  issuedAt: number;
  asOfBlock: number;
  registrationNumber: string;
  asset: { assetId: string; name: string | null; kind: string; source: string; level: string; metadataDigest: string; metadataCid: string };
  exchange: CertificateParty;
  rights: CertificateRight[];
  /** The public lookup page of the asset. */
  link: string;
  chain: CertificateChainRef;
}

/** A registration certificate (数据资产登记证书). */
export interface RegistrationCertificate extends CertificateBase {
  type: "shuquan/registration-certificate";
  holder: CertificateParty;
  registeredAt: number;
  /** End of the validity (or of the notice while under notice); null for none. */
  validUntil: number | null;
  /** Registration status at issue: registered, notice, objected, refused, cancelled, expired. */
  status: string;
  frozen: boolean;
  pledged: boolean;
}

/** A trade certificate (交易凭证). */
export interface TradeCertificate extends CertificateBase {
  type: "shuquan/trade-certificate";
  tradeId: string;
  seller: CertificateParty;
  buyer: CertificateParty;
  right: string;
  licenceId: string | null;
  price: string | null;
  currency: string | null;
  confidential: boolean;
  contractDigest: string;
  venue: string;
  linkedTradeId: string | null;
  recordedAt: number;
}

export type Certificate = RegistrationCertificate | TradeCertificate;

const NUMBER_RE = /^SQ([RT])-(\d{6})-([A-Z0-9]{2,4})-([0-9A-Z]{8})-([0-9A-Z])$/;

/**
 * The number of one issuance: `SQ{R|T}-YYYYMM-CODE-XXXXXXXX-C` — R registration or T trade certificate, the UTC
 * year and month of issue, the registering (or recording) exchange's code, eight base-36 characters of
 * SHA-256(subject id ":" issuedAt), and the ISO 7064 MOD 37,36 check character over the letters and digits before it.
 */
export function certificateNumber(kind: "R" | "T", subjectId: string, issuedAt: number, exchangeCode: string): string {
  const d = new Date(issuedAt * 1000);
  const ym = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  const hash = BigInt("0x" + createHash("sha256").update(`${subjectId.toLowerCase()}:${issuedAt}`).digest("hex"));
  const serial = hash.toString(36).toUpperCase().padStart(8, "0").slice(-8);
  const body = `SQ${kind}-${ym}-${exchangeCode}-${serial}`;
  return `${body}-${iso7064Mod3736(body.replace(/-/g, ""))}`;
}

/** Checks a certificate number's form and check character; throws a message saying what is wrong. */
export function checkCertificateNumber(text: string): void {
  const m = NUMBER_RE.exec(text);
  if (!m) throw new Error(`"${text}" is not a certificate number (expected SQR-YYYYMM-CODE-XXXXXXXX-C or SQT-…)`);
  const body = text.slice(0, -2);
  const expected = iso7064Mod3736(body.replace(/-/g, ""));
  if (expected !== m[5]) throw new Error(`certificate number ${text}: check character ${m[5]} is wrong (expected ${expected}); the number was altered or mistyped`);
}
