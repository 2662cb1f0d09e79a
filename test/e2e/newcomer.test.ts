/**
 * The README's promise, as a newcomer would live it, with every part a separate process:
 * `npm start -- --demo` (local chain + contracts + demo data + indexer + API), then the `shuquan` CLI registers a
 * file, anchors a folder, and verifies both against the chain — and the API shows them. Also: one instance per data
 * directory, and the service stops when its chain dies.
 */
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { devAccounts } from "../../service/src/devnet/accounts";
import { DEV } from "../../service/src/devnet/bootstrap";
import { sha256Hex } from "../../service/src/digest";
import { freePort } from "../helpers/free-port";

const ROOT = path.resolve(__dirname, "..", "..");

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

describe("newcomer, end to end (separate processes)", function () {
  this.timeout(300_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-e2e-"));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-e2e-work-"));
  // The embedded set-up ignores nothing silently: keep a developer's network settings out of it.
  const { DATABASE_URL: _db, RPC_URL: _rpc, DEPLOYMENT: _dep, ...inherited } = process.env;
  // set once free ports are chosen (before)
  let apiPort = 0;
  let chainPort = 0;
  let apiUrl = "";
  let env: NodeJS.ProcessEnv = {};
  let cliEnv: NodeJS.ProcessEnv = {};
  const shde = devAccounts()[DEV.shde];
  const alice = devAccounts()[DEV.alice];
  let service: ChildProcess | undefined;
  let banner = "";

  function cli(args: string[], key?: string): CliResult {
    const r = spawnSync("npx", ["shuquan", "--json", "--quiet", ...args], {
      cwd: ROOT,
      env: key ? { ...cliEnv, SHUQUAN_PRIVATE_KEY: key } : cliEnv,
      encoding: "utf8",
      timeout: 120_000,
    });
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      /* left empty: the assertions below say what was expected */
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
  }

  async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetchIdempotent(url);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /**
   * A GET retried once when its kept-alive socket turns out closed, as browsers and HTTP clients do for idempotent
   * requests: the CLI runs (spawnSync) block this process's event loop, so under load the pool can hand out a socket
   * the server closed after its 65 s idle limit before undici has noticed ("other side closed").
   */
  async function fetchIdempotent(url: string): Promise<Response> {
    try {
      return await fetch(url);
    } catch (e) {
      const code = (e as { cause?: { code?: string } }).cause?.code;
      if (code !== "UND_ERR_SOCKET") throw e;
      return fetch(url);
    }
  }

  async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  before(async function () {
    [apiPort, chainPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    env = { ...inherited, DATA_DIR: dataDir, PORT: String(apiPort), CHAIN_PORT: String(chainPort), LOG_LEVEL: "warn" };
    cliEnv = { ...env, RPC_URL: `http://127.0.0.1:${chainPort}`, SHUQUAN_API_URL: apiUrl };
    // `npm start` as the README says; detached so the whole process group (npm, node, chain) can be stopped.
    service = spawn("npm", ["start", "--", "--demo"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    service.stdout!.on("data", (b: Buffer) => (banner += b.toString()));
    service.stderr!.on("data", (b: Buffer) => (banner += b.toString()));
    await eventually("npm start to print its banner", async () => (banner.includes("Shuquan is running.") ? true : undefined), 240_000);
  });

  after(async function () {
    // a failed test shows what the service said (its exit, its last log lines), not only the client's socket error
    if (this.test?.parent?.tests.some((t) => t.state === "failed")) console.error(`npm start said:\n${banner.slice(-6000)}`);
    if (service?.pid) {
      try {
        process.kill(-service.pid, "SIGINT");
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 2000));
      try {
        process.kill(-service.pid, "SIGKILL");
      } catch {
        /* stopped cleanly */
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("should print the URLs, the development accounts with their roles, and CLI commands to try", function () {
    expect(banner).to.include(`${apiUrl}/v1`);
    expect(banner).to.include(`${apiUrl}/health`);
    for (const a of devAccounts()) expect(banner).to.include(a.address);
    expect(banner).to.match(/regulator/);
    expect(banner).to.include("npx shuquan asset register");
    expect(banner).to.include("npx shuquan evidence anchor");
    expect(banner).to.include("npx shuquan verify");
    expect(banner).to.include("Demo data:");
  });

  it("should serve the demo data set: lineage, licences, linked and confidential trades, a pledge, a frozen asset", async function () {
    const assets = (await getJson(`${apiUrl}/v1/assets?limit=50`)).body.data as { kind: string; parents: string[]; frozen: boolean }[];
    expect(assets.length).to.be.at.least(4);
    expect(assets.some((a) => a.kind === "product" && a.parents.length === 1)).to.equal(true);
    expect(assets.some((a) => a.frozen)).to.equal(true);
    const trades = (await getJson(`${apiUrl}/v1/trades?limit=50`)).body.data as { venue: string; confidential: boolean; linkedTrade: unknown }[];
    expect(trades.length).to.equal(5);
    expect(trades.some((t) => t.venue === "off-exchange" && t.confidential && t.linkedTrade !== null)).to.equal(true);
    // regulated use (docs/regulated-use.md): a cross-border trade, a receipt outside its licence, an assessment
    expect((await getJson(`${apiUrl}/v1/cross-border-trades`)).body.data).to.have.length(1);
    // the receipt verifier runs beside the indexer: wait for it to have judged the demo's receipt batch
    const violations = await eventually("the demo's receipts to be judged", async () => {
      const v = (await getJson(`${apiUrl}/v1/violations`)).body.data as { code: string }[];
      return v.length > 0 ? v : undefined;
    });
    expect(violations.map((v) => v.code)).to.deep.equal(["outside-window"]);
    expect((await getJson(`${apiUrl}/v1/assessments`)).body.data).to.have.length(1);
    const pledges = (await getJson(`${apiUrl}/v1/pledges?status=active`)).body.data as unknown[];
    expect(pledges.length).to.equal(1);
    // and the registration lifecycle's demo beside them: one registration under notice with an open objection, one
    // cancelled (注销) — both seeded by the same `--demo` (issue 11 with issues 9 and 13)
    expect((await getJson(`${apiUrl}/v1/assets?status=objected`)).body.data).to.have.length(1);
    expect((await getJson(`${apiUrl}/v1/assets?status=cancelled`)).body.data).to.have.length(1);
    expect(((await getJson(`${apiUrl}/v1/objections`)).body.data as unknown[]).length).to.be.at.least(1);
  });

  it("should date the demo's history in the past and its head at the start, not days ahead of the wall clock", async function () {
    const provider = new JsonRpcProvider(`http://127.0.0.1:${chainPort}`, undefined, { staticNetwork: true });
    try {
      const now = Math.floor(Date.now() / 1000);
      // the demo moves the clock on by two days and more (a lapsed licence): its first blocks lie that far back
      expect((await provider.getBlock(1))!.timestamp).to.be.at.most(now - 2 * 24 * 3600);
      const head = (await provider.getBlock("latest"))!.timestamp;
      expect(head).to.be.at.most(now + 5);
      expect(head).to.be.at.least(now - 600); // mined at the start-up, which the before() hook waited for
    } finally {
      provider.destroy();
    }
  });

  it("should refuse a second instance on the same data directory, and leave the first one serving", function () {
    const second = spawnSync("npm", ["start"], {
      cwd: ROOT,
      env: { ...env, PORT: String(apiPort + 1000), CHAIN_PORT: String(chainPort + 1000) },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(second.status).to.not.equal(0);
    expect(second.stdout + second.stderr).to.match(/another Shuquan instance .* DATA_DIR/);
    expect(fs.existsSync(path.join(dataDir, "shuquan.sqlite"))).to.equal(true);
  });

  it("should register a file, anchor a folder, verify both on chain, and show them in the API", async function () {
    const hello = path.join(work, "hello.txt");
    fs.writeFileSync(hello, "hello 数权\n");
    // the holder applies (signs), the exchange registers
    const application = path.join(work, "hello.application.json");
    const applied = cli(
      ["asset", "apply", hello, "--exchange", shde.address, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", "docs/examples/metadata.json", "--out", application],
      alice.privateKey,
    );
    expect(applied.status, applied.stderr).to.equal(0);
    const reg = cli(["asset", "register", "--application", application], shde.privateKey);
    expect(reg.status, reg.stderr).to.equal(0);
    const assetId = reg.json.assetId as string;
    expect(assetId).to.equal(sha256Hex(fs.readFileSync(hello)));
    expect(reg.json.registrationNumber).to.match(/^SHDE-\d{4}-RE-\d{8}-[0-9A-Z*]$/);

    const receipts = path.join(work, "receipts");
    fs.mkdirSync(receipts);
    for (const n of [1, 2, 3]) fs.writeFileSync(path.join(receipts, `receipt-${n}.txt`), `delivery receipt ${n}\n`);
    const proofsOut = path.join(work, "receipts.proofs.json");
    const anchored = cli(["evidence", "anchor", receipts, "--proofs-out", proofsOut], shde.privateKey);
    expect(anchored.status, anchored.stderr).to.equal(0);
    const root = anchored.json.root as string;
    expect(root).to.match(/^0x[0-9a-f]{64}$/);
    expect(anchored.json.leafCount).to.equal(3);
    expect(fs.existsSync(proofsOut)).to.equal(true);

    // The auditor's check comes from the chain; the API only has to have indexed the batch to offer its proof.
    const receipt2 = path.join(receipts, "receipt-2.txt");
    const digest2 = sha256Hex(fs.readFileSync(receipt2));
    await eventually("the API to serve the anchored item", async () => {
      const r = await getJson(`${apiUrl}/v1/evidence/items/${digest2}`);
      return r.status === 200 ? r : undefined;
    });

    const v1 = cli(["verify", hello]);
    expect(v1.status, v1.stderr).to.equal(0);
    const r1 = (v1.json.results as { registered?: { registrationNumber: string; holder: string } }[])[0];
    expect(r1.registered?.registrationNumber).to.equal(reg.json.registrationNumber);
    expect(r1.registered?.holder.toLowerCase()).to.equal(alice.address.toLowerCase());

    const v2 = cli(["verify", receipt2]);
    expect(v2.status, v2.stderr).to.equal(0);
    const r2 = (v2.json.results as { anchored: { root: string; exchange: string }[] }[])[0];
    expect(r2.anchored.map((a) => a.root)).to.include(root);
    expect(r2.anchored[0].exchange.toLowerCase()).to.equal(shde.address.toLowerCase());

    const asset = await eventually("the API to serve the asset", async () => {
      const r = await getJson(`${apiUrl}/v1/assets/${assetId}`);
      return r.status === 200 ? r.body : undefined;
    });
    const data = asset.data as { registrationNumber: string; holder: string; exchangeCode: string };
    expect(data.registrationNumber).to.equal(reg.json.registrationNumber);
    expect(data.holder).to.equal(alice.address.toLowerCase());
    expect(data.exchangeCode).to.equal("SHDE");

    const item = await getJson(`${apiUrl}/v1/evidence/items/${digest2}`);
    expect(JSON.stringify(item.body)).to.include(root);

    // alice proves she holds the asset; an auditor checks the statement on chain and through the API
    const statement = path.join(work, "ownership.json");
    const prove = cli(["ownership", "prove", reg.json.registrationNumber as string, "--nonce", "e2e", "--out", statement], alice.privateKey);
    expect(prove.status, prove.stdout + prove.stderr).to.equal(0);
    const check = cli(["ownership", "verify", statement, "--via-api"]);
    expect(check.status, check.stdout + check.stderr).to.equal(0);
    expect(check.json.valid).to.equal(true);
    expect((check.json.api as { valid: boolean }).valid).to.equal(true);

    // the provenance report, looked up by registration number, names the registering transaction's exchange
    const prov = cli(["provenance", reg.json.registrationNumber as string]);
    expect(prov.status, prov.stdout + prov.stderr).to.equal(0);
    expect(JSON.stringify(prov.json).toLowerCase()).to.include(shde.address.toLowerCase());
  });

  it("should say NOT FOUND, with exit code 2, for a file that was never registered or anchored", function () {
    const stranger = path.join(work, "stranger.txt");
    fs.writeFileSync(stranger, `never registered ${Date.now()}\n`);
    const r = cli(["verify", stranger]);
    expect(r.status).to.equal(2);
    expect(r.json.found).to.equal(false);
  });

  it("should refuse a registration signed by a key that is not an accredited exchange, and change nothing", async function () {
    const file = path.join(work, "rogue.txt");
    fs.writeFileSync(file, "rogue registration\n");
    const application = path.join(work, "rogue.application.json");
    const applied = cli(
      ["asset", "apply", file, "--exchange", shde.address, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", "docs/examples/metadata.json", "--out", application],
      alice.privateKey,
    );
    expect(applied.status, applied.stderr).to.equal(0);
    // alice holds her own application but is no exchange: the CLI refuses (the application names SHDE), and --force lets the chain refuse
    const r = cli(["asset", "register", "--application", application, "--force"], alice.privateKey);
    expect(r.status).to.equal(1);
    expect(r.json.ok).to.equal(false);
    expect((r.json.error as { message: string }).message).to.match(/exchange/i);
    const res = await getJson(`${apiUrl}/v1/assets/${sha256Hex(fs.readFileSync(file))}`);
    expect(res.status).to.equal(404);
  });

  it("should stop, with an error, when its embedded chain dies", async function () {
    const pid = (JSON.parse(fs.readFileSync(path.join(dataDir, "chain", "anvil.pid"), "utf8")) as { pid: number }).pid;
    expect(pid, "the chain's pid").to.be.greaterThan(0);
    const exited = new Promise<number | null>((resolve) => service!.once("exit", (code) => resolve(code)));
    process.kill(pid, "SIGKILL");
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running"), 30_000))]);
    expect(code).to.not.equal("still running");
    expect(code).to.not.equal(0);
    expect(banner).to.match(/embedded chain exited/);
  });
});
