import { AbiCoder, getAddress, keccak256 } from "ethers";
import { enumValue, RIGHT, type RightName } from "./enums";
import type { Hex } from "./hash";

const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT96 = (1n << 96n) - 1n;

/** Parses a uint256 from bigint, number, decimal string or `0x` hex; throws when out of range. */
export function toUint256(value: bigint | number | string, what = "value"): bigint {
  let v: bigint;
  try {
    v = BigInt(value);
  } catch {
    throw new Error(`invalid ${what} "${String(value)}": expected a decimal or 0x-hex integer`);
  }
  if (v < 0n || v > MAX_UINT256) throw new Error(`invalid ${what} "${String(value)}": out of uint256 range`);
  return v;
}

/** A uint256 as `0x` + 64 lower-case hex (the JSON/API form of asset ids, trade ids, pledge ids). */
export function formatAssetId(id: bigint | number | string): Hex {
  return "0x" + toUint256(id, "id").toString(16).padStart(64, "0");
}

/** Asset id of a content digest: `uint256(contentDigest)`. */
export function assetIdFromDigest(digest: Hex): bigint {
  if (!/^0x[0-9a-fA-F]{64}$/.test(digest)) throw new Error(`invalid content digest "${digest}": expected 0x + 64 hex`);
  return BigInt(digest);
}

/** Content digest of an asset id: `bytes32(assetId)` as `0x` + 64 lower-case hex. */
export function digestFromAssetId(assetId: bigint | string): Hex {
  return formatAssetId(assetId);
}

/** Licence id: `keccak256(abi.encode(uint256 assetId, address grantee, uint8 right))`. */
export function licenceIdOf(assetId: bigint | string, grantee: string, right: RightName | number): Hex {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint8"],
      [toUint256(assetId, "asset id"), getAddress(grantee), enumValue(RIGHT, right, "right")],
    ),
  );
}

/** Trade id: `(uint256(uint160(exchange)) << 96) | serial`, serial a uint96. */
export function tradeIdOf(exchange: string, serial: bigint | number): bigint {
  const s = BigInt(serial);
  if (s < 0n || s > MAX_UINT96) throw new Error(`invalid trade serial ${String(serial)}: must fit in 96 bits`);
  return (BigInt(getAddress(exchange)) << 96n) | s;
}

/** Inverse of `tradeIdOf`: the recording exchange (checksummed) and its serial. */
export function parseTradeId(tradeId: bigint | string): { exchange: string; serial: bigint } {
  const id = toUint256(tradeId, "trade id");
  return { exchange: getAddress("0x" + (id >> 96n).toString(16).padStart(40, "0")), serial: id & MAX_UINT96 };
}
