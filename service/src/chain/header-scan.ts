/**
 * Block headers straight from the text of a JSON-RPC batch answer to eth_getBlockByNumber: the five fields the
 * indexer keeps (number, hash, parentHash, timestamp, logsBloom) found by position, without building the ~25 other
 * strings of each header: at one event a block, where every block's header is read for the logsBloom check, the
 * headers are most of the bytes a backfill reads.
 *
 * Only the plain shape is scanned — one object per call, `"key":"value"` without spaces, no error, no null result —
 * and only when every field lies in the object of its own answer; anything else returns undefined and the transport
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

const FIELDS = ['"hash":"', '"parentHash":"', '"number":"', '"timestamp":"', '"logsBloom":"'].map((f) => Buffer.from(f, "latin1"));
const SEPARATOR = Buffer.from('"jsonrpc":', "latin1");
const ERROR = Buffer.from('"error"', "latin1");
const NULL_RESULT = Buffer.from('"result":null', "latin1");
const QUOTE = 0x22;

/** Start offsets of every occurrence of `needle` in `body`. */
function positions(body: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let at = body.indexOf(needle); at >= 0; at = body.indexOf(needle, at + needle.length)) out.push(at);
  return out;
}

/**
 * True when the k-th occurrence of a field lies in the k-th answer object for every k: between the k-th and the
 * (k+1)-th `"jsonrpc":` key (a node that puts it first) or between the (k-1)-th and the k-th (a node that puts it last).
 */
function aligned(at: readonly number[], sep: readonly number[]): boolean {
  let first = true;
  let last = true;
  for (let k = 0; k < at.length; k++) {
    if (!(at[k] > sep[k] && (k + 1 === sep.length || at[k] < sep[k + 1]))) first = false;
    if (!(at[k] < sep[k] && (k === 0 || at[k] > sep[k - 1]))) last = false;
    if (!first && !last) return false;
  }
  return true;
}

/** The string value that starts at `from` (after `"key":"`), up to its closing quote: a string of its own (a copy). */
function valueAt(body: Buffer, from: number): string {
  const end = body.indexOf(QUOTE, from);
  return end < 0 ? "" : body.toString("latin1", from, end);
}

/**
 * The headers in `body` (a batch answer to `calls`, each `eth_getBlockByNumber(n, false)`), in call order; or
 * undefined when it is not the plain shape (see the file's header).
 */
export function scanHeaders(body: Buffer, calls: readonly RpcCall[]): BlockHeader[] | undefined {
  const n = calls.length;
  if (body.includes(ERROR) || body.includes(NULL_RESULT)) return undefined;
  const sep = positions(body, SEPARATOR);
  if (sep.length !== n) return undefined;
  const at: number[][] = [];
  for (const f of FIELDS) {
    const p = positions(body, f);
    if (p.length !== n || !aligned(p, sep)) return undefined;
    at.push(p);
  }
  const byNumber = new Map<number, BlockHeader>();
  for (let k = 0; k < n; k++) {
    const hash = valueAt(body, at[0][k] + FIELDS[0].length).toLowerCase();
    const parentHash = valueAt(body, at[1][k] + FIELDS[1].length).toLowerCase();
    const number = Number(valueAt(body, at[2][k] + FIELDS[2].length));
    const timestamp = Number(valueAt(body, at[3][k] + FIELDS[3].length));
    const logsBloom = valueAt(body, at[4][k] + FIELDS[4].length);
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
