/**
 * The lifecycle commands and certificates through the CLI (child processes against a local chain): each command
 * refuses, with a hint, what the chain would refuse, and --force lets the chain refuse it; a certificate issued
 * from the API verifies as "valid at issue, since cancelled" once the registration is cancelled, and as invalid
 * when a check character is altered.
 */
import { expect } from "chai";
import { existsSync, promises as fsp } from "node:fs";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import hre from "hardhat";
import { createApi } from "../../../service/src/api";
import { createIndexer, type FollowedContract } from "../../../service/src/indexer";
import type { ContractName } from "../../../service/src/contracts";
import { createSilentLogger } from "../../../service/src/logger";
import { createSqliteDb, migrate } from "../../../service/src/store";
import { registrationOf } from "../../helpers/assets";
import { signedOnboard, signedRegister } from "../../helpers/consent";
import { quietLogger } from "../api/fixture";
import { cli, DEV_ADDRESSES, DEV_KEYS, startCliEnv, type CliEnv } from "./helpers";

const [, EXCHANGE_KEY, HOLDER_KEY, OBJECTOR_KEY] = DEV_KEYS;
const [, EXCHANGE, HOLDER, OBJECTOR] = DEV_ADDRESSES;
const DAY = 86_400;

describe("shuquan CLI: the registration lifecycle and certificates", function () {
  this.timeout(600_000);
  let env: CliEnv;
  let assetId = "";
  let apiUrl = "";
  let closeApi: () => Promise<void>;
  let catchUp: () => Promise<void>;

  before(async () => {
    env = await startCliEnv();
    const p = env.deployment.participants; // signed by the deployer, the regulator of startCliEnv's deployment
    const ex = await hre.ethers.getSigner(EXCHANGE!);
    await (await p.accreditExchange(EXCHANGE!, "0x53484445", "Shanghai Data Exchange")).wait();
    for (const m of [HOLDER!, OBJECTOR!]) await (await signedOnboard(p, ex, m, 0, "0x" + "11".repeat(32))).wait();
    const db = createSqliteDb(":memory:");
    await migrate(db);
    const contracts: FollowedContract[] = (Object.entries(env.deployment.addresses) as [ContractName, string][]).map(([name, address]) => ({ name, address, startBlock: env.deployment.startBlock }));
    const indexer = await createIndexer({ logger: createSilentLogger() }, { db, chains: [{ chainId: 31337, provider: hre.network.provider, contracts }] });
    catchUp = async () => void (await indexer.catchUp());
    const server = createApi({ db, indexerStatus: () => indexer.status(), logger: quietLogger }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closeApi = () => new Promise((r) => server.close(() => r()));
  });
  after(async () => {
    await closeApi?.();
    await env?.close();
  });

  it("sets the exchange's terms, and a registration enters its notice", async () => {
    const r = await cli(env, ["asset", "terms", "--notice-days", "10", "--term-days", "365", "--window-days", "30", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const bad = await cli(env, ["asset", "terms", "--notice-days", "10", "--term-days", "30", "--window-days", "31"], { key: EXCHANGE_KEY });
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.contain("--window-days");
    const reg = registrationOf(HOLDER!, "cli lifecycle asset");
    await (await signedRegister(env.deployment.registry, await hre.ethers.getSigner(EXCHANGE!), reg)).wait();
    assetId = reg.contentDigest as string;
    const show = await cli(env, ["asset", "show", assetId, "--json"]);
    expect((show.json.asset as Record<string, unknown>).status).to.equal("notice");
  });

  it("refuses a renewal during the notice, and --force lets the chain refuse it", async () => {
    const r = await cli(env, ["asset", "renew", assetId], { key: HOLDER_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("is notice, not registered").and.contain("--force");
    const forced = await cli(env, ["asset", "renew", assetId, "--force"], { key: HOLDER_KEY });
    expect(forced.code).to.not.equal(0);
    expect(forced.stderr).to.contain("LifecycleNotInForce");
  });

  it("lodges an objection claiming an earlier right, refuses a second one, and resolves it by the exchange only", async () => {
    let r = await cli(env, ["asset", "object", assetId, "--grounds-digest", "0x" + "22".repeat(32), "--earlier-right-digest", "0x" + "33".repeat(32), "--json"], { key: OBJECTOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.ownEarlierRight).to.equal(true);
    r = await cli(env, ["asset", "object", assetId, "--grounds-digest", "0x" + "22".repeat(32)], { key: OBJECTOR_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("has already objected");
    r = await cli(env, ["asset", "resolve-objection", assetId, "--objector", OBJECTOR!, "--dismiss", "--reason", "x"], { key: HOLDER_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("neither the registering exchange nor the regulator");
    r = await cli(env, ["asset", "close-notice", assetId], { key: HOLDER_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("open objection");
    r = await cli(env, ["asset", "resolve-objection", assetId, "--objector", OBJECTOR!, "--dismiss", "--reason", "another dataset", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.status).to.equal("notice");
  });

  it("closes the notice only once it is over", async () => {
    let r = await cli(env, ["asset", "close-notice", assetId], { key: OBJECTOR_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("runs until");
    await hre.network.provider.send("evm_increaseTime", [11 * DAY]);
    await hre.network.provider.send("evm_mine", []);
    r = await cli(env, ["asset", "close-notice", assetId, "--json"], { key: OBJECTOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(Number(r.json.validUntil)).to.equal(Number((await env.deployment.registry.getAsset(assetId)).validUntil));
  });

  it("refuses a change by a non-holder with a hint, and records the holder's", async () => {
    let r = await cli(env, ["asset", "change", assetId, "--metadata-digest", "0x" + "44".repeat(32), "--metadata-cid", "bafyv2", "--reason", "mine"], { key: OBJECTOR_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("does not hold").and.contain("--correction");
    r = await cli(env, ["asset", "change", assetId, "--metadata-digest", "0x" + "44".repeat(32), "--metadata-cid", "bafyv2", "--reason", "daily updates", "--json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
  });

  it("refuses a renewal before its window opens", async () => {
    const r = await cli(env, ["asset", "renew", assetId], { key: HOLDER_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("renewal window").and.contain("opens");
    const forced = await cli(env, ["asset", "renew", assetId, "--force"], { key: HOLDER_KEY });
    expect(forced.stderr).to.contain("LifecycleOutsideRenewalWindow");
  });

  it("shortens one registration's validity by the registering exchange only, and only to an earlier end", async () => {
    let r = await cli(env, ["asset", "limit-validity", assetId, "--until", "2099-01-01", "--reason", "authorisation ends"], { key: EXCHANGE_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("before the current end");
    r = await cli(env, ["asset", "limit-validity", assetId, "--until", "2099-01-01", "--reason", "x"], { key: HOLDER_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("neither the registering exchange nor the regulator");
    const end = Number((await env.deployment.registry.getAsset(assetId)).validUntil);
    const earlier = new Date((end - 30 * DAY) * 1000).toISOString().slice(0, 10);
    r = await cli(env, ["asset", "limit-validity", assetId, "--until", earlier, "--reason", "authorisation agreement ends", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(Number((await env.deployment.registry.getAsset(assetId)).validUntil)).to.equal(end - 30 * DAY);
  });

  it("issues a certificate, and after cancellation verifies it as valid at issue, since cancelled", async () => {
    await catchUp();
    const file = path.join(env.dir, "cert.html");
    let r = await cli(env, ["--api", apiUrl, "certificate", "issue", "--asset", assetId, "--out", file, "--json"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await fsp.readFile(file, "utf8")).to.contain("数据资产登记证书");
    r = await cli(env, ["certificate", "verify", file]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain("VALID: EVERY FACT STILL HOLDS");

    r = await cli(env, ["asset", "cancel", assetId, "--reason", "withdrawn"], { key: EXCHANGE_KEY });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain("has not asked for cancellation");
    r = await cli(env, ["asset", "cancel", assetId, "--reason", "dataset withdrawn"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain("requested");
    r = await cli(env, ["asset", "cancel", assetId, "--reason", "on the holder's request"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);

    r = await cli(env, ["certificate", "verify", file, "--json"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.verdict).to.equal("valid-at-issue");
    expect(r.json.summary).to.equal("valid at issue, since cancelled");
    r = await cli(env, ["certificate", "verify", file]);
    expect(r.stdout).to.contain("VALID AT ISSUE, SINCE CANCELLED");
  });

  it("prints a certificate to PDF with the local Chromium", async function () {
    if (!existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) this.skip(); // CI installs Debian's chromium
    const file = path.join(env.dir, "cert.pdf");
    const r = await cli(env, ["--api", apiUrl, "certificate", "issue", "--asset", assetId, "--out", file]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect((await fsp.readFile(file)).subarray(0, 5).toString()).to.equal("%PDF-");
  });

  it("calls a certificate with an altered check character invalid", async () => {
    const file = path.join(env.dir, "cert.html");
    const text = await fsp.readFile(file, "utf8");
    const number = /"registrationNumber":"([^"]+)"/.exec(text)![1]!;
    const altered = number.slice(0, -1) + (number.endsWith("0") ? "1" : "0");
    const bad = path.join(env.dir, "bad.html");
    await fsp.writeFile(bad, text.replace(`"registrationNumber":"${number}"`, `"registrationNumber":"${altered}"`));
    const r = await cli(env, ["certificate", "verify", bad]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain("check character").and.contain("INVALID");
  });
});
