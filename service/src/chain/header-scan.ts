/**
 * Block headers straight from the text of a JSON-RPC batch answer to eth_getBlockByNumber: the five fields the
 * indexer keeps (number, hash, parentHash, timestamp, logsBloom) found by position, without building the ~25 other
 * strings of each header: at one event a block, where every block's header is read for the logsBloom check, the
 * headers are most of the bytes a backfill reads.
 *
 * Only the plain shape is scanned — one object per call, `"key":"value"` without spaces, no error, no null result —
 * and only when every field is a top-level key of its own answer's header; anything else returns undefined and the transport
 * parses the answer as JSON (chain/transport.ts), so an odd node is slower, never misread.
 */
import type { RpcCall } from "./transport";

/** The header fields the indexer keeps. */
export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  /** The 256-byte bloom of the block's logs (0x hex), checked against each eth_getLogs answer. */
  logsBloom: string;
}

/*
 * Each key is searched for without its opening quote, which is then checked: the search then starts on a letter that
 * no hex value holds (j, r, h, p, n, t, l), so it skips from key to key. With the quote first it stopped at every
 * quote (7.0 µs a header against 4.5, warm, in 100-header answers of anvil's; at 1 event a block, one header an event).
 */
const FIELDS = ['hash":"', 'parentHash":"', 'number":"', 'timestamp":"', 'logsBloom":"'].map((f) => Buffer.from(f, "latin1"));
const SEPARATOR = Buffer.from('jsonrpc":', "latin1");
const RESULT = Buffer.from('result":{', "latin1");
const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;

/** Where the key `"` + `needle` starts (its quote) in [from, before), or -1. */
function keyAt(body: Buffer, needle: Buffer, from: number, before: number): number {
  for (let p = body.indexOf(needle, from + 1); p >= 0 && p - 1 < before; p = body.indexOf(needle, p + 1)) {
    if (body[p - 1] === QUOTE) return p - 1;
  }
  return -1;
}

/** Start offsets (the opening quote) of every key `"` + `needle` in `body`. */
function positions(body: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let at = keyAt(body, needle, 0, body.length); at >= 0; at = keyAt(body, needle, at + needle.length, body.length)) out.push(at);
  return out;
}

/** The string value that starts at `from` (after `"key":"`), up to its closing quote: a string of its own (a copy). */
function valueAt(body: Buffer, from: number): string {
  const end = body.indexOf(QUOTE, from);
  return end < 0 ? "" : body.toString("latin1", from, end);
}

/**
 * The headers in `body` (a batch answer to `calls`, each `eth_getBlockByNumber(n, false)`), in call order; or
 * undefined when it is not the plain shape (see the file's header).
 *
 * Each answer object lies between two `"jsonrpc":` keys (one per answer, whether a node writes it first or last).
 * In it, the header must be `"result":{…}` and the five fields must come before any nested array or object of the
 * header (its transaction list, withdrawals …): then each is the header's own top-level key, found by searching
 * forward from the header's start (about two passes over the bytes in all, where JSON.parse builds every value).
 */
export function scanHeaders(body: Buffer, calls: readonly RpcCall[]): BlockHeader[] | undefined {
  const n = calls.length;
  const sep = positions(body, SEPARATOR);
  if (sep.length !== n || n === 0) return undefined;
  // jsonrpc first in each answer (anvil, geth): answer k is [sep[k], sep[k+1]); last: (sep[k-1], sep[k]]
  const first = keyAt(body, RESULT, 0, body.length) > sep[0];
  const byNumber = new Map<number, BlockHeader>();
  const at: number[] = new Array(FIELDS.length);
  for (let k = 0; k < n; k++) {
    const lo = first ? sep[k] : k === 0 ? 0 : sep[k - 1];
    const hi = first ? (k + 1 < n ? sep[k + 1] : body.length) : sep[k];
    const start = keyAt(body, RESULT, lo, hi);
    if (start < 0) return undefined; // an error, a null result, another layout
    const from = start + 1 + RESULT.length;
    let nested = body.indexOf(OPEN_BRACKET, from);
    const brace = body.indexOf(OPEN_BRACE, from);
    if (nested < 0 || (brace >= 0 && brace < nested)) nested = brace;
    const end = nested < 0 || nested > hi ? hi : nested;
    for (let f = 0; f < FIELDS.length; f++) {
      const p = keyAt(body, FIELDS[f], from, end);
      if (p < 0) return undefined;
      at[f] = p + 1 + FIELDS[f].length;
    }
    const hash = valueAt(body, at[0]).toLowerCase();
    const parentHash = valueAt(body, at[1]).toLowerCase();
    const number = Number(valueAt(body, at[2]));
    const timestamp = Number(valueAt(body, at[3]));
    const logsBloom = valueAt(body, at[4]);
    if (hash.length !== 66 || parentHash.length !== 66 || !Number.isSafeInteger(number) || !Number.isSafeInteger(timestamp)) return undefined;
    byNumber.set(number, { number, hash, parentHash, timestamp, logsBloom });
  }
  const out: BlockHeader[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const h = byNumber.get(Number(calls[k].params[0]));
    if (!h) return undefined; // answers for other blocks than asked: the JSON path sorts it out (by id)
    out[k] = h;
  }
  return out;
}
