/**
 * Hostile input (issue 14): requests generated from the API's own OpenAPI document — every operation, every path and
 * query parameter given malformed values (bad percent-encoding, overlong, wrong types, wrongly typed cursors), unknown
 * query parameters, bodies that are not what they claim (bad gzip, UTF-16, oversized, not JSON), oversized headers
 * and other methods — sent over real HTTP to a listening server on both backends. None may answer 5xx or hang: each
 * gets a 4xx with the API's error body (or a 200/404 when the value happens to be well formed).
 *
 * Figures (tries, 5xx, hangs, by status) go to test/faults/results/hostile-requests.{md,json} when FAULTS_RECORD=1
 * (`npm run test:faults` sets it; `npm test` leaves the tracked files as they are).
 * `HOSTILE_PROFILE=full` adds seeded random values per parameter (several thousand requests per backend).
 */
import { expect } from "chai";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { createApi } from "../../service/src/api";
import { RECORDING } from "./helpers/report";
import { A, ASSET1, BACKENDS, BATCH_ROOT, fixtureStatus, ITEMS, P0, T1, writeFixture } from "../service/api/fixture";

const FULL = process.env.HOSTILE_PROFILE === "full";
/** A request that has not been answered after this long hangs. */
const HANG_MS = 5000;
const RESULTS = path.join(__dirname, "results");

/** Malformed or hostile path segments, as sent (already percent-encoded where they are meant to be). */
const SEGMENTS = [
  "%zz", "%C0%AF", "%ED%A0%80", "%", "%%", "%E0%A4", "%FF", "%00", "%2e%2e", "..", "%252F", "%F0%9F%92", "%7B%7D", "%20", "+",
  "a".repeat(5000), encodeURIComponent("💥"), encodeURIComponent("'; DROP TABLE trades;--"), "0x", `0X${"G".repeat(64)}`, "-1", "1e400",
  "9".repeat(80), "null", "undefined", "[]", `0x${"0".repeat(64)}`, `0x${"f".repeat(63)}`, encodeURIComponent("0x\u0000"), "%u0041",
];

/** Hostile query values (percent-encoded as sent). */
const VALUES = [
  "", "-1", "1.5", "1e400", "abc", "%zz", "%C0%AF", "0x", "9".repeat(30), "x".repeat(3000), "%00", "true", "[]", "%7B%7D", "NaN", "0",
];

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), "utf8").toString("base64url");
/** Cursors of the wrong shape or type (PostgreSQL refused strings, floats and out-of-range numbers with a 500). */
const CURSORS = [
  b64(["a", "b", "c"]), b64([1.5, 2, 3]), b64([1e308, 1, 1]), b64([-1, 0, 0]), b64([]), b64({}), b64(null), b64("x"), b64([1, 2]),
  b64([1, 2, 3, 4, 5, 6]), b64([9007199254740993, 1, 1]), b64([[1], [2], [3]]), b64([true, false, null]), b64(["1", "2", "3"]), b64([1]), "!!!",
  "AAAA", "_-_-", "a".repeat(512), "a".repeat(513),
];

/** A value of each path parameter that names something in the fixture. */
const GOOD: Record<string, string> = {
  id: ASSET1, digest: ITEMS[0]!.digest, root: BATCH_ROOT, exchange: A.exA, address: A.m1, tradeId: T1, pledgeId: P0, section: "trades",
  registrationNumber: "X",
};

interface Try {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Status the case must answer, when it is specific. */
  expect?: number;
  what: string;
}

interface Operation {
  path: string;
  method: "get" | "post";
  params: { name: string; in: "path" | "query" }[];
}

function operations(doc: { paths: Record<string, Record<string, { parameters?: { name: string; in: "path" | "query" }[] }>> }): Operation[] {
  const out: Operation[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) out.push({ path: p, method: m as "get" | "post", params: op.parameters ?? [] });
  }
  return out;
}

/** Seeded random strings for the full profile. */
function* randomValues(seed: number, n: number): Generator<string> {
  let x = seed >>> 0 || 1;
  const next = (): number => ((x = (x * 1103515245 + 12345) >>> 0), x);
  for (let i = 0; i < n; i++) {
    const len = next() % 80;
    let s = "";
    for (let k = 0; k < len; k++) {
      const c = next() % 96;
      s += c < 10 ? `%${(next() % 256).toString(16).padStart(2, "0")}` : String.fromCharCode(32 + (next() % 95));
    }
    yield s.replace(/[#?/ ]/g, "%25");
  }
}

function tries(ops: Operation[]): Try[] {
  const out: Try[] = [];
  const fill = (p: string, name?: string, value?: string): string =>
    p.replace(/\{(\w+)\}/g, (_, n: string) => (n === name ? (value as string) : encodeURIComponent(GOOD[n] ?? "x")));
  for (const op of ops) {
    const base = fill(op.path);
    const method = op.method.toUpperCase();
    const pathParams = op.params.filter((p) => p.in === "path");
    const queryParams = op.params.filter((p) => p.in === "query");
    for (const p of pathParams) {
      for (const v of [...SEGMENTS, ...(FULL ? [...randomValues(p.name.length * 7919 + op.path.length, 200)] : [])]) {
        out.push({ method, path: `${fill(op.path, p.name, v)}`, what: `path ${p.name}` });
      }
    }
    if (op.method === "get") {
      // /v1 endpoints refuse parameters they do not take; /health and /metrics (probes, scrapers) ignore them
      const expect = op.path.startsWith("/v1/") ? 400 : undefined;
      out.push({ method, path: `${base}?zzz=1`, what: "unknown query parameter", expect });
      out.push({ method, path: `${base}?${"q".repeat(200)}=1&limit=${"9".repeat(100)}`, what: "unknown query parameter", expect });
    }
    for (const q of queryParams) {
      const values = [...VALUES, ...(q.name === "cursor" ? CURSORS : []), ...(FULL ? [...randomValues(q.name.length * 104729, 100)] : [])];
      for (const v of values) out.push({ method, path: `${base}?${q.name}=${v}`, what: `query ${q.name}` });
      out.push({ method, path: `${base}?${q.name}=1&${q.name}=2`, what: `query ${q.name} twice` });
    }
    if (queryParams.some((q) => q.name === "cursor")) {
      // the first 14 fit no list's key (lists have 1 to 5 non-negative safe integers)
      for (const c of CURSORS.slice(0, 14)) out.push({ method, path: `${base}?cursor=${c}`, what: "cursor of the wrong shape", expect: 400 });
    }
    // headers: a body on a GET that is not what it claims, and headers over Node's limit
    out.push({ method, path: `${base}`, headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: Buffer.from("not gzip at all"), what: "bad gzip" });
    out.push({ method, path: `${base}`, headers: { "X-Padding": "x".repeat(20_000) }, what: "oversized headers", expect: 431 });
    out.push({ method: "DELETE", path: `${base}`, what: "other method" });
    out.push({ method: "PUT", path: `${base}`, headers: { "Content-Type": "application/json" }, body: Buffer.from("{}"), what: "other method" });
    if (op.method === "post") {
      const json = (s: string, type = "application/json"): Partial<Try> => ({ headers: { "Content-Type": type }, body: Buffer.from(s) });
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', "utf16le")]);
      const cases: Partial<Try>[] = [
        { ...json("{}"), what: "empty object" },
        { ...json("{"), what: "malformed JSON", expect: 400 },
        { ...json("[]"), what: "array body" },
        { ...json('"text"'), what: "string body" },
        { ...json("null"), what: "null body" },
        { ...json("[".repeat(10_000) + "]".repeat(10_000)), what: "deeply nested" },
        { ...json('{"a":1}', "text/plain"), what: "text/plain", expect: 415 },
        { ...json('{"a":1}', "application/x-www-form-urlencoded"), what: "form", expect: 415 },
        { headers: {}, body: Buffer.from('{"a":1}'), what: "no content type" },
        { headers: { "Content-Type": "application/json; charset=utf-16" }, body: Buffer.from('{"a":1}', "utf16le"), what: "UTF-16 declared", expect: 415 },
        { headers: { "Content-Type": "application/json" }, body: utf16, what: "UTF-16 with a byte order mark", expect: 415 },
        { headers: { "Content-Type": "application/json" }, body: Buffer.from('{"a":1}', "utf16le"), what: "UTF-16 without a mark", expect: 415 },
        { headers: { "Content-Type": "application/json; charset=latin1" }, body: Buffer.from('{"a":1}'), what: "latin1 declared", expect: 415 },
        { headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: Buffer.from("not gzip at all"), what: "bad gzip body" },
        { headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: gzipSync(Buffer.from("{")).subarray(0, 12), what: "truncated gzip" },
        { headers: { "Content-Type": "application/json", "Content-Encoding": "deflate" }, body: Buffer.from("garbage"), what: "bad deflate" },
        { headers: { "Content-Type": "application/json", "Content-Encoding": "zstd" }, body: Buffer.from("{}"), what: "unknown encoding", expect: 415 },
        { ...json(`{"a":"${"x".repeat(100_000)}"}`), what: "oversized body", expect: 413 },
        { headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" }, body: gzipSync(Buffer.from(`{"a":"${"x".repeat(2_000_000)}"}`)), what: "gzip bomb", expect: 413 },
      ];
      for (const c of cases) out.push({ method: "POST", path: `${base}`, ...c, what: `body: ${c.what}` } as Try);
    }
  }
  return out;
}

interface Answer {
  status: number | "hang" | "reset";
  body: string;
}

function send(port: number, t: Try): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...(t.headers ?? {}) };
    if (t.body) headers["Content-Length"] = t.body.length;
    const req = http.request({ host: "127.0.0.1", port, method: t.method, path: t.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ status: "hang", body: "" });
    }, HANG_MS);
    req.on("error", () => {
      clearTimeout(timer);
      resolve({ status: "reset", body: "" });
    });
    req.end(t.body);
  });
}

const summaries: Record<string, unknown>[] = [];

for (const backend of BACKENDS) {
  describe(`Hostile requests from the OpenAPI document (${backend.name})`, function () {
    this.timeout(FULL ? 1_800_000 : 300_000);
    let server: http.Server;
    let close: () => Promise<void>;
    let port: number;
    let doc: Parameters<typeof operations>[0];
    const errors: object[] = [];

    before(async () => {
      const opened = await backend.open();
      close = opened.close;
      await writeFixture(opened.db);
      const status = fixtureStatus();
      const app = createApi({
        db: opened.db,
        indexerStatus: () => status,
        logger: { info: () => undefined, warn: () => undefined, error: (o: object) => void errors.push(o) },
      });
      server = http.createServer(app);
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      port = (server.address() as AddressInfo).port;
      doc = JSON.parse((await send(port, { method: "GET", path: "/v1/openapi.json", what: "" })).body);
    });
    after(async () => {
      server?.closeAllConnections();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      await close?.();
    });

    it("should answer every one with a 4xx (or 200/404 for a well-formed value), never a 5xx, never hang", async () => {
      const list = tries(operations(doc));
      expect(list.length).to.be.at.least(1000);
      const byStatus: Record<string, number> = {};
      const bad: string[] = [];
      const started = Date.now();
      let i = 0;
      // a few at a time, as clients would
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (i < list.length) {
            const t = list[i++]!;
            const a = await send(port, t);
            byStatus[String(a.status)] = (byStatus[String(a.status)] ?? 0) + 1;
            const label = `${t.method} ${t.path.slice(0, 120)} (${t.what}) → ${a.status} ${a.body.slice(0, 160)}`;
            if (typeof a.status !== "number" || a.status >= 500) bad.push(label);
            else if (t.expect !== undefined && a.status !== t.expect) bad.push(`expected ${t.expect}: ${label}`);
            else if (a.status >= 400 && a.status !== 431) {
              const body = JSON.parse(a.body) as { error?: { code?: string; message?: string } };
              if (!body.error?.code || !body.error.message) bad.push(`no error body: ${label}`);
            }
          }
        }),
      );
      const fivexx = Object.entries(byStatus).filter(([s]) => /^5/.test(s)).reduce((n, [, c]) => n + c, 0);
      const summary = {
        backend: backend.name,
        profile: FULL ? "full" : "ci",
        operations: operations(doc).length,
        tries: list.length,
        "5xx": fivexx,
        hangs: byStatus.hang ?? 0,
        resets: byStatus.reset ?? 0,
        byStatus,
        seconds: (Date.now() - started) / 1000,
        loggedErrors: errors.length,
      };
      summaries.push(summary);
      writeResults();
      expect(bad, bad.slice(0, 30).join("\n")).to.deep.equal([]);
      expect(errors, JSON.stringify(errors.slice(0, 3))).to.deep.equal([]);
    });

    it("should name the field at fault: an unknown query parameter, a malformed path parameter, a wrongly typed cursor", async () => {
      const unknown = JSON.parse((await send(port, { method: "GET", path: `/v1/assets/${ASSET1}?verbose=1`, what: "" })).body);
      expect(unknown.error.field).to.equal("query.verbose");
      const pct = await send(port, { method: "GET", path: "/v1/assets/%zz", what: "" });
      expect([pct.status, JSON.parse(pct.body).error.field]).to.deep.equal([400, "params"]);
      const cursor = await send(port, { method: "GET", path: `/v1/trades?cursor=${b64(["a", "b", "c"])}`, what: "" });
      expect([cursor.status, JSON.parse(cursor.body).error.field]).to.deep.equal([400, "query.cursor"]);
      const utf16 = await send(port, {
        method: "POST", path: "/v1/ownership/verify", headers: { "Content-Type": "application/json; charset=utf-16" }, body: Buffer.from("{}", "utf16le"), what: "",
      });
      expect([utf16.status, JSON.parse(utf16.body).error.code]).to.deep.equal([415, "unsupported_media_type"]);
    });
  });
}

function writeResults(): void {
  if (!RECORDING) return;
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, "hostile-requests.json"), JSON.stringify({ updated: new Date().toISOString(), runs: summaries }, null, 2) + "\n");
  const rows = summaries.map(
    (s) => `| ${String(s.backend)} | ${String(s.profile)} | ${String(s.operations)} | ${String(s.tries)} | ${String(s["5xx"])} | ${String(s.hangs)} | ${String(s.resets)} | ${Object.entries(s.byStatus as Record<string, number>).map(([k, v]) => `${k}: ${v}`).join(", ")} | ${String(s.seconds)} |`,
  );
  fs.writeFileSync(
    path.join(RESULTS, "hostile-requests.md"),
    [
      "# Hostile requests (issue 14)",
      "",
      `Updated ${new Date().toISOString()} by \`npm run test:faults\` (HOSTILE_PROFILE=full for the long profile).`,
      "Requests generated from the API's OpenAPI document; a hang is no answer within 5 s.",
      "",
      "| backend | profile | operations | tries | 5xx | hangs | resets | by status | seconds |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
      ...rows,
      "",
    ].join("\n"),
  );
}

describe("Server-side time limit of every request", () => {
  it("should answer 503 timeout with Retry-After when the store does not answer in time, on the router and on the lean lookup", async () => {
    const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
    const status = fixtureStatus();
    const app = createApi({
      db: { dialect: "sqlite", all: never, get: never },
      indexerStatus: () => status,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      requestTimeLimitMs: 300,
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      for (const p of [`/v1/assets/${ASSET1}`, "/v1/trades", `/v1/evidence/items/${ITEMS[0]!.digest}`]) {
        const started = Date.now();
        const a = await send(port, { method: "GET", path: p, what: "" });
        expect(a.status, p).to.equal(503);
        expect(JSON.parse(a.body).error.code).to.equal("timeout");
        expect(Date.now() - started).to.be.below(3000);
      }
      const res = await new Promise<http.IncomingMessage>((resolve) => http.get({ host: "127.0.0.1", port, path: "/v1/trades", agent: false }, resolve));
      expect(res.headers["retry-after"]).to.equal("1");
      res.resume();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
