/**
 * The production install, scaled out, as separate processes: a pruned install (runtime dependencies only) deploys
 * to a separately started node, its CLI registers and anchors, and its service runs as one indexer and two API
 * processes on PostgreSQL. The API processes answer identically while the indexer follows new blocks, and survive
 * an API process killed and restarted and the indexer killed and restarted, each /health saying what it sees.
 * Start-up refuses a wrong deployment, an unreachable database and an unreachable chain with one line.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONTRACT_NAMES } from "../../service/src/contracts";
import { devAccounts, DEV } from "../../service/src/devnet/accounts";
import { anvilBinary } from "../../service/src/devnet/local-chain";
import { sha256Hex } from "../../service/src/digest";
import { dropPostgresSchema } from "../../service/src/store";
import { freePort } from "../helpers/free-port";
import { eventually, getJson, start, type Started } from "./processes";
import { prunedInstall } from "./pruned-install";

const PG = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("production install, scaled out on PostgreSQL (separate processes)", function () {
  this.timeout(900_000);
  let install: { dir: string; made: boolean };
  let chain: ChildProcess | undefined;
  let rpcUrl = "";
  let deploymentFile = "";
  const schema = `sq_prod_${process.pid}_${Date.now() % 100_000}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-prod-data-"));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-prod-work-"));
  const deployer = devAccounts()[DEV.deployer];
  const shde = devAccounts()[DEV.shde];
  const alice = devAccounts()[DEV.alice];
  let indexer: Started | undefined;
  const apis: (Started | undefined)[] = [undefined, undefined];
  const ports: number[] = [];
  let serviceEnv: NodeJS.ProcessEnv;

  const node = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, args, { cwd: work, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: "utf8", timeout: 120_000 });
  const cli = (args: string[], key?: string) => {
    const r = node([path.join(install.dir, "service", "bin", "shuquan"), "--json", "--quiet", "--rpc", rpcUrl, "--deployment", deploymentFile, ...args], {
      DATA_DIR: dataDir,
      SHUQUAN_API_URL: `http://127.0.0.1:${ports[1]}`,
      ...(key ? { SHUQUAN_PRIVATE_KEY: key } : {}),
    });
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      /* the assertion says what was expected */
    }
    return { status: r.status, out: r.stdout + r.stderr, json };
  };
  const service = (role: string, port: number, extra: NodeJS.ProcessEnv = {}): Started =>
    start(process.execPath, [path.join(install.dir, "dist", "service", "src", "main.js")], { ...serviceEnv, ROLE: role, PORT: String(port), ...extra }, work);
  const health = async (port: number) => getJson(`http://127.0.0.1:${port}/health`).catch(() => ({ status: 0, body: {} as Record<string, unknown> }));
  const chainOf = (h: { body: Record<string, unknown> }) => ((h.body.chains as { indexedBlock: number; chainHead: number | null }[] | undefined) ?? [])[0];
  const register = (name: string): string => {
    const file = path.join(work, name);
    fs.writeFileSync(file, `${name} ${Math.random()}\n`);
    const application = `${file}.application.json`;
    const a = cli(["asset", "apply", file, "--exchange", shde.address, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", path.join(install.dir, "docs/examples/metadata.json"), "--out", application], alice.privateKey);
    expect(a.status, a.out).to.equal(0);
    const r = cli(["asset", "register", "--application", application], shde.privateKey);
    expect(r.status, r.out).to.equal(0);
    return sha256Hex(fs.readFileSync(file));
  };
  /** Both API processes, once they report the same indexed block and head, give the same (200) answers to `paths`. */
  const sameAnswers = async (paths: string[]): Promise<Record<string, unknown>[]> =>
    eventually("both API processes to answer identically", async () => {
      const [h1, h2] = [await health(ports[1]!), await health(ports[2]!)];
      const [c1, c2] = [chainOf(h1), chainOf(h2)];
      if (!c1 || !c2 || c1.indexedBlock !== c2.indexedBlock || c1.chainHead !== c2.chainHead) return undefined;
      const a = await Promise.all(paths.map((p) => getJson(`http://127.0.0.1:${ports[1]}${p}`)));
      const b = await Promise.all(paths.map((p) => getJson(`http://127.0.0.1:${ports[2]}${p}`)));
      if (a.some((x) => x.status !== 200) || JSON.stringify(a) !== JSON.stringify(b)) return undefined;
      return a.map((x) => x.body);
    });

  before(async function () {
    install = prunedInstall();
    // a separately started node (the development install's anvil: the production install has none)
    const chainPort = await freePort();
    rpcUrl = `http://127.0.0.1:${chainPort}`;
    chain = spawn(anvilBinary(), ["--port", String(chainPort), "--hardfork", "cancun", "--silent"], { stdio: "ignore" });
    await eventually("the node to answer", async () => {
      const res = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' });
      return res.ok ? true : undefined;
    });
    for (let i = 0; i < 3; i++) ports.push(await freePort());
    serviceEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RPC_URL: rpcUrl,
      DATABASE_URL: PG,
      DATABASE_SCHEMA: schema,
      DATA_DIR: dataDir,
      LOG_FORMAT: "json",
      POLL_INTERVAL_MS: "200",
      HEALTH_STALL_AFTER_MS: "1500",
    };
  });

  after(async function () {
    await Promise.all([indexer?.stop(), ...apis.map((a) => a?.stop())]);
    chain?.kill("SIGKILL");
    await dropPostgresSchema(PG, schema).catch(() => undefined);
    if (install?.made) fs.rmSync(install.dir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("should hold runtime dependencies only, and run the compiled CLI (also through npx)", function () {
    for (const dev of ["hardhat", "typescript", "ts-node", "@foundry-rs/anvil", "mocha", "solc"]) {
      expect(fs.existsSync(path.join(install.dir, "node_modules", dev)), dev).to.equal(false);
    }
    expect(fs.existsSync(path.join(install.dir, "node_modules", "ethers"))).to.equal(true);
    const v = node([path.join(install.dir, "service", "bin", "shuquan"), "--version"]);
    expect(v.status, v.stdout + v.stderr).to.equal(0);
    expect(v.stdout.trim()).to.equal("0.1.0");
    const npx = spawnSync("npx", ["--no-install", "shuquan", "--help"], { cwd: install.dir, encoding: "utf8", timeout: 60_000 });
    expect(npx.status, npx.stdout + npx.stderr).to.equal(0);
    expect(npx.stdout).to.include("evidence");
  });

  it("should deploy from the pruned install and set up participants with its CLI", function () {
    const d = node([path.join(install.dir, "dist", "scripts", "deploy.js")], { RPC_URL: rpcUrl, SHUQUAN_PRIVATE_KEY: deployer.privateKey, OUT_DIR: work });
    expect(d.status, d.stdout + d.stderr).to.equal(0);
    deploymentFile = path.join(work, "31337.json");
    expect(JSON.parse(fs.readFileSync(deploymentFile, "utf8")).contracts).to.have.all.keys(...CONTRACT_NAMES);
    // a second deploy would replace the file the indexer follows: refused
    const again = node([path.join(install.dir, "dist", "scripts", "deploy.js")], { RPC_URL: rpcUrl, SHUQUAN_PRIVATE_KEY: deployer.privateKey, OUT_DIR: work });
    expect(again.status).to.not.equal(0);
    expect(again.stderr).to.match(/exists: an indexer may follow it/);
    serviceEnv.DEPLOYMENT = deploymentFile;
    let r = cli(["exchange", "accredit", shde.address, "--code", "SHDE", "--name", "Shanghai Data Exchange"], deployer.privateKey);
    expect(r.status, r.out).to.equal(0);
    const consent = path.join(work, "alice.consent.json");
    r = cli(["merchant", "consent", "--exchange", shde.address, "--category", "data-resource", "--credential-digest", "0x" + "11".repeat(32), "--out", consent], alice.privateKey);
    expect(r.status, r.out).to.equal(0);
    r = cli(["merchant", "onboard", alice.address, "--consent", consent], shde.privateKey);
    expect(r.status, r.out).to.equal(0);
  });

  it("should refuse to start, with one line and exit 1, on a wrong deployment, an unreachable database or another chain id, and wait for an unreachable chain", async function () {
    const wrong = path.join(work, "wrong.json");
    fs.writeFileSync(wrong, JSON.stringify({ chainId: 31337, startBlock: 0, contracts: { ParticipantRegistry: "0x" + "ab".repeat(20) } }));
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{ DEPLOYMENT: wrong }, /^shuquan: cannot start: the deployment does not match the chain at .*: no contract at 0xabab/],
      [{ DATABASE_URL: "postgres://postgres@127.0.0.1:1/test" }, /^shuquan: cannot start: cannot open the database \(PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/test\)/],
      [{ CHAIN_ID: "5" }, /^shuquan: cannot start: CHAIN_ID is 5 but DEPLOYMENT is for chain 31337/],
    ];
    for (const [extra, expected] of cases) {
      const s = service("all", ports[0]!, extra);
      expect(await s.exited(60_000)).to.equal(1);
      const lines = s.output().split("\n").filter((l) => l.startsWith("shuquan:"));
      expect(lines, s.output()).to.have.length(1);
      expect(lines[0]).to.match(expected);
      expect(s.output()).to.not.include("Shuquan is running");
    }
    // an unreachable chain is waited for, as the running indexer does, with a line per attempt saying so
    const waiting = service("all", ports[0]!, { RPC_URL: "http://127.0.0.1:1" });
    await waiting.waitFor(/cannot reach the chain's JSON-RPC at http:\/\/127\.0\.0\.1:1.*retrying in/, 60_000);
    expect(waiting.output()).to.not.include("Shuquan is running");
    waiting.killHard();
    await waiting.exited();
  });

  it("should run one indexer and two API processes that answer identically while the indexer follows new blocks", async function () {
    indexer = service("indexer", ports[0]!);
    apis[0] = service("api", ports[1]!);
    apis[1] = service("api", ports[2]!);
    for (const s of [indexer, ...apis]) await s!.waitFor(/Shuquan is running/, 120_000);
    expect(indexer.output()).to.include("indexer: the one writer");
    // the indexer answers /health only; the API processes serve the API
    expect((await getJson(`http://127.0.0.1:${ports[0]}/v1/assets`)).status).to.equal(404);
    for (let i = 0; i < 3; i++) {
      const id = register(`asset-${i}.csv`);
      const [list, one] = await sameAnswers(["/v1/assets?limit=200", `/v1/assets/${id}`]);
      expect((list!.data as unknown[]).length).to.equal(i + 1);
      expect((one!.data as { assetId: string }).assetId).to.equal(id);
    }
    for (const p of ports) expect((await health(p)).status).to.equal(200);
  });

  it("should serve only relative evidence labels through the API, from the content store the CLI shares", async function () {
    const secret = fs.mkdtempSync(path.join(os.tmpdir(), "sq-abs-"));
    fs.writeFileSync(path.join(secret, "receipt.pdf"), "a receipt\n");
    const r = cli(["evidence", "anchor", path.join(secret, "receipt.pdf"), "--proofs-out", path.join(work, "ev.json")], shde.privateKey);
    expect(r.status, r.out).to.equal(0);
    const digest = sha256Hex(fs.readFileSync(path.join(secret, "receipt.pdf")));
    const found = await eventually("the item to be indexed (manifest read from DATA_DIR)", async () => {
      const res = await getJson(`http://127.0.0.1:${ports[2]}/v1/evidence/items/${digest}`);
      return res.status === 200 ? res.body : undefined;
    });
    expect(JSON.stringify(found)).to.include('"label":"receipt.pdf"');
    expect(JSON.stringify(found)).to.not.include(secret);
    fs.rmSync(secret, { recursive: true, force: true });
  });

  it("should survive an API process killed and restarted", async function () {
    apis[0]!.killHard();
    await apis[0]!.exited();
    const id = register("while-api-down.csv");
    await eventually("the other API process to serve it", async () => ((await getJson(`http://127.0.0.1:${ports[2]}/v1/assets/${id}`)).status === 200 ? true : undefined));
    apis[0] = service("api", ports[1]!);
    await apis[0].waitFor(/Shuquan is running/, 120_000);
    const [one] = await sameAnswers([`/v1/assets/${id}`, "/v1/assets?limit=200"]);
    expect((one!.data as { assetId: string }).assetId).to.equal(id);
  });

  it("should survive the indexer killed and restarted: the API processes report the stall, then catch up", async function () {
    indexer!.killHard();
    await indexer!.exited();
    const id = register("while-indexer-down.csv");
    // each API process sees the chain move on while the index does not, and says so
    for (const p of [ports[1]!, ports[2]!]) {
      const h = await eventually(`API on ${p} to report the stall`, async () => {
        const x = await health(p);
        return x.status === 503 ? x.body : undefined;
      });
      expect(JSON.stringify(h.problems)).to.match(/stalled|lag/);
      expect((await getJson(`http://127.0.0.1:${p}/v1/assets/${id}`)).status).to.equal(404);
    }
    indexer = service("indexer", ports[0]!);
    await indexer.waitFor(/Shuquan is running/, 120_000);
    const [one] = await sameAnswers([`/v1/assets/${id}`, "/v1/assets?limit=200"]);
    expect((one!.data as { assetId: string }).assetId).to.equal(id);
    for (const p of ports) await eventually(`/health on ${p} to be 200 again`, async () => ((await health(p)).status === 200 ? true : undefined));
  });
});
