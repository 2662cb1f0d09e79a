import canonicalize from "canonicalize";
import { sha256Hex, type Hex } from "./hash";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) of `value`, as a string. Throws on values JSON cannot represent
 * (undefined at top level, non-finite numbers, bigint).
 */
export function canonicalJson(value: unknown): string {
  let out: string | undefined;
  try {
    out = canonicalize(value);
  } catch (e) {
    throw new Error(`cannot canonicalise value: ${(e as Error).message}`);
  }
  if (out === undefined) throw new Error("cannot canonicalise value: not representable as JSON");
  return out;
}

/** The UTF-8 bytes of `canonicalJson(value)`. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

/** Digest of a record (evidence item, metadata document): SHA-256 of the UTF-8 bytes of its RFC 8785 JCS form. */
export function recordDigest(record: unknown): Hex {
  return sha256Hex(canonicalJsonBytes(record));
}
