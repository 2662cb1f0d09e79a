/**
 * Row helpers shared by the query modules: the event columns every indexed row carries, and how they appear in
 * JSON (`event: { chainId, contract, txHash, blockNumber, logIndex, blockTime, final }`).
 */
import { EVENT_COLUMNS, type EventRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import type { SqlValue } from "../types";

/** The common columns of an indexed row, as selected by {@link eventCols} (declared in store/schema.ts). */
export type { EventRow };

/** Where an entry came from on chain. */
export interface EventRef {
  chainId: number;
  contract: string;
  txHash: string;
  blockNumber: number;
  logIndex: number;
  /** Block timestamp, unix seconds. */
  blockTime: number;
  /** Block time as ISO 8601 (UTC). */
  time: string;
  /** True when blockNumber <= indexed head - confirmations. */
  final: boolean;
}

/** `alias.chain_id, alias.contract, …` for a SELECT list. */
export function eventCols(alias: string): string {
  return EVENT_COLUMNS.map((c) => `${alias}.${c}`).join(", ");
}

/** The {@link EventRef} of a row. */
export function eventRef(row: EventRow, isFinal: FinalityCheck): EventRef {
  const chainId = Number(row.chain_id);
  const blockNumber = Number(row.block_number);
  const blockTime = Number(row.block_time);
  return {
    chainId,
    contract: row.contract,
    txHash: row.tx_hash,
    blockNumber,
    logIndex: Number(row.log_index),
    blockTime,
    time: new Date(blockTime * 1000).toISOString(),
    final: isFinal(chainId, blockNumber),
  };
}

/** 0/1 (or boolean, or "0"/"1") to boolean. */
export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === "1" || v === 1n;
}

/** Number from a numeric column (PostgreSQL returns aggregates and BIGINTs as strings). */
export function num(v: unknown): number {
  return typeof v === "number" ? v : Number(v);
}

/** `?, ?, ?` for an IN list of `n` values (n >= 1). */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/** The zero uint256 as stored. */
export const ZERO_ID = `0x${"0".repeat(64)}`;

/** A WHERE clause under construction: conditions and their parameters, in order. */
export interface Conditions {
  where: string[];
  params: SqlValue[];
  /** Adds `col = ?` when `v` is given. */
  eq(col: string, v: SqlValue | undefined): void;
}

/** Starts an empty WHERE clause for a filtered list. */
export function conditions(): Conditions {
  const where: string[] = [];
  const params: SqlValue[] = [];
  return {
    where,
    params,
    eq(col, v) {
      if (v === undefined) return;
      where.push(`${col} = ?`);
      params.push(v);
    },
  };
}
