/**
 * What an event handler is, and the readers handlers share. A handler turns one decoded event into rows of the
 * tables it declares. Rows are positional: the event columns, then the table's own values in the order
 * `store/schema.ts` declares them ({@link WrittenValues}), so a handler that writes a table the schema lacks, or
 * values that do not fit its columns, does not compile. No per-row objects: this is the hot path of a backfill.
 */
import type { DecodedEvent, EventArgs } from "../../chain/decoder";
import type { ContractName } from "../../contracts";
import type { SqlValue } from "../../store/db";
import type { HandledTable, WrittenValues } from "../../store/schema";

/** Where a handler's rows go during one range. */
export interface RowSink<T extends HandledTable = HandledTable> {
  /** Adds a row of `table` for `ev` and returns it (event columns first, then `values`). */
  row<K extends T>(table: K, ev: DecodedEvent, values: WrittenValues<K>): SqlValue[];
  /** The timestamp of `ev`'s block (unix seconds). */
  time(ev: DecodedEvent): number;
  /** The state `local` keeps for this range (created on first use). */
  local<S>(local: RangeLocal<S>): S;
}

/** State a handler module keeps for one range (e.g. to pair two events of one transaction). */
export interface RangeLocal<S> {
  init(): S;
  /** Runs after the range's last event. */
  finish?(state: S, out: RowSink): void;
}

/** The handler of one event. */
export interface Handler<T extends HandledTable = HandledTable> {
  /** The tables it writes (the only ones its sink accepts). */
  readonly tables: readonly T[];
  handle(ev: DecodedEvent, out: RowSink<T>): void;
}

/** One row of `table` per event, made from the event's arguments. */
export function into<T extends HandledTable>(table: T, values: (a: EventArgs, ev: DecodedEvent, out: RowSink<T>) => WrittenValues<T>): Handler<T> {
  return {
    tables: [table],
    handle(ev, out) {
      out.row(table, ev, values(ev.args, ev, out));
    },
  };
}

/** A handler that writes any number of rows of `tables`. */
export function writes<T extends HandledTable>(tables: readonly T[], handle: (ev: DecodedEvent, out: RowSink<T>) => void): Handler<T> {
  return { tables, handle };
}

/** A contract's handlers: event name → handler. */
export interface ContractHandlers<M extends Readonly<Record<string, Handler>> = Readonly<Record<string, Handler>>> {
  readonly contract: ContractName;
  readonly events: M;
}

/** Declares the handlers of `contract`'s events (each name must be an event of the contract's ABI). */
export function defineHandlers<const M extends Readonly<Record<string, Handler>>>(contract: ContractName, events: M): ContractHandlers<M> {
  return { contract, events };
}

const ZERO32 = "0x" + "0".repeat(64);

/** A string argument (address, bytesN, uint256 as 0x hex, string, wide uint as decimal). */
export const str = (a: EventArgs, k: string): string => {
  const v = a[k];
  if (typeof v !== "string") throw new Error(`event arg ${k}: expected string, got ${typeof v}`);
  return v;
};

/** A uintN (N ≤ 56) argument. */
export const num = (a: EventArgs, k: string): number => {
  const v = a[k];
  if (typeof v !== "number") throw new Error(`event arg ${k}: expected number, got ${typeof v}`);
  return v;
};

/** A bool argument as 0/1. */
export const flag = (a: EventArgs, k: string): number => (a[k] === true ? 1 : 0);

/** A zero word (no id, no digest) as null. */
export const orNull = (v: string): string | null => (v === ZERO32 ? null : v);

/** The name of enum value `v` in `names` (digest/enums.ts). */
export const enumName = <T extends readonly string[]>(names: T, v: number, what: string): T[number] => {
  const x = names[v];
  if (x === undefined) throw new Error(`invalid ${what} value ${v}`);
  return x;
};

/** bytesN hex of ASCII, zero-padded right → text, or null when all zero. */
export const ascii = (hex: string): string | null => {
  let out = "";
  for (let i = 2; i < hex.length; i += 2) {
    const c = parseInt(hex.slice(i, i + 2), 16);
    if (c === 0) break;
    out += String.fromCharCode(c);
  }
  return out.length === 0 ? null : out;
};
