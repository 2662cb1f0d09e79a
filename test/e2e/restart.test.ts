/**
 * `npm start` remembers, as separate processes: registrations and trades survive a restart (seen through the API and
 * the CLI); a chain that lost its last blocks is followed back; a `kill -9` of `npm start` (orphaned chain) and a
 * stale lock naming a live, reused pid each resolve by themselves; an index from another chain is refused with one
 * line; `--reset` starts afresh; a taken port stops start-up with one line before the banner.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createServer, type Server } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { devAccounts, DEV } from "../../service/src/devnet/accounts";
import { sha256Hex } from "../../service/src/digest";
import { freePort } from "../helpers/free-port";
import { eventually, getJson, start, type Started } from "./processes";

const ROOT = path.resolve(__dirname, "..", "..");

describe("npm start remembers (separate processes)", function () {
  this.timeout(600_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-restart-"));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-restart-work-"));
  const shde = devAccounts()[DEV.shde];
  const alice = devAccounts()[DEV.alice];
  let env: NodeJS.ProcessEnv;
  let cliEnv: NodeJS.ProcessEnv;
  let apiUrl = "";
  let service: Started | undefined;
  const registered: string[] = [];

  const npmStart = async (...args: string[]): Promise<Started> => {
    const s = start("npm", ["start", "--", ...args], env, ROOT);
    await s.waitFor(/Shuquan is running\.|cannot start/);
    expect(s.output(), s.output()).to.include("Shuquan is running.");
    return s;
  };

  const cli = (args: string[], key?: string) => {
    const r = spawnSync("npx", ["shuquan", "--json", "--quiet", ...args], {
      cwd: ROOT, // as the banner says: in this directory (files are given by absolute paths)
      env: key ? { ...cliEnv, SHUQUAN_PRIVATE_KEY: key } : cliEnv,
      encoding: "utf8",
      timeout: 120_000,
    });
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      /* the assertions say what was expected */
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
  };

  const register = (name: string): string => {
    const file = path.join(work, name);
    fs.writeFileSync(file, `${name} ${Date.now()} ${Math.random()}\n`);
    const application = `${file}.application.json`;
    const a = cli(["asset", "apply", file, "--exchange", shde.address, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", path.join(ROOT, "docs/examples/metadata.json"), "--out", application], alice.privateKey);
    expect(a.status, a.stdout + a.stderr).to.equal(0);
    const r = cli(["asset", "register", "--application", application], shde.privateKey);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const id = sha256Hex(fs.readFileSync(file));
    expect(r.json.assetId).to.equal(id);
    return id;
  };

  const assetIds = async (): Promise<string[]> =>
    ((await getJson(`${apiUrl}/v1/assets?limit=200`)).body.data as { assetId: string }[]).map((a) => a.assetId).sort();
  const tradeIds = async (): Promise<string[]> =>
    ((await getJson(`${apiUrl}/v1/trades?limit=200`)).body.data as { tradeId: string }[]).map((t) => t.tradeId).sort();
  const indexed = async (id: string) => ((await getJson(`${apiUrl}/v1/assets/${id}`)).status === 200 ? true : undefined);

  before(async function () {
    const [apiPort, chainPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const { DATABASE_URL: _db, RPC_URL: _rpc, DEPLOYMENT: _dep, ROLE: _role, ...inherited } = process.env;
    env = { ...inherited, DATA_DIR: dataDir, PORT: String(apiPort), CHAIN_PORT: String(chainPort), LOG_LEVEL: "info", LOG_FORMAT: "json" };
    cliEnv = { ...env, RPC_URL: `http://127.0.0.1:${chainPort}`, SHUQUAN_API_URL: apiUrl };
    service = await npmStart("--demo");
  });

  after(async function () {
    await service?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("should keep registrations and trades across a restart, as the API and the CLI show", async function () {
    registered.push(register("first.csv"));
    await eventually("the registration to be indexed", () => indexed(registered[0]!));
    const assetsBefore = await assetIds();
    const tradesBefore = await tradeIds();
    expect(tradesBefore.length).to.equal(5); // the demo's (one of them cross-border)
    expect(assetsBefore).to.include(registered[0]);

    await service!.stop();
    service = await npmStart();
    expect(service.output()).to.include("resumed");
    expect(service.output()).to.not.include("contracts deployed");
    expect(await assetIds()).to.deep.equal(assetsBefore);
    expect(await tradeIds()).to.deep.equal(tradesBefore);
    const v = cli(["verify", path.join(work, "first.csv")]);
    expect(v.status, v.stdout + v.stderr).to.equal(0);
    expect(JSON.stringify(v.json)).to.include(alice.address);
    // and it goes on: a new registration after the restart is indexed too
    registered.push(register("second.csv"));
    await eventually("the new registration to be indexed", () => indexed(registered[1]!));
  });

  it("should follow the chain back when it lost its last blocks (restored from an older state), with one log line", async function () {
    await service!.stop();
    const state = path.join(dataDir, "chain", "state.json");
    const saved = fs.readFileSync(state);
    service = await npmStart();
    const lost = register("lost.csv");
    await eventually("the doomed registration to be indexed", () => indexed(lost));
    await service.stop();
    fs.writeFileSync(state, saved); // the chain as an abrupt stop a second earlier would have left it
    service = await npmStart();
    expect(service.output()).to.match(/the chain lost blocks \d+–\d+ that the index held/);
    expect((await getJson(`${apiUrl}/v1/assets/${lost}`)).status).to.equal(404);
    for (const id of registered) expect((await getJson(`${apiUrl}/v1/assets/${id}`)).status).to.equal(200);
  });

  it("should resume from the last whole copy when an abrupt stop cut the chain's state file short, with one log line", async function () {
    await service!.stop();
    const state = path.join(dataDir, "chain", "state.json");
    const whole = fs.readFileSync(state);
    fs.writeFileSync(state, whole.subarray(0, Math.floor(whole.length / 2))); // a write cut short by kill -9
    service = await npmStart();
    expect(service.output()).to.match(/the chain's state file was cut short by an abrupt stop: resuming from its last whole copy/);
    for (const id of registered) expect((await getJson(`${apiUrl}/v1/assets/${id}`)).status).to.equal(200);
  });

  it("should resolve an orphaned chain (kill -9 of npm start) and a stale lock naming a live, reused pid by themselves", async function () {
    // kill -9 the service itself: its chain is left running, holding the port and the state
    const node = (JSON.parse(fs.readFileSync(path.join(dataDir, "shuquan.lock"), "utf8")) as { pid: number }).pid; // the service itself
    expect(node, "the service's pid").to.be.greaterThan(0);
    const chainPid = (JSON.parse(fs.readFileSync(path.join(dataDir, "chain", "anvil.pid"), "utf8")) as { pid: number }).pid;
    process.kill(node, "SIGKILL");
    await eventually("npm start to end", async () => (service!.proc.exitCode !== null || service!.proc.signalCode !== null ? true : undefined));
    expect(() => process.kill(chainPid, 0), "the orphaned chain runs on").to.not.throw();
    // a lock naming a live process that is not Shuquan (this test runner, whose start time differs from the record)
    fs.writeFileSync(path.join(dataDir, "shuquan.lock"), JSON.stringify({ pid: process.pid, startTime: "1" }) + "\n");
    service = await npmStart();
    const out = service.output();
    expect(out).to.match(new RegExp(`stopping the embedded chain \\(pid ${chainPid}\\) left running by an earlier start`));
    expect(out).to.match(new RegExp(`taking over .*shuquan\\.lock: its holder \\(pid ${process.pid}\\) is gone`));
    expect(() => process.kill(chainPid, 0)).to.throw();
    for (const id of registered) expect((await getJson(`${apiUrl}/v1/assets/${id}`)).status).to.equal(200);
  });

  it("should refuse, with one line and no banner, an index built from another chain", async function () {
    await service!.stop();
    const chainDir = path.join(dataDir, "chain");
    const keep = `${chainDir}.kept`;
    fs.renameSync(chainDir, keep); // the chain's state is gone; the index stays
    try {
      const s = start("npm", ["start"], env, ROOT);
      const code = await s.exited(120_000);
      expect(code).to.not.equal(0);
      const lines = s.output().split("\n").filter((l) => l.startsWith("shuquan:"));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/the index was built from another chain 31337 .*npm start -- --reset/);
      expect(s.output()).to.not.include("Shuquan is running");
    } finally {
      fs.rmSync(chainDir, { recursive: true, force: true });
      fs.renameSync(keep, chainDir);
    }
    // the kept chain still matches its index
    service = await npmStart();
    for (const id of registered) expect((await getJson(`${apiUrl}/v1/assets/${id}`)).status).to.equal(200);
  });

  it("should start afresh with --reset: a new chain, no registrations, no trades", async function () {
    await service!.stop();
    service = await npmStart("--reset");
    expect(service.output()).to.include("A new local chain");
    expect(await assetIds()).to.deep.equal([]);
    expect(await tradeIds()).to.deep.equal([]);
    const v = cli(["verify", path.join(work, "first.csv")]);
    expect(v.status, v.stdout + v.stderr).to.equal(2); // checked on the new chain: not registered
  });

  it("should stop with one line and a non-zero exit, before the banner, when the API port is taken", async function () {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", () => r()));
    try {
      const s = start("npm", ["start"], { ...env, PORT: String(port), DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-port-")) }, ROOT);
      const code = await s.exited(120_000);
      expect(code).to.not.equal(0);
      const lines = s.output().split("\n").filter((l) => l.startsWith("shuquan:"));
      expect(lines).to.deep.equal([`shuquan: cannot start: 127.0.0.1:${port} is already in use by another program: stop that program, or choose another PORT`]);
      expect(s.output()).to.not.include("Shuquan is running");
      expect(s.output()).to.not.include("starting the local chain"); // checked before anything was started
    } finally {
      blocker.close();
    }
  });
});
