/**
 * Zod schemas for path, query and body values. The same schemas validate requests and generate the OpenAPI
 * document, so what is documented is what is enforced.
 */
import { z } from "zod";
import { badRequest, valueHints } from "./errors";

/** Largest page a list endpoint returns. */
export const MAX_PAGE_SIZE = 200;
/** Page size when `limit` is absent. */
export const DEFAULT_PAGE_SIZE = 50;

/** A uint256 id as `0x` + 64 hex (any case in, lower case out). */
export const hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x followed by 64 hex digits")
  .transform((s) => s.toLowerCase())
  .meta({ example: "0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" });

/** A bytes32 digest, with or without `0x` (lower case, with `0x`, out). */
export const digest32 = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "expected 64 hex digits, optionally prefixed with 0x")
  .transform((s) => (s.startsWith("0x") ? s : `0x${s}`).toLowerCase())
  .meta({ example: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" });

/** An EVM address (any case in, lower case out). */
export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected 0x followed by 40 hex digits")
  .transform((s) => s.toLowerCase())
  .meta({ example: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" });

/** A non-negative integer given as decimal digits (block numbers, unix seconds). */
export const uintString = z
  .string()
  .regex(/^[0-9]{1,15}$/, "expected a non-negative decimal integer")
  .transform((s) => Number(s));

const UINT256_RE = /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/;

/** A uint256 trade or pledge id: decimal digits or `0x` hex; normalised to `0x` + 64 hex. */
export const uint256Id = z
  .string()
  .regex(UINT256_RE, "expected a decimal or 0x-hex uint256")
  .refine((s) => !UINT256_RE.test(s) || BigInt(s) < 1n << 256n, "exceeds uint256")
  .transform((s) => `0x${BigInt(s).toString(16).padStart(64, "0")}`);

/** An EIP-155 chain id. */
export const chainId = uintString.describe("restrict to one chain (EIP-155 id)");

/** `limit` and `cursor` of every list endpoint. */
export const pageQuery = {
  limit: z
    .string()
    .regex(/^[0-9]{1,6}$/, "expected a positive integer")
    .transform((s) => Number(s))
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional()
    .describe(`page size, 1..${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}`),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,512}$/, "expected the opaque cursor of a previous page")
    .optional()
    .describe("`page.nextCursor` of the previous page"),
};

/** Asset kind names (store enums, docs/indexer.md). */
export const assetKind = z.enum(["resource", "product", "compute", "model"]);
/** Asset source names. */
export const assetSource = z.enum(["public", "enterprise", "personal"]);
/** Classification level names. */
export const dataLevel = z.enum(["general", "important", "core"]);
/** Derived asset status: registered (neither frozen nor pledged), frozen, pledged. */
export const assetStatus = z.enum([
  "registered",
  "frozen",
  "pledged",
  "notice",
  "objected",
  "refused",
  "cancelled",
  "expired",
]);
/**
 * An enum whose names have hyphens (service/src/digest/enums.ts); the snake-case spelling is accepted too and
 * normalised to the hyphenated one.
 */
function hyphenEnum<const T extends readonly [string, ...string[]]>(names: T) {
  const snake = names.map((n) => n.replace(/-/g, "_")).filter((n) => !names.includes(n));
  return z.enum([...names, ...snake] as [string, ...string[]]).transform((s) => s.replace(/_/g, "-") as T[number]);
}

/** Right names. */
export const right = hyphenEnum(["holding", "processing", "operating", "product-use"]);
/** Venue names. */
export const venue = hyphenEnum(["on-exchange", "off-exchange"]);
/** Participant status names a filter accepts. */
/** Merchant categories. */
export const merchantCategory = hyphenEnum(["data-resource", "technology", "third-party-service"]);
/** Pledge states. */
export const pledgeStatus = z.enum(["active", "released", "lifted", "defaulted", "enforced"]);
export const participantStatus = z.enum(["active", "suspended"]);

/** Both spellings of a hyphenated enum name, for `IN (?, ?)` filters whatever the store wrote. */
export function spellings(name: string): [string, string] {
  return [name, name.replace(/-/g, "_")];
}

/** The hyphenated spelling of an enum name read from the store. */
export function hyphenated(name: string): string {
  return name.replace(/_/g, "-");
}

valueHints.set(hex32, "0x followed by 64 hex digits");
valueHints.set(digest32, "64 hex digits, optionally prefixed with 0x");
valueHints.set(address, "an address, 0x followed by 40 hex digits");
valueHints.set(uintString, "a non-negative decimal integer");
valueHints.set(uint256Id, "a decimal or 0x-hex uint256");

/** 400 naming `from` when a `[from, to)` time range is reversed (from = to is an empty range, not an error). */
export function checkTimeRange(query: { from?: number; to?: number }): void {
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw badRequest("query.from", `from ${query.from} is after to ${query.to}; the range is from <= block time < to`);
  }
}
