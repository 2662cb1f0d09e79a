import { ASSET_KIND, ASSET_SOURCE, enumValue, type AssetKindName, type AssetSourceName } from "./enums";

/** Kind letters in AssetKind order: R resource, P product, C compute, M model. */
export const KIND_LETTERS = ["R", "P", "C", "M"] as const;
/** Source letters in AssetSource order: G public (government), E enterprise, P personal. */
export const SOURCE_LETTERS = ["G", "E", "P"] as const;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** What a registration number encodes. */
export interface RegistrationNumberParts {
  /** Exchange code: 2–4 upper-case ASCII letters or digits (a `bytes4` on chain, left-aligned, zero-padded). */
  exchangeCode: string;
  /** Unix time (seconds) of registration; only its UTC year is encoded. */
  registeredAt: number | bigint;
  kind: AssetKindName | number;
  source: AssetSourceName | number;
  /** Per-exchange registration sequence (uint32, from 1); 8 digits, widened (never truncated) past 99,999,999. */
  sequence: number | bigint;
}

/** A parsed registration number. */
export interface ParsedRegistrationNumber {
  exchangeCode: string;
  year: number;
  kind: AssetKindName;
  source: AssetSourceName;
  sequence: number;
  checkChar: string;
}

/**
 * ISO 7064 MOD 37,36 (hybrid system, alphabet 0-9A-Z) check character over `s` (letters and digits only,
 * upper-case): p = 36; for each char: s = (p + value) mod 36, s = 36 if 0, p = 2s mod 37; check = (37 − p) mod 36.
 */
export function iso7064Mod3736(s: string): string {
  const M = 36;
  let p = M;
  for (const ch of s) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`ISO 7064 MOD 37,36: invalid character "${ch}"`);
    let t = (p + v) % M;
    if (t === 0) t = M;
    p = (t * 2) % (M + 1);
  }
  return ALPHABET[(M + 1 - p) % M] as string;
}

/** Normalises an exchange code given as text ("SHDE") or as a `bytes4` hex ("0x53484445"); validates it. */
export function exchangeCodeText(code: string): string {
  let text = code;
  if (/^0x[0-9a-fA-F]{8}$/.test(code)) {
    text = Buffer.from(code.slice(2), "hex").toString("latin1").replace(/\0+$/, "");
  }
  if (!/^[A-Z0-9]{2,4}$/.test(text)) throw new Error(`invalid exchange code "${code}": expected 2-4 upper-case letters or digits`);
  return text;
}

/** The `bytes4` form of an exchange code: ASCII, left-aligned, zero-padded, as `0x` + 8 hex. */
export function exchangeCodeBytes4(code: string): string {
  const text = exchangeCodeText(code);
  return "0x" + Buffer.from(text.padEnd(4, "\0"), "latin1").toString("hex");
}

/**
 * Formats `CODE-YYYY-KS-NNNNNNNN-C`: exchange code, UTC year of `registeredAt`, kind letter + source letter,
 * sequence zero-padded to 8 digits (more digits past 99,999,999, as the contract does), ISO 7064 MOD 37,36 check character over the preceding letters and digits (hyphens dropped).
 */
export function formatRegistrationNumber(parts: RegistrationNumberParts): string {
  const code = exchangeCodeText(parts.exchangeCode);
  const year = new Date(Number(parts.registeredAt) * 1000).getUTCFullYear();
  if (!Number.isFinite(year) || year < 1000 || year > 9999) throw new Error(`invalid registeredAt ${String(parts.registeredAt)}`);
  const kind = KIND_LETTERS[enumValue(ASSET_KIND, parts.kind, "kind")];
  const source = SOURCE_LETTERS[enumValue(ASSET_SOURCE, parts.source, "source")];
  const seq = Number(parts.sequence);
  if (!Number.isInteger(seq) || seq < 1 || seq > 0xffffffff) throw new Error(`invalid sequence ${String(parts.sequence)}: 1..4294967295`);
  const body = `${code}-${year}-${kind}${source}-${String(seq).padStart(8, "0")}`;
  return `${body}-${iso7064Mod3736(body.replace(/-/g, ""))}`;
}

/**
 * Parses a registration number (case-insensitive, surrounding blanks ignored) and checks its check character.
 * Throws a message saying what is wrong (format, unknown letter, or check character mismatch — likely a typo).
 */
export function parseRegistrationNumber(text: string): ParsedRegistrationNumber {
  const s = text.trim().toUpperCase();
  const m = /^([A-Z0-9]{2,4})-(\d{4})-([A-Z])([A-Z])-(\d{8}|[1-9]\d{8,9})-([0-9A-Z])$/.exec(s);
  if (!m) throw new Error(`"${text}" is not a registration number: expected CODE-YYYY-KS-NNNNNNNN-C, e.g. SHDE-2026-RE-00000012-X`);
  const [, code, year, k, src, seq, check] = m as unknown as [string, string, string, string, string, string, string];
  const kindIdx = (KIND_LETTERS as readonly string[]).indexOf(k);
  const srcIdx = (SOURCE_LETTERS as readonly string[]).indexOf(src);
  if (kindIdx < 0) throw new Error(`registration number ${s}: unknown kind letter ${k} (R, P, C or M)`);
  if (srcIdx < 0) throw new Error(`registration number ${s}: unknown source letter ${src} (G, E or P)`);
  const expected = iso7064Mod3736(`${code}${year}${k}${src}${seq}`);
  if (expected !== check) throw new Error(`registration number ${s}: check character ${check} is wrong (expected ${expected}); check for a typo`);
  const sequence = Number(seq);
  if (sequence < 1) throw new Error(`registration number ${s}: sequence starts at 1`);
  return { exchangeCode: code, year: Number(year), kind: ASSET_KIND[kindIdx] as AssetKindName, source: ASSET_SOURCE[srcIdx] as AssetSourceName, sequence, checkChar: check };
}
