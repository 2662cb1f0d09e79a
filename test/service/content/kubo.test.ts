import { expect } from "chai";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { computeCid, createKuboContentStore, ContentIntegrityError, ContentNotFoundError, type CidProfile } from "../../../service/src/content";

/**
 * A fake Kubo RPC server implementing only what the adapter uses: POST /api/v0/add (multipart), /api/v0/cat and
 * /api/v0/block/stat. No real Kubo node can run here, so this checks the adapter's requests and its verification,
 * not Kubo itself (Kubo's CIDs are covered by the published reference values in cid.test.ts).
 */
class FakeKubo {
  readonly blocks = new Map<string, Uint8Array>();
  tamper = false;
  wrongCid = false;
  lastAddQuery: URLSearchParams | undefined;
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = "";

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://x");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (u.pathname === "/api/v0/add") {
      this.lastAddQuery = u.searchParams;
      const boundary = /boundary=([^;]+)/.exec(req.headers["content-type"] ?? "")?.[1];
      const start = body.indexOf("\r\n\r\n") + 4;
      const end = body.lastIndexOf(Buffer.from(`\r\n--${boundary}`));
      const content = new Uint8Array(body.subarray(start, end));
      const profile: CidProfile = u.searchParams.get("cid-version") === "0" ? "kubo-cidv0" : u.searchParams.get("chunker") === "size-1048576" ? "unixfs-v1-2025" : "kubo-cidv1";
      let cid = await computeCid(content, profile);
      if (this.wrongCid) cid = await computeCid(content, "kubo-cidv0");
      this.blocks.set(cid, content);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ Name: cid, Hash: cid, Size: String(content.length) }) + "\n");
      return;
    }
    const arg = u.searchParams.get("arg") ?? "";
    const data = this.blocks.get(arg);
    if (!data) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ Message: `block ${arg} not found`, Code: 0, Type: "error" }));
      return;
    }
    if (u.pathname === "/api/v0/cat") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(this.tamper ? Buffer.concat([Buffer.from(data), Buffer.from("x")]) : Buffer.from(data));
    } else if (u.pathname === "/api/v0/block/stat") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ Key: arg, Size: data.length }));
    } else {
      res.writeHead(404);
      res.end("404 page not found");
    }
  }
}

describe("content: Kubo store (against a fake Kubo RPC server)", () => {
  const kubo = new FakeKubo();
  before(() => kubo.start());
  after(() => kubo.stop());
  beforeEach(() => { kubo.tamper = false; kubo.wrongCid = false; });

  it("adds with explicit CIDv1 / raw-leaves / 256 KiB chunker flags and reads back verified", async () => {
    const store = createKuboContentStore(kubo.url);
    const cid = await store.put(new TextEncoder().encode("hello feasibility\n"));
    expect(cid).to.equal("bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua");
    expect(kubo.lastAddQuery?.get("cid-version")).to.equal("1");
    expect(kubo.lastAddQuery?.get("raw-leaves")).to.equal("true");
    expect(kubo.lastAddQuery?.get("chunker")).to.equal("size-262144");
    expect(new TextDecoder().decode(await store.get(cid))).to.equal("hello feasibility\n");
    expect(await store.has(cid)).to.equal(true);
    expect(await store.has("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")).to.equal(false);
  });

  it("refuses content a node returns that does not match the CID", async () => {
    const store = createKuboContentStore(kubo.url);
    const cid = await store.put(new TextEncoder().encode('{"manifest":1}'));
    kubo.tamper = true;
    let err: unknown;
    await store.get(cid).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ContentIntegrityError);
  });

  it("refuses a node whose CID differs from the locally computed one", async () => {
    kubo.wrongCid = true;
    let err: unknown;
    await createKuboContentStore(kubo.url).put(new TextEncoder().encode("x")).catch((e: unknown) => (err = e));
    expect((err as Error).message).to.match(/import settings differ/);
  });

  it("reports missing content and unreachable nodes clearly", async () => {
    let err: unknown;
    await createKuboContentStore(kubo.url).get("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku").catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ContentNotFoundError);
    err = undefined;
    await createKuboContentStore("http://127.0.0.1:1", { timeoutMs: 2000 }).put(new Uint8Array([1])).catch((e: unknown) => (err = e));
    expect((err as Error).message).to.match(/IPFS_API_URL/);
  });
});
