import { expect } from "chai";
import { scanHeaders } from "../../../service/src/chain/header-scan";
import type { RpcCall } from "../../../service/src/chain/transport";

const h32 = (n: number, tag: string): string => "0x" + (tag + n.toString(16)).padStart(64, "0");
const bloom = (n: number): string => "0x" + n.toString(16).padStart(512, "0");
const calls = (ns: number[]): RpcCall[] => ns.map((n) => ({ method: "eth_getBlockByNumber", params: ["0x" + n.toString(16), false] }));

/** A header as anvil answers it (more fields than kept, a transaction list, withdrawals). */
const header = (n: number): Record<string, unknown> => ({
  hash: h32(n, "a"),
  parentHash: h32(n - 1, "a"),
  sha3Uncles: h32(0, "c"),
  miner: "0x" + "0".repeat(40),
  stateRoot: h32(n, "d"),
  logsBloom: bloom(n),
  number: "0x" + n.toString(16),
  timestamp: "0x" + (1_700_000_000 + n).toString(16),
  mixHash: h32(n, "e"),
  uncles: [],
  transactions: [h32(n, "f")],
  withdrawals: [],
});
const expected = (n: number) => ({ number: n, hash: h32(n, "a"), parentHash: h32(n - 1, "a"), timestamp: 1_700_000_000 + n, logsBloom: bloom(n) });
const answer = (items: unknown[]): Buffer => Buffer.from(JSON.stringify(items), "latin1");

describe("chain/header-scan", () => {
  it("should read the kept fields of every header, in call order whatever the answer's order", () => {
    const ns = [5, 6, 7];
    const body = answer(ns.map((n, i) => ({ jsonrpc: "2.0", id: i + 1, result: header(n) })).reverse());
    expect(scanHeaders(body, calls(ns))).to.deep.equal(ns.map(expected));
  });

  it("should read the header's own fields when a nested object after them has fields of the same names", () => {
    const nested = answer([{ jsonrpc: "2.0", id: 1, result: { ...header(5), transactions: [{ hash: h32(1, "b"), number: "0x1" }] } }]);
    expect(scanHeaders(nested, calls([5]))).to.deep.equal([expected(5)]);
  });

  it("should not take a key that only ends like a kept one (its own quote is checked) for it", () => {
    // a node's extra keys before the header's own: "myhash", "blocknumber", "xlogsBloom", "lastresult", "oldjsonrpc"
    const extra = { myhash: h32(9, "b"), blocknumber: "0x9", xtimestamp: "0x1", xlogsBloom: bloom(9), xparentHash: h32(8, "b") };
    const body = answer([5, 6].map((n, i) => ({ oldjsonrpc: "1.0", jsonrpc: "2.0", id: i + 1, lastresult: { hash: h32(7, "b") }, result: { ...extra, ...header(n) } })));
    expect(scanHeaders(body, calls([5, 6]))).to.deep.equal([5, 6].map(expected));
  });

  it("should read answers whose jsonrpc key comes last, and lower-case the hashes", () => {
    const body = answer([5, 6].map((n, i) => ({ id: i + 1, result: { ...header(n), hash: h32(n, "a").toUpperCase().replace("0X", "0x") }, jsonrpc: "2.0" })));
    expect(scanHeaders(body, calls([5, 6]))).to.deep.equal([5, 6].map(expected));
  });

  it("should leave to the JSON path an answer with an error, a null result or blocks not asked for", () => {
    const ok = (n: number, id: number) => ({ jsonrpc: "2.0", id, result: header(n) });
    expect(scanHeaders(answer([ok(5, 1), { jsonrpc: "2.0", id: 2, error: { code: -32000, message: "header not found" } }]), calls([5, 6]))).to.equal(undefined);
    expect(scanHeaders(answer([ok(5, 1), { jsonrpc: "2.0", id: 2, result: null }]), calls([5, 6]))).to.equal(undefined);
    expect(scanHeaders(answer([ok(5, 1), ok(9, 2)]), calls([5, 6]))).to.equal(undefined);
  });

  it("should leave to the JSON path any shape whose fields could be misread", () => {
    const spaced = Buffer.from(JSON.stringify([{ jsonrpc: "2.0", id: 1, result: header(5) }], null, 1), "latin1");
    expect(scanHeaders(spaced, calls([5])), "spaces").to.equal(undefined);
    // a nested object with a "hash" of its own before the header's fields: not read as the header's
    const nestedFirst = answer([{ jsonrpc: "2.0", id: 1, result: { transactions: [{ hash: h32(1, "b") }], ...header(5) } }]);
    expect(scanHeaders(nestedFirst, calls([5])), "nested first").to.equal(undefined);
    // a header without a hash beside one with an extra one: counts match, but a field lies in another answer's object
    const { hash: _dropped, ...noHash } = header(5);
    const shifted = answer([
      { jsonrpc: "2.0", id: 1, result: noHash },
      { jsonrpc: "2.0", id: 2, result: { ...header(6), transactions: [{ hash: h32(1, "b") }] } },
    ]);
    expect(scanHeaders(shifted, calls([5, 6])), "shifted").to.equal(undefined);
    const shortHash = answer([{ jsonrpc: "2.0", id: 1, result: { ...header(5), hash: "0x12" } }]);
    expect(scanHeaders(shortHash, calls([5])), "short hash").to.equal(undefined);
  });
});
