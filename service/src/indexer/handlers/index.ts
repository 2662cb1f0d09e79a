/**
 * The dispatcher: a range's decoded events → rows per table, through the handler of each event. The handlers live
 * one file per contract beside this one; the events the indexer understands are exactly the names they map
 * ({@link HANDLED_EVENTS}, from which the decoder is built). Logs of a followed contract that no handler maps are
 * kept raw in `other_events`. Pure: no I/O.
 */
import type { DecodedEvent, UnknownEvent } from "../../chain/decoder";
import type { EventsByContract } from "../../chain/events";
import type { ContractName } from "../../contracts";
import type { SqlValue } from "../../store/db";
import type { RowSet } from "../../store/index-store";
import { writtenColumns, type EventTableName, type HandledTable, type IndexedTable } from "../../store/schema";
import { evidenceHandlers } from "./evidence";
import type { ContractHandlers, Handler, RangeLocal, RowSink } from "./handler";
import { lifecycleHandlers } from "./lifecycle";
import { participantHandlers } from "./participants";
import { pledgeHandlers } from "./pledges";
import { registryHandlers } from "./registry";
import { tradeHandlers } from "./trades";

/** Every contract's handlers. */
export const HANDLERS = [participantHandlers, registryHandlers, tradeHandlers, pledgeHandlers, evidenceHandlers, lifecycleHandlers] as const;

type TablesOf<H> = H extends ContractHandlers<infer M> ? { [K in keyof M]: M[K] extends Handler<infer T> ? T : never }[keyof M] : never;

/** Compile-time check: `Missing` must be empty. */
function noneMissing<Missing extends never>(): void {}
// A table that store/schema.ts declares for handlers but that no handler writes is a compile error here.
noneMissing<Exclude<HandledTable, TablesOf<(typeof HANDLERS)[number]>>>();

/** The events the indexer understands, by contract. */
export const HANDLED_EVENTS: EventsByContract = Object.fromEntries(HANDLERS.map((h) => [h.contract, Object.keys(h.events)]));

const BY_CONTRACT = new Map<ContractName, ReadonlyMap<string, Handler>>(
  HANDLERS.map((h) => [h.contract, new Map(Object.entries(h.events) as [string, Handler][])]),
);

/** Rows produced from a range of logs, by table. */
export type TableRows = Map<IndexedTable, RowSet>;

/** Builds rows from events in log order. `blockTime(n)` gives the timestamp of block n. */
export function eventsToRows(
  chainId: number,
  events: readonly (DecodedEvent | UnknownEvent)[],
  blockTime: (blockNumber: number) => number,
): TableRows {
  const sets = new Map<EventTableName, SqlValue[][]>();
  let timeOf: DecodedEvent | UnknownEvent | undefined;
  let time = 0;
  const timeAt = (ev: DecodedEvent | UnknownEvent): number => {
    if (ev !== timeOf) {
      timeOf = ev;
      time = blockTime(ev.meta.blockNumber);
    }
    return time;
  };
  // the event columns, then the table's own
  const push = (table: EventTableName, ev: DecodedEvent | UnknownEvent, values: readonly SqlValue[]): SqlValue[] => {
    const m = ev.meta;
    const row = [chainId, m.address, m.blockNumber, m.logIndex, m.txHash, timeAt(ev), ...values];
    let list = sets.get(table);
    if (!list) sets.set(table, (list = []));
    list.push(row);
    return row;
  };
  const locals = new Map<RangeLocal<unknown>, unknown>();
  const sink: RowSink = {
    row: (table, ev, values) => push(table, ev, values as readonly SqlValue[]),
    time: timeAt,
    local<S>(local: RangeLocal<S>): S {
      if (!locals.has(local)) locals.set(local, local.init());
      return locals.get(local) as S;
    },
  };
  for (const ev of events) {
    if (ev.name === null) push("other_events", ev, [ev.topics[0] ?? "", JSON.stringify(ev.topics), ev.data]);
    else BY_CONTRACT.get(ev.contract)?.get(ev.name)?.handle(ev, sink);
  }
  for (const [local, state] of locals) local.finish?.(state, sink);
  const out: TableRows = new Map();
  for (const [t, values] of sets) out.set(t, { columns: writtenColumns(t), values });
  return out;
}
