/**
 * The regulated-use CLI (docs/regulated-use.md) as child processes against a local chain: `receipt operator`,
 * `receipt anchor`, `receipt verify` (an auditor's one command, exit 2 when the receipt is not on chain), and
 * `assessment assessor|add|respond|withdraw|policy|check`, including the refusals.
 */
import { expect } from "chai";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import hre from "hardhat";
import { exchangeCodeBytes4, licenceIdOf, sha256Hex } from "../../../service/src/digest";
import { registrationOf } from "../../helpers/assets";
import { signedOnboard, signedRegister } from "../../helpers/consent";
import { toCrossBorderStruct, toTradeStruct } from "../../../service/src/cli/commands/trade-file";
import { cli, DEV_ADDRESSES, DEV_KEYS, startCliEnv, type CliEnv } from "./helpers";

const [, EXCHANGE_KEY, HOLDER_KEY, LICENSEE_KEY, ASSESSOR_KEY] = DEV_KEYS;
const [, EXCHANGE, HOLDER, LICENSEE, ASSESSOR] = DEV_ADDRESSES;
const SCOPE = sha256Hex("scenario: traffic-flow model training");

describe("shuquan CLI: receipts and assessments", function () {
  this.timeout(600_000);
  let env: CliEnv;
  let assetId: bigint;
  let licenceId: string;
  let start: number;
  let importantId: string;

  before(async () => {
    env = await startCliEnv();
    const [regulator, exchange, holder, licensee] = await hre.ethers.getSigners();
    const { participants, registry } = env.deployment;
    await (await participants.connect(regulator!).accreditExchange(EXCHANGE, exchangeCodeBytes4("SHDE"), "Shanghai Data Exchange")).wait();
    for (const [m, category] of [[HOLDER, 0], [LICENSEE, 1], [ASSESSOR, 2]] as const) {
      await (await signedOnboard(participants, exchange!, m, category, sha256Hex(`credential ${m}`))).wait();
    }
    const r = registrationOf(HOLDER, "cli regulated dataset");
    await (await signedRegister(registry, exchange!, r)).wait();
    assetId = BigInt(r.contentDigest as string);
    const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp;
    start = now;
    await (await registry.connect(holder!).grantLicence(assetId, LICENSEE, 1, { scopeDigest: SCOPE, start: now, end: now + 30 * 86_400, exclusive: false, sublicensable: false, revocable: true })).wait();
    licenceId = licenceIdOf(assetId, LICENSEE.toLowerCase(), "processing");
    void licensee;
    const imp = registrationOf(HOLDER, "cli important dataset", { level: 1 });
    await (await signedRegister(registry, exchange!, imp)).wait();
    importantId = imp.contentDigest as string;
    await hre.network.provider.send("evm_increaseTime", [86_400]);
    await hre.network.provider.send("evm_mine", []);
  });
  after(async () => env?.close());

  it("anchors a batch of receipts, and an auditor verifies one against the chain with one command", async () => {
    let r = await cli(env, ["receipt", "operator", EXCHANGE, "--json"], { key: LICENSEE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const jobs = path.join(env.dir, "jobs.jsonl");
    const job = (i: number) => ({ asset: "0x" + assetId.toString(16).padStart(64, "0"), right: "processing", purposeDigest: SCOPE, inputs: [sha256Hex(`input ${i}`)], outputDigest: sha256Hex(`output ${i}`), parameters: { epochs: i }, start: start + i * 60, end: start + i * 60 + 30 });
    await fsp.writeFile(jobs, [job(1), job(2), job(3)].map((j) => JSON.stringify(j)).join("\n") + "\n");
    const proofs = path.join(env.dir, "receipts.proofs.json");
    r = await cli(env, ["receipt", "anchor", jobs, "--proofs-out", proofs, "--json"], { key: LICENSEE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json).to.include({ leafCount: 3, submitter: LICENSEE });
    const doc = JSON.parse(await fsp.readFile(proofs, "utf8"));
    expect(doc.receipts[0].receipt.licenceId).to.equal(licenceId);

    r = await cli(env, ["receipt", "verify", proofs, "--index", "2", "--json"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json).to.include({ verified: true, anchored: true, root: doc.root });
    r = await cli(env, ["receipt", "verify", proofs, "--index", "1"]);
    expect(r.stdout).to.contain("VERIFIED");

    // a receipt altered after the fact is not in the batch: exit 2
    doc.receipts[0].receipt.end += 1;
    const altered = path.join(env.dir, "altered.json");
    await fsp.writeFile(altered, JSON.stringify(doc));
    r = await cli(env, ["receipt", "verify", altered, "--json"]);
    expect(r.code).to.equal(2);
    expect(r.json).to.include({ verified: false, anchored: true });
    // a root never anchored: exit 2
    doc.root = sha256Hex("never anchored");
    await fsp.writeFile(altered, JSON.stringify(doc));
    r = await cli(env, ["receipt", "verify", altered]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.contain("NOT ANCHORED");
  });

  it("refuses a jobs file that is malformed, and an anchor by a non-participant", async () => {
    const bad = path.join(env.dir, "bad.json");
    await fsp.writeFile(bad, JSON.stringify([{ licenceId: "0x12", purposeDigest: SCOPE }]));
    let r = await cli(env, ["receipt", "anchor", bad], { key: LICENSEE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("receipt 0");
    const jobs = path.join(env.dir, "one.json");
    await fsp.writeFile(jobs, JSON.stringify([{ licenceId, purposeDigest: SCOPE, inputs: [sha256Hex("x")], outputDigest: sha256Hex("y"), parametersDigest: sha256Hex("{}"), start, end: start + 1 }]));
    r = await cli(env, ["receipt", "anchor", jobs, "--proofs-out", path.join(env.dir, "p2.json")], { key: DEV_KEYS[0] });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("ReceiptUnauthorized");
  });

  it("records a cross-border trade with its mechanism, and refuses an important asset without one", async () => {
    const contract = path.join(env.dir, "contract.pdf");
    await fsp.writeFile(contract, "trade contract\n");
    const authorise = (out: string, extra: string[]) =>
      cli(env, ["trade", "authorise", "--asset", importantId, "--buyer", LICENSEE, "--right", "holding", "--exchange", EXCHANGE, "--price", "1000000", "--currency", "CNY", "--contract-file", contract, "--cross-border", "--destination", "HK", "--out", out, "--json", ...extra], { key: HOLDER_KEY });
    // without a mechanism the CLI refuses to sign what the recorder would refuse
    let r = await authorise(path.join(env.dir, "x0.json"), []);
    expect(r.code).to.equal(1);
    expect(r.stdout + r.stderr).to.contain("important data");
    // signed anyway (--force), the recorder refuses it
    r = await authorise(path.join(env.dir, "x1.json"), ["--force"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    // the buyer accepts the same CrossBorderTrade only with --force too (the CLI refuses to sign what would fail)
    r = await cli(env, ["trade", "accept", "--authorisation", path.join(env.dir, "x1.json"), "--out", path.join(env.dir, "x1-accepted.json")], { key: LICENSEE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stdout + r.stderr).to.contain("important data");
    r = await cli(env, ["trade", "accept", "--authorisation", path.join(env.dir, "x1.json"), "--out", path.join(env.dir, "x1-accepted.json"), "--force"], { key: LICENSEE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["trade", "record", "--authorisation", path.join(env.dir, "x1-accepted.json")], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("TradeCrossBorderMechanismRequired");
    // a mechanism without its filing number is refused before signing
    r = await authorise(path.join(env.dir, "x2.json"), ["--mechanism", "security-assessment"]);
    expect(r.code).to.equal(1);
    expect(r.stdout + r.stderr).to.contain("--filing-number");
    // with a passed security assessment it records, and the holding moves
    r = await authorise(path.join(env.dir, "x3.json"), ["--mechanism", "security-assessment", "--filing-number", "CAC-2026-0042"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const file = JSON.parse(await fsp.readFile(path.join(env.dir, "x3.json"), "utf8"));
    expect(file.crossBorder).to.deep.equal({ mechanism: "security-assessment", filingDigest: sha256Hex("CAC-2026-0042"), destination: "HK" });
    // not without the buyer's acceptance, nor with the seller's signature in its place
    r = await cli(env, ["trade", "record", "--authorisation", path.join(env.dir, "x3.json")], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("no buyer acceptance");
    r = await cli(env, ["trade", "record", "--authorisation", path.join(env.dir, "x3.json"), "--buyer-signature", file.signature], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("not the buyer");
    // the buyer signs the same CrossBorderTrade digest (trade, state nonce, mechanism, filing, destination)
    r = await cli(env, ["trade", "accept", "--authorisation", path.join(env.dir, "x3.json"), "--out", path.join(env.dir, "x3-accepted.json"), "--json"], { key: LICENSEE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const accepted = JSON.parse(await fsp.readFile(path.join(env.dir, "x3-accepted.json"), "utf8"));
    expect(accepted.digest).to.equal(file.digest);
    expect(accepted.digest).to.equal(await env.deployment.tradeRecorder.hashCrossBorderTrade(
      { ...toTradeStruct(accepted) },
      toCrossBorderStruct(accepted)!,
    ));
    r = await cli(env, ["trade", "record", "--authorisation", path.join(env.dir, "x3-accepted.json"), "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await env.deployment.registry.ownerOf(BigInt(importantId))).to.equal(LICENSEE);
  });

  it("grants assessor categories, refuses an assessment by a non-assessor, and attaches, responds, withdraws", async () => {
    const asset = "0x" + assetId.toString(16).padStart(64, "0");
    const report = path.join(env.dir, "report.pdf");
    await fsp.writeFile(report, "quality report: complete, consistent, current\n");
    let r = await cli(env, ["assessment", "add", asset, "--kind", "quality", "--result", "pass", "--report", report, "--valid-until", "+365d"], { key: ASSESSOR_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("AssessmentNotAssessor");

    r = await cli(env, ["assessment", "assessor", ASSESSOR, "--categories", "quality,valuation", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.categories).to.deep.equal(["quality", "valuation"]);
    r = await cli(env, ["assessment", "assessor", ASSESSOR, "--categories", "beauty"], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("invalid assessment kind");

    r = await cli(env, ["assessment", "policy", "--listing", "quality", "--pledge", "valuation", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["assessment", "check", asset, "--exchange", EXCHANGE, "--json"]);
    expect(r.code).to.equal(2);
    expect(r.json).to.deep.include({ met: false, missing: ["quality"] });

    r = await cli(env, ["assessment", "add", asset, "--kind", "quality", "--result", "pass", "--report", report, "--valid-until", "+365d", "--json"], { key: ASSESSOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.reportDigest).to.equal(sha256Hex(await fsp.readFile(report)));
    const id = r.json.assessmentId as string;
    r = await cli(env, ["assessment", "check", asset, "--exchange", EXCHANGE]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain("MEETS");

    r = await cli(env, ["assessment", "add", asset, "--kind", "valuation", "--result", "pass", "--report", report, "--valid-until", "+365d"], { key: ASSESSOR_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("--value");

    const response = path.join(env.dir, "response.txt");
    await fsp.writeFile(response, "the holder agrees\n");
    r = await cli(env, ["assessment", "respond", asset, id, "--response", response], { key: LICENSEE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("AssessmentNotHolder");
    r = await cli(env, ["assessment", "respond", asset, id, "--response", response, "--json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["assessment", "withdraw", asset, id, "--reason", "superseded", "--json"], { key: ASSESSOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["assessment", "check", asset, "--exchange", EXCHANGE, "--purpose", "listing"]);
    expect(r.code).to.equal(2);
  });
});
