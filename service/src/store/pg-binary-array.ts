/**
 * A column of rows as a PostgreSQL array in the binary wire format (what `array_send` writes and `array_recv` reads),
 * for the writer's inserts of positional rows (store/index-store.ts).
 *
 * Why: sent as a text literal (`{"0x…","0x…",…}`) each array is parsed by the server's `array_in`, character by
 * character; in binary every element is length-prefixed and copied. node-postgres sends a Buffer parameter in the
 * binary format.
 *
 * Layout: int32 dimensions (1), int32 has-nulls flag, int32 element type OID, then per dimension int32 length and
 * int32 lower bound (1); then per element int32 byte length (-1 for NULL) and the bytes (text: UTF-8; int4, int8:
 * big-endian two's complement).
 */
import type { SqlValue } from "./db";
import type { ColumnType } from "./schema";

/** Element type OIDs (pg_type.oid) of the schema's column types. */
const ELEMENT_OID: Record<ColumnType, number> = { text: 25, integer: 23, bigint: 20 };
const HEADER_BYTES = 20;
const TWO_32 = 4294967296;
const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/**
 * Column `j` of rows [from, to) as a binary array of `type`, or undefined when a value does not fit the type as the
 * binary format needs it (a fraction, a string in an integer column): the caller then sends the text literal, so
 * that the server judges such a value exactly as before.
 */
export function binaryArray(values: readonly (readonly SqlValue[])[], from: number, to: number, j: number, type: ColumnType): Buffer | undefined {
  return type === "text" ? textArray(values, from, to, j) : integerArray(values, from, to, j, type);
}

function writeHeader(out: Buffer, hasNulls: boolean, oid: number, length: number): void {
  out.writeInt32BE(1, 0);
  out.writeInt32BE(hasNulls ? 1 : 0, 4);
  out.writeInt32BE(oid, 8);
  out.writeInt32BE(length, 12);
  out.writeInt32BE(1, 16);
}

const asText = (v: string | number | bigint): string => (typeof v === "string" ? v : String(v));

function textArray(values: readonly (readonly SqlValue[])[], from: number, to: number, j: number): Buffer {
  let size = HEADER_BYTES;
  let hasNulls = false;
  for (let i = from; i < to; i++) {
    const v = values[i][j];
    if (v === null || v === undefined) hasNulls = true;
    else size += Buffer.byteLength(asText(v), "utf8");
    size += 4;
  }
  const out = Buffer.allocUnsafe(size);
  writeHeader(out, hasNulls, ELEMENT_OID.text, to - from);
  let o = HEADER_BYTES;
  for (let i = from; i < to; i++) {
    const v = values[i][j];
    if (v === null || v === undefined) {
      out.writeInt32BE(-1, o);
      o += 4;
      continue;
    }
    const n = out.write(asText(v), o + 4, "utf8");
    out.writeInt32BE(n, o);
    o += 4 + n;
  }
  return out;
}

function fits(v: SqlValue, type: "integer" | "bigint"): boolean {
  if (typeof v === "bigint") return type === "bigint" && v >= INT8_MIN && v <= INT8_MAX;
  return typeof v === "number" && Number.isSafeInteger(v) && (type === "bigint" || (v >= INT4_MIN && v <= INT4_MAX));
}

function integerArray(values: readonly (readonly SqlValue[])[], from: number, to: number, j: number, type: "integer" | "bigint"): Buffer | undefined {
  const width = type === "integer" ? 4 : 8;
  let present = 0;
  for (let i = from; i < to; i++) {
    const v = values[i][j];
    if (v === null || v === undefined) continue;
    if (!fits(v, type)) return undefined;
    present++;
  }
  const length = to - from;
  const out = Buffer.allocUnsafe(HEADER_BYTES + length * 4 + present * width);
  writeHeader(out, present < length, ELEMENT_OID[type], length);
  let o = HEADER_BYTES;
  for (let i = from; i < to; i++) {
    const v = values[i][j] as number | bigint | null | undefined;
    if (v === null || v === undefined) {
      out.writeInt32BE(-1, o);
      o += 4;
      continue;
    }
    out.writeInt32BE(width, o);
    o += 4;
    if (width === 4) out.writeInt32BE(v as number, o);
    else if (typeof v === "bigint") out.writeBigInt64BE(v, o);
    else {
      // a safe integer as two 32-bit halves, no BigInt per value: the high half carries the sign
      const high = Math.floor(v / TWO_32);
      out.writeInt32BE(high, o);
      out.writeUInt32BE(v - high * TWO_32, o + 4);
    }
    o += width;
  }
  return out;
}
