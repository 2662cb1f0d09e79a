import { getAddress, isHexString } from "ethers";
import { enumValue, formatAssetId, parseRegistrationNumber, sha256File } from "../digest";
import type { Context } from "./context";
import { CliError } from "./errors";

/** A checksummed address, or a CliError naming the option. */
export function parseAddress(v: string | undefined, what: string): string {
  if (!v) throw new CliError(`${what} is required`, `give a 0x address`);
  try {
    return getAddress(v.trim());
  } catch {
    throw new CliError(`${what} "${v}" is not an address`, "give 0x + 40 hex digits");
  }
}

/** A 32-byte hex value (lower case). */
export function parseBytes32(v: string, what: string): string {
  const s = v.trim().toLowerCase();
  if (!isHexString(s, 32)) throw new CliError(`${what} "${v}" is not 32 bytes of hex`, "give 0x + 64 hex digits");
  return s;
}

/** An enum value by its lower-case name (see docs/digests.md). */
export function parseEnum<T extends readonly string[]>(names: T, v: string | undefined, what: string): number {
  if (v === undefined) throw new CliError(`--${what} is required`, `one of ${names.join(", ")}`);
  try {
    return enumValue(names, v, what);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** A non-negative integer (decimal or 0x). */
export function parseUint(v: string | undefined, what: string, max?: bigint): bigint {
  if (v === undefined) throw new CliError(`${what} is required`);
  let n: bigint;
  try {
    n = BigInt(v.trim());
  } catch {
    throw new CliError(`${what} "${v}" is not a whole number`);
  }
  if (n < 0n || (max !== undefined && n > max)) throw new CliError(`${what} ${v} is out of range`);
  return n;
}

/**
 * A time as unix seconds: a number (unix seconds), an ISO 8601 date/time, "now", or a relative "+30d", "+12h",
 * "+45m", "+90s" from now.
 */
export function parseTime(v: string, what: string, now = Math.floor(Date.now() / 1000)): number {
  const s = v.trim();
  if (s === "now") return now;
  if (/^\d+$/.test(s)) return Number(s);
  const rel = /^\+(\d+)([smhdy])$/.exec(s);
  if (rel) {
    const mult = { s: 1, m: 60, h: 3600, d: 86400, y: 365 * 86400 }[rel[2] as "s" | "m" | "h" | "d" | "y"];
    return now + Number(rel[1]) * mult;
  }
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new CliError(`${what} "${v}" is not a time`, "give unix seconds, an ISO date (2026-12-31 or 2026-12-31T00:00:00Z), or +30d / +12h");
  return Math.floor(t / 1000);
}

/** A digest from --x-digest or the SHA-256 of --x-file; `required` makes one of them mandatory. */
export async function digestFrom(digest: string | undefined, file: string | undefined, what: string, required: boolean): Promise<string | undefined> {
  if (digest && file) throw new CliError(`give either --${what}-digest or --${what}-file, not both`);
  if (digest) return parseBytes32(digest, `--${what}-digest`);
  if (file) {
    try {
      return await sha256File(file);
    } catch (e) {
      throw new CliError(`cannot read --${what}-file ${file}: ${(e as Error).message}`);
    }
  }
  if (required) throw new CliError(`--${what}-file <file> or --${what}-digest <0x…> is required`);
  return undefined;
}

/**
 * An asset reference: an asset id (0x + 64 hex, or decimal) or a registration number, which is resolved through
 * the API (the chain has no reverse index) and then checked on chain by the caller.
 */
export async function resolveAsset(ctx: Context, ref: string): Promise<{ assetId: bigint; hex: string; registrationNumber?: string }> {
  const s = ref.trim();
  if (/^0x[0-9a-fA-F]{1,64}$/.test(s) || /^\d+$/.test(s)) {
    const hex = formatAssetId(s);
    return { assetId: BigInt(hex), hex };
  }
  let parsed;
  try {
    parsed = parseRegistrationNumber(s);
  } catch (e) {
    throw new CliError(`"${ref}" is neither an asset id nor a registration number: ${(e as Error).message}`);
  }
  void parsed;
  const body = (await ctx.apiGet(`/v1/assets/by-registration/${encodeURIComponent(s.toUpperCase())}`)) as { data?: Record<string, unknown> } | undefined;
  const id = body?.data?.id ?? body?.data?.assetId;
  if (typeof id !== "string") throw new CliError(`registration number ${s.toUpperCase()} is not known to the API at ${ctx.apiUrl}`, "check the number, or give the asset id");
  return { assetId: BigInt(id), hex: formatAssetId(id), registrationNumber: s.toUpperCase() };
}
