import { expect } from "chai";
import { promises as fsp } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import hre from "hardhat";
import { Interface, Wallet, encryptKeystoreJson } from "ethers";
import { EXAMPLE_METADATA } from "../../../service/src/metadata";
import { createLocalContentStore } from "../../../service/src/content";
import {
  evidenceLeafHash,
  parseTradeId, formatRegistrationNumber, licenceIdOf, parseManifest, tradeIdOf, parseRegistrationNumber, rebuildManifestRoot, recordDigest, sha256Hex,
} from "../../../service/src/digest";
import { explainRevert } from "../../../service/src/cli/revert";
import { relativeLabel } from "../../../service/src/cli/evidence-items";
import { cli, DEV_ADDRESSES, DEV_KEYS, startCliEnv, type CliEnv } from "./helpers";

const [REGULATOR_KEY, EXCHANGE_KEY, HOLDER_KEY, BUYER_KEY] = DEV_KEYS;
const [, EXCHANGE, HOLDER, BUYER] = DEV_ADDRESSES;

describe("shuquan CLI (child processes against a local chain)", function () {
  this.timeout(600_000);
  let env: CliEnv;
  let metaFile: string;
  let fileAssetId: string;

  before(async () => {
    env = await startCliEnv();
    // Put the chain's clock 40 days ahead of this machine's (as after `npm start -- --demo`, or other suites' time
    // travel): relative times like "+30d" must be taken from the chain, which judges terms and deadlines.
    await hre.network.provider.send("evm_increaseTime", [40 * 86_400]);
    await hre.network.provider.send("evm_mine", []);
    metaFile = path.join(env.dir, "meta.json");
    await fsp.writeFile(metaFile, JSON.stringify(EXAMPLE_METADATA));
    await fsp.writeFile(path.join(env.dir, "report.csv"), "district,hour,minutes\nHuangpu,9,42\n");
    await fsp.mkdir(path.join(env.dir, "dataset", "2025"), { recursive: true });
    await fsp.writeFile(path.join(env.dir, "dataset", "2025", "jan.csv"), "a,b\n1,2\n");
    await fsp.writeFile(path.join(env.dir, "dataset", "readme.txt"), "delivery times\n");
    await fsp.mkdir(path.join(env.dir, "receipts"));
    for (let i = 0; i < 5; i++) await fsp.writeFile(path.join(env.dir, "receipts", `r${i}.txt`), `receipt ${i}\n`);
  });
  after(async () => env?.close());

  it("prints help without a chain or keys", async () => {
    const r = await cli(env, ["--help"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain("asset").and.contain("evidence").and.contain("verify");
  });

  it("sets up participants: accredit, onboard", async () => {
    let r = await cli(env, ["exchange", "accredit", EXCHANGE, "--code", "SHDE", "--name", "Shanghai Data Exchange", "--json"], { key: REGULATOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.ok).to.equal(true);
    for (const [m, key] of [[HOLDER, HOLDER_KEY], [BUYER, BUYER_KEY]] as const) {
      // the merchant signs its consent; the exchange onboards with it
      r = await cli(env, ["merchant", "consent", "--exchange", EXCHANGE, "--category", "data-resource", "--credential-digest", "0x" + "11".repeat(32), "--out", `consent-${m}.json`, "--json"], { key });
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      r = await cli(env, ["merchant", "onboard", m, "--consent", `consent-${m}.json`, "--json"], { key: EXCHANGE_KEY });
      expect(r.code, r.stdout + r.stderr).to.equal(0);
    }
    // an exchange cannot consent to be a merchant: the CLI refuses to sign what the chain must reject
    r = await cli(env, ["merchant", "consent", "--exchange", EXCHANGE, "--category", "technology", "--credential-digest", "0x" + "11".repeat(32), "--out", "consent-exchange.json"], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/not signing/).and.match(/accredited exchange/);
    // a consent for one merchant cannot onboard another
    r = await cli(env, ["merchant", "onboard", DEV_ADDRESSES[4], "--consent", `consent-${HOLDER}.json`], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/not sending: the consent is/);
    r = await cli(env, ["recognise", "status", HOLDER, EXCHANGE, "--json"]);
    expect(r.json.path).to.equal("home");
  });

  it("onboards with --open-account: the merchant's holding slot is paid at onboarding", async () => {
    const newcomer = Wallet.createRandom();
    let r = await cli(env, ["merchant", "consent", "--exchange", EXCHANGE, "--category", "technology", "--credential-digest", "0x" + "22".repeat(32), "--out", "consent-open.json", "--json"], { key: newcomer.privateKey });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["merchant", "onboard", newcomer.address, "--consent", "consent-open.json", "--open-account", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect((r.json.accountOpened as { txHash: string }).txHash).to.match(/^0x[0-9a-f]{64}$/);
    const registry = env.deployment.registry;
    expect(await registry.isAccountOpen(newcomer.address)).to.equal(true);
    expect(await registry.balanceOf(newcomer.address)).to.equal(0n);
    expect(await registry.applicationNonce(newcomer.address)).to.equal(0n);
  });

  it("registers a file: prints asset id and registration number equal to the contract view and the TS twin", async () => {
    const file = path.join(env.dir, "report.csv");
    const applied = await cli(env, ["asset", "apply", file, "--exchange", EXCHANGE, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", metaFile, "--out", "application-file.json", "--json"], { key: HOLDER_KEY });
    expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
    // the exchange cannot register it in the holder's name without the application
    const forged = JSON.parse(await fsp.readFile(path.join(env.dir, "application-file.json"), "utf8")) as { signature: string };
    await fsp.writeFile(path.join(env.dir, "forged.json"), JSON.stringify({ ...forged, signature: "0x" + "00".repeat(65) }));
    const refused = await cli(env, ["asset", "register", "--application", "forged.json", "--force"], { key: EXCHANGE_KEY });
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/RegistryInvalidSignature|signature/);
    const r = await cli(env, ["asset", "register", "--application", "application-file.json", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    fileAssetId = r.json.assetId as string;
    expect(fileAssetId).to.equal(sha256Hex(await fsp.readFile(file)));
    const number = r.json.registrationNumber as string;
    expect(parseRegistrationNumber(number)).to.deep.include({ exchangeCode: "SHDE", kind: "resource", source: "enterprise", sequence: 1 });
    // the contract's view and the TypeScript twin agree
    const a = await env.deployment.registry.getAsset(fileAssetId);
    expect(await env.deployment.registry.registrationNumber(fileAssetId)).to.equal(number);
    expect(formatRegistrationNumber({ exchangeCode: "SHDE", registeredAt: a.registeredAt, kind: Number(a.kind), source: Number(a.source), sequence: a.sequence })).to.equal(number);
    // the metadata was stored by CID, canonical, and its digest is on chain
    const store = createLocalContentStore(path.join(env.dir, "data", "content"));
    const meta = JSON.parse(new TextDecoder().decode(await store.get(r.json.metadataCid as string))) as { evidence: { fingerprint: string } };
    expect(meta.evidence.fingerprint).to.equal(fileAssetId);
    expect(recordDigest(meta)).to.equal(r.json.metadataDigest);
  });

  it("registers a directory as a dataset and writes its listing", async () => {
    const listing = path.join(env.dir, "dataset.listing.json");
    const meta2 = path.join(env.dir, "meta2.json");
    // a data product is described as objectType "product" (the CLI checks objectType against --kind)
    await fsp.writeFile(meta2, JSON.stringify({ ...EXAMPLE_METADATA, asset: { ...EXAMPLE_METADATA.asset, name: "dataset", objectType: "product" } }));
    const r = await cli(env, ["asset", "apply", path.join(env.dir, "dataset"), "--exchange", EXCHANGE, "--kind", "product", "--source", "enterprise", "--level", "important", "--metadata", meta2, "--parent", fileAssetId, "--listing-out", listing, "--out", "application-dataset.json", "--json"], { key: HOLDER_KEY });
    // the metadata says level general: the CLI refuses the mismatch before anything is sent
    expect(r.code).to.equal(1);
    expect(r.json.error).to.have.property("message").that.matches(/security\.level is "general" but --level is "important"/);
    const ok = await cli(env, ["asset", "apply", path.join(env.dir, "dataset"), "--exchange", EXCHANGE, "--kind", "product", "--source", "enterprise", "--level", "general", "--metadata", meta2, "--parent", fileAssetId, "--listing-out", listing, "--out", "application-dataset.json", "--json"], { key: HOLDER_KEY });
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    const reg = await cli(env, ["asset", "register", "--application", "application-dataset.json", "--json"], { key: EXCHANGE_KEY });
    expect(reg.code, reg.stdout + reg.stderr).to.equal(0);
    expect(reg.json.assetId).to.equal(ok.json.assetId);
    expect(ok.json.contentKind).to.equal("dataset");
    expect(ok.json.files).to.equal(2);
    const l = JSON.parse(await fsp.readFile(listing, "utf8")) as { root: string; files: { path: string }[] };
    expect(l.root).to.equal(ok.json.assetId);
    expect(l.files.map((f) => f.path)).to.deep.equal(["2025/jan.csv", "readme.txt"]);
    // a single file of the dataset is shown to belong to the registered dataset, through the listing
    const v = await cli(env, ["verify", path.join("dataset", "2025", "jan.csv"), "--listing", listing, "--skip-api"]);
    expect(v.code, v.stdout + v.stderr).to.equal(0);
    expect(v.stdout).to.match(/PART OF\s+dataset SHDE-\d{4}-PE-00000002-. as "2025\/jan.csv"/);
  });

  it("anchors a folder: stores the manifest, anchors the root, writes proofs that verify on chain", async () => {
    const proofs = path.join(env.dir, "receipts.proofs.json");
    const r = await cli(env, ["evidence", "anchor", "receipts", "--proofs-out", proofs, "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.leafCount).to.equal(5);
    const store = createLocalContentStore(path.join(env.dir, "data", "content"));
    const manifest = parseManifest(await store.get(r.json.manifestCid as string));
    expect(rebuildManifestRoot(manifest)).to.equal(r.json.root);
    const batch = await env.deployment.evidence.getBatch(r.json.exchange as string, r.json.root as string);
    expect(Number(batch.leafCount)).to.equal(5);
    const p = JSON.parse(await fsp.readFile(proofs, "utf8")) as { root: string; exchange: string; items: { label: string; digest: string; assetId: string; proof: string[] }[] };
    for (const it of p.items) {
      expect(StandardMerkleTree.verify(p.root, ["bytes32", "uint256"], [it.digest, it.assetId], it.proof)).to.equal(true);
      expect(await env.deployment.evidence.verifyItem(p.exchange, p.root, it.digest, it.assetId, it.proof)).to.equal(true);
    }
    expect(p.items.map((i) => i.label)).to.include("receipts/r3.txt");
  });

  it("labels evidence by relative paths only, and stores the manifest in DATA_DIR's content store from any folder", async () => {
    // files outside the working folder, given by absolute paths: no local path may reach the manifest or the proofs
    const outside = await fsp.mkdtemp(path.join(os.tmpdir(), "sq-secret-"));
    const elsewhere = await fsp.mkdtemp(path.join(os.tmpdir(), "sq-cwd-"));
    const dataDir = path.join(env.dir, "shared-data");
    try {
      await fsp.mkdir(path.join(outside, "batch", "sub"), { recursive: true });
      await fsp.writeFile(path.join(outside, "batch", "a.csv"), "secret,a\n");
      await fsp.writeFile(path.join(outside, "batch", "sub", "b.csv"), "secret,b\n");
      await fsp.writeFile(path.join(outside, "single.txt"), "secret single\n");
      const proofs = path.join(elsewhere, "p.json");
      const r = await cli(env, ["evidence", "anchor", path.join(outside, "batch"), path.join(outside, "single.txt"), "--proofs-out", proofs, "--json"], {
        key: EXCHANGE_KEY,
        cwd: elsewhere,
        dataDirFromEnv: true,
        extraEnv: { DATA_DIR: dataDir },
      });
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const p = JSON.parse(await fsp.readFile(proofs, "utf8")) as { items: { label: string }[] };
      expect(p.items.map((i) => i.label).sort()).to.deep.equal(["batch/a.csv", "batch/sub/b.csv", "single.txt"]);
      // the manifest went to DATA_DIR's store (where the service reads it), not to ./data of the folder it ran in
      const manifestBytes = await createLocalContentStore(path.join(dataDir, "content")).get(r.json.manifestCid as string);
      const text = new TextDecoder().decode(manifestBytes);
      expect(parseManifest(manifestBytes).items.map((i) => i.label).sort()).to.deep.equal(["batch/a.csv", "batch/sub/b.csv", "single.txt"]);
      expect(text).to.not.contain(outside);
      expect(text).to.not.contain(os.tmpdir());
      expect(await fsp.stat(path.join(elsewhere, "data")).catch(() => undefined)).to.equal(undefined);
    } finally {
      await fsp.rm(outside, { recursive: true, force: true });
      await fsp.rm(elsewhere, { recursive: true, force: true });
    }
  });

  it("relativeLabel: inside the folder its relative path, outside only its name, never '..' or '/'", () => {
    expect(relativeLabel("receipts/r1.txt", "/w")).to.equal("receipts/r1.txt");
    expect(relativeLabel("/w/receipts", "/w")).to.equal("receipts");
    expect(relativeLabel("/home/x/secret/a.csv", "/w")).to.equal("a.csv");
    expect(relativeLabel("../up/b.csv", "/w/in")).to.equal("b.csv");
    expect(relativeLabel(".", "/w")).to.equal("");
  });

  it("anchors JSONL records referencing an asset", async () => {
    const jsonl = path.join(env.dir, "log.jsonl");
    await fsp.writeFile(jsonl, [JSON.stringify({ id: "log-1", op: "processed" }), "", JSON.stringify({ op: "delivered", id: "log-2" })].join("\n") + "\n");
    const r = await cli(env, ["evidence", "anchor", "--jsonl", jsonl, "--asset", fileAssetId, "--proofs-out", "log.proofs.json", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.leafCount).to.equal(2);
    const record = path.join(env.dir, "record.json");
    await fsp.writeFile(record, JSON.stringify({ op: "delivered", id: "log-2" }, null, 2));
    const v = await cli(env, ["verify", record, "--proofs", path.join(env.dir, "log.proofs.json"), "--skip-api", "--json"]);
    expect(v.code, v.stdout + v.stderr).to.equal(0);
    const results = v.json.results as { as: string; anchored: { assetId: string }[] }[];
    const asRecord = results.find((x) => x.as.startsWith("JSON record"));
    expect(asRecord?.anchored[0]?.assetId).to.equal(fileAssetId);
  });

  it("verifies a registered file and an anchored file against the chain; unknown content exits 2", async () => {
    let r = await cli(env, ["verify", "report.csv", "--skip-api", "--json"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const reg = (r.json.results as { registered?: { registrationNumber: string; holder: string } }[])[0]?.registered;
    expect(reg?.holder).to.equal(HOLDER);
    r = await cli(env, ["verify", "receipts/r2.txt", "--proofs", "receipts.proofs.json", "--skip-api"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/ANCHORED/);
    await fsp.writeFile(path.join(env.dir, "unknown.txt"), "never seen\n");
    r = await cli(env, ["verify", "unknown.txt", "--skip-api"]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(/NOT FOUND/);
    // a proofs file edited to claim another digest is rejected by the chain, not trusted
    const forged = JSON.parse(await fsp.readFile(path.join(env.dir, "receipts.proofs.json"), "utf8")) as { items: { digest: string }[] };
    forged.items[0]!.digest = sha256Hex("never seen\n");
    await fsp.writeFile(path.join(env.dir, "forged.json"), JSON.stringify(forged));
    r = await cli(env, ["verify", "unknown.txt", "--proofs", "forged.json", "--skip-api"]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(/does NOT verify on chain/);
  });

  it("trade: the seller authorises a processing licence, the exchange records it", async () => {
    const scope = path.join(env.dir, "scope.txt");
    await fsp.writeFile(scope, "route planning model training\n");
    await fsp.writeFile(path.join(env.dir, "contract.pdf"), "signed contract\n");
    let r = await cli(env, ["trade", "authorise", "--asset", fileAssetId, "--buyer", BUYER, "--right", "processing", "--exchange", EXCHANGE, "--serial", "1", "--price", "120000", "--currency", "CNY", "--contract-file", "contract.pdf", "--scope-file", scope, "--end", "+30d", "--revocable", "--out", "auth.json", "--json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    // without the buyer's acceptance the exchange cannot record it
    r = await cli(env, ["trade", "record", "--authorisation", "auth.json"], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/no buyer acceptance/);
    // the seller cannot accept for the buyer
    r = await cli(env, ["trade", "accept", "--authorisation", "auth.json", "--out", "accepted.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/names buyer/);
    r = await cli(env, ["trade", "accept", "--authorisation", "auth.json", "--out", "accepted.json", "--json"], { key: BUYER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["trade", "record", "--authorisation", "accepted.json", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const chainNow = (await hre.ethers.provider.getBlock("latest"))!.timestamp; // the chain's clock, not this machine's
    expect(await env.deployment.registry.isLicensed(fileAssetId, BUYER, 1, chainNow + 60)).to.equal(true);
    // --json is clean: the tx hash, the block and the decoded event as plain values, no raw ethers log objects
    expect(r.json).to.not.have.property("logs");
    expect(r.stdout).to.not.match(/"provider"|"_type"|"topics"/);
    expect(r.json.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(r.json.blockNumber).to.be.a("number");
    const ev = r.json.event as Record<string, unknown>;
    const signed = JSON.parse(await fsp.readFile(path.join(env.dir, "auth.json"), "utf8")) as { trade: { tradeId: string } };
    expect(ev.tradeId).to.equal(signed.trade.tradeId).and.equal(r.json.tradeId);
    expect(ev.assetId).to.equal(fileAssetId);
    expect(ev).to.deep.include({ seller: HOLDER, buyer: BUYER, right: "processing", venue: "on-exchange", price: "120000" });
    expect(ev.licenceId).to.equal(r.json.licenceId);
    // replay is refused with the contract's reason and a hint
    r = await cli(env, ["trade", "record", "--authorisation", "accepted.json"], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/TradeIdUsed/).and.match(/what to do/);
  });

  it("trade: a holding transfer of the dataset (off-exchange, confidential price) moves the ERC-721", async () => {
    const dataset = (await cli(env, ["hash", "dataset", "--json"])).json.digest as string;
    let r = await cli(env, ["trade", "authorise", "--asset", dataset, "--buyer", BUYER, "--right", "holding", "--exchange", EXCHANGE, "--venue", "off-exchange", "--price-commitment", "0x" + "ab".repeat(32), "--contract-digest", "0x" + "cd".repeat(32), "--out", "auth-holding.json", "--json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    // No --serial: the CLI takes the next serial above the exchange's window (serial 1 was recorded above).
    expect(parseTradeId(r.json.tradeId as string).serial).to.equal(2n);
    // a licence slipped in after the seller signed: the buyer's CLI refuses to accept the changed asset
    const slipped = await cli(env, ["licence", "grant", dataset, "--grantee", BUYER, "--right", "operating", "--scope-file", "scope.txt", "--end", "+1d", "--revocable"], { key: HOLDER_KEY });
    expect(slipped.code, slipped.stdout + slipped.stderr).to.equal(0);
    r = await cli(env, ["trade", "accept", "--authorisation", "auth-holding.json", "--out", "accepted-holding.json"], { key: BUYER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/rights changed since the seller signed/);
    // with --force it signs, and the chain refuses (RegistryStateChanged)
    r = await cli(env, ["trade", "accept", "--authorisation", "auth-holding.json", "--out", "accepted-holding.json", "--force"], { key: BUYER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["trade", "record", "--authorisation", "accepted-holding.json"], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/RegistryStateChanged/);
    // signed again on the current state, the trade is recorded
    r = await cli(env, ["trade", "authorise", "--asset", dataset, "--buyer", BUYER, "--right", "holding", "--exchange", EXCHANGE, "--venue", "off-exchange", "--price-commitment", "0x" + "ab".repeat(32), "--contract-digest", "0x" + "cd".repeat(32), "--out", "auth-holding-2.json", "--json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["trade", "accept", "--authorisation", "auth-holding-2.json", "--out", "accepted-holding-2.json"], { key: BUYER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["trade", "record", "--authorisation", "accepted-holding-2.json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/holding transferred/);
    expect(await env.deployment.registry.ownerOf(dataset)).to.equal(BUYER);
  });

  it("ownership prove --block: signs only if the key held the asset at that block; refuses a block past the head", async () => {
    const dataset = (await cli(env, ["hash", "dataset", "--json"])).json.digest as string;
    const registry = env.deployment.registry;
    const [registered] = await registry.queryFilter(registry.filters.AssetRegistered(dataset));
    const [moved] = await registry.queryFilter(registry.filters.HoldingTransferred(dataset));
    const before = moved!.blockNumber - 1; // HOLDER held the dataset then; BUYER holds it now
    // the current holder cannot claim a block at which it did not hold the asset
    let r = await cli(env, ["ownership", "prove", dataset, "--block", String(before), "--out", "own-b1.json"], { key: BUYER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(new RegExp(`did not hold asset ${dataset} at block ${before}`));
    await fsp.access(path.join(env.dir, "own-b1.json")).then(() => expect.fail("own-b1.json must not exist"), () => undefined);
    // the holder at that block can, and the statement verifies on chain
    r = await cli(env, ["ownership", "prove", dataset, "--block", String(before), "--out", "own-b2.json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["ownership", "verify", "own-b2.json", "--json"]);
    expect(r.json.valid, r.stdout).to.equal(true);
    // before the registration: refused with a clear message
    r = await cli(env, ["ownership", "prove", dataset, "--block", String(registered!.blockNumber - 1), "--out", "own-b3.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/was not registered yet at block/);
    // past the chain head
    const head = await hre.ethers.provider.getBlockNumber();
    r = await cli(env, ["ownership", "prove", dataset, "--block", String(head + 1000), "--out", "own-b4.json"], { key: BUYER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/past the chain head/);
  });

  it("trade close-ids: the exchange closes its ids below a serial; going backwards is refused", async () => {
    let r = await cli(env, ["trade", "close-ids", "--below", "50", "--json"], { key: EXCHANGE_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const [base] = await env.deployment.tradeRecorder.tradeWindow(EXCHANGE!);
    expect(base).to.equal(50n);
    r = await cli(env, ["trade", "close-ids", "--below", "10", "--json"], { key: EXCHANGE_KEY });
    expect(r.code).to.equal(1);
    expect(JSON.stringify(r.json)).to.match(/TradeWindowNotAdvanced/);
    r = await cli(env, ["trade", "close-ids", "--below", "60", "--json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1); // a merchant is not an exchange
  });

  it("licence: the holder grants and revokes an operating licence", async () => {
    await fsp.writeFile(path.join(env.dir, "ops.md"), "operate the product in the Shanghai market\n");
    let r = await cli(env, ["licence", "grant", fileAssetId, "--grantee", BUYER, "--right", "operating", "--scope-file", "ops.md", "--end", "+90d", "--revocable", "--json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const now = (await hre.ethers.provider.getBlock("latest"))!.timestamp + 5; // the chain's clock
    expect(await env.deployment.registry.isLicensed(fileAssetId, BUYER, 2, now)).to.equal(true);
    r = await cli(env, ["licence", "revoke", fileAssetId, "--grantee", BUYER, "--right", "operating", "--reason", "terms breached"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const block = await hre.ethers.provider.getBlock("latest");
    expect(await env.deployment.registry.isLicensed(fileAssetId, BUYER, 2, block!.timestamp + 1)).to.equal(false);
  });

  it("licence grant prints the start the contract recorded (a past start is raised to the grant time) and clean --json; revoke hints fit the action", async () => {
    const r = await cli(env, ["licence", "grant", fileAssetId, "--grantee", BUYER, "--right", "operating", "--scope-file", "ops.md", "--start", "2020-01-01", "--end", "+30d", "--revocable", "--json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const block = await hre.ethers.provider.getBlock(r.json.blockNumber as number);
    expect(r.json.start).to.equal(block!.timestamp);
    expect(r.json.requestedStart).to.equal(Date.parse("2020-01-01") / 1000);
    expect(r.json).to.not.have.property("logs");
    expect(r.stdout).to.not.match(/"provider"|"_type"|"topics"/);
    const ev = r.json.event as Record<string, unknown>;
    expect(ev).to.deep.include({ licenceId: r.json.licenceId, assetId: fileAssetId, grantee: BUYER, grantor: HOLDER, right: "operating", start: block!.timestamp, revocable: true, tradeId: "0x" + "0".repeat(64) });
    const human = await cli(env, ["licence", "grant", fileAssetId, "--grantee", BUYER, "--right", "operating", "--scope-file", "ops.md", "--start", "2020-01-01", "--end", "+30d"], { key: HOLDER_KEY });
    expect(human.code).to.equal(1); // in force already (RegistryLicenceActive)
    // revoked by someone who is neither its grantor nor the regulator: the hint is about revoking, not exchanges
    let rv = await cli(env, ["licence", "revoke", fileAssetId, "--grantee", BUYER, "--right", "operating", "--reason", "x"], { key: EXCHANGE_KEY });
    expect(rv.code).to.equal(1);
    expect(rv.stderr).to.match(/RegistryUnauthorized/).and.match(/what to do: only the licence's grantor/);
    expect(rv.stderr).to.not.match(/exchange's key/);
    rv = await cli(env, ["licence", "revoke", fileAssetId, "--grantee", BUYER, "--right", "operating", "--reason", "done"], { key: HOLDER_KEY });
    expect(rv.code, rv.stdout + rv.stderr).to.equal(0);
  });

  it("verify: API unreachable and no --proofs → registration NOT FOUND, anchoring UNCHECKED, exit 1; a batch not on this chain is named as such", async () => {
    // the helper's --api points at a closed port: evidence cannot be checked through it
    let r = await cli(env, ["verify", "receipts/r2.txt"]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/NOT FOUND\s+registration/).and.match(/UNCHECKED\s+anchoring/).and.match(/--proofs/);
    expect(r.stdout).to.not.match(/neither registered nor anchored/);
    r = await cli(env, ["verify", "receipts/r2.txt", "--json"]);
    expect(r.code).to.equal(1);
    expect(r.json).to.deep.include({ found: false, registered: false, anchoring: "unchecked" });
    // registered content is still found (exit 0) without the API
    r = await cli(env, ["verify", "report.csv"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    // with the proofs file it is checked offline and found
    r = await cli(env, ["verify", "receipts/r2.txt", "--proofs", "receipts.proofs.json", "--json"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.anchoring).to.equal("checked");
    // a proofs file for a batch this chain never anchored
    const other = JSON.parse(await fsp.readFile(path.join(env.dir, "receipts.proofs.json"), "utf8")) as { root: string };
    other.root = "0x" + "5a".repeat(32);
    await fsp.writeFile(path.join(env.dir, "other-chain.proofs.json"), JSON.stringify(other));
    r = await cli(env, ["verify", "receipts/r2.txt", "--proofs", "other-chain.proofs.json", "--skip-api"]);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.match(/not anchored on this chain/);
    expect(r.stdout).to.not.match(/does NOT verify/);
  });

  it("ownership: the holder proves, an auditor verifies on chain; a non-holder cannot prove", async () => {
    let r = await cli(env, ["ownership", "prove", fileAssetId, "--nonce", "audit-42", "--out", "own.json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["ownership", "verify", "own.json", "--json"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.valid).to.equal(true);
    const s = JSON.parse(await fsp.readFile(path.join(env.dir, "own.json"), "utf8")) as { holder: string };
    s.holder = BUYER.toLowerCase();
    await fsp.writeFile(path.join(env.dir, "own-forged.json"), JSON.stringify(s));
    r = await cli(env, ["ownership", "verify", "own-forged.json", "--json"]);
    expect(r.code).to.equal(2);
    expect(r.json.valid).to.equal(false);
    r = await cli(env, ["ownership", "prove", fileAssetId, "--out", "own2.json"], { key: BUYER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/does not hold asset/);
    await fsp.access(path.join(env.dir, "own2.json")).then(() => expect.fail("own2.json must not exist"), () => undefined);
  });

  it("error paths: bad key, unknown asset, wrong kind value, duplicate registration", async () => {
    let r = await cli(env, ["exchange", "suspend", EXCHANGE, "--reason", "x"], { key: "0x1234" });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/not 32 bytes of hex/);
    expect(r.stderr).to.not.contain("0x1234");
    r = await cli(env, ["exchange", "suspend", EXCHANGE, "--reason", "x"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/SHUQUAN_PRIVATE_KEY/);
    r = await cli(env, ["exchange", "suspend", EXCHANGE, "--reason", "x"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/refused with/);
    expect(r.stderr).to.not.contain(HOLDER_KEY!.slice(2));
    r = await cli(env, ["asset", "show", "0x" + "0".repeat(63) + "1", "--json"]);
    expect(r.code).to.equal(1);
    expect((r.json.error as { message: string }).message).to.match(/RegistryAssetNotFound/);
    r = await cli(env, ["asset", "apply", "report.csv", "--exchange", EXCHANGE, "--kind", "dataset", "--source", "enterprise", "--level", "general", "--metadata", metaFile, "--out", "application-x.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/invalid kind "dataset": expected one of resource, product, compute, model/);
    r = await cli(env, ["asset", "apply", "report.csv", "--exchange", EXCHANGE, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", metaFile, "--out", "application-x.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/registered already as SHDE-\d{4}-RE-00000001-/);
  });

  it("checks the key before any long work (hashing, reading inputs) in write commands", async () => {
    // the content path does not exist: without the fix, that is reported first (after hashing, for a real file)
    let r = await cli(env, ["asset", "apply", "missing-300MB.bin", "--exchange", EXCHANGE, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", metaFile, "--out", "application-x.json"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/signed by the holder's key, and none was given/);
    r = await cli(env, ["evidence", "anchor", "missing-dir"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/none was given/);
    r = await cli(env, ["--keystore", "no-such.keystore.json", "asset", "apply", "missing-300MB.bin", "--exchange", EXCHANGE, "--out", "application-x.json", "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", metaFile]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/cannot read keystore/);
    r = await cli(env, ["trade", "authorise", "--asset", "SHDE-2026-RE-00000001-X", "--buyer", BUYER, "--right", "holding", "--exchange", EXCHANGE, "--price", "1", "--currency", "CNY", "--contract-digest", "0x" + "cd".repeat(32), "--out", "never.json"], { key: "0x12" });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/not 32 bytes of hex/); // not "cannot reach the Shuquan API" (the registration-number lookup)
  });

  it("asset register checks the metadata against --kind and --source", async () => {
    let r = await cli(env, ["asset", "apply", "report.csv", "--exchange", EXCHANGE, "--kind", "product", "--source", "enterprise", "--level", "general", "--metadata", metaFile, "--out", "application-x.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/asset\.objectType is "resource" but --kind is "product"/);
    r = await cli(env, ["asset", "apply", "report.csv", "--exchange", EXCHANGE, "--kind", "resource", "--source", "personal", "--consent-digest", "0x" + "33".repeat(32), "--level", "general", "--metadata", metaFile, "--out", "application-x.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/--source is "personal" but the metadata says security\.personalInformation\.contains: false/);
    const pi = path.join(env.dir, "meta-pi.json");
    await fsp.writeFile(pi, JSON.stringify({ ...EXAMPLE_METADATA, security: { ...EXAMPLE_METADATA.security, personalInformation: { contains: true, sensitive: false } } }));
    r = await cli(env, ["asset", "apply", "report.csv", "--exchange", EXCHANGE, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", pi, "--out", "application-x.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/contains personal information, but no consent proof/);
  });

  it("hints fit the action: accredit needs the regulator only", async () => {
    const r = await cli(env, ["exchange", "accredit", DEV_ADDRESSES[4], "--code", "ZZZ", "--name", "x"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/ParticipantsUnauthorized/).and.match(/only the regulator's key/);
    expect(r.stderr).to.not.match(/home exchange/);
  });

  it("signs with an encrypted keystore (password from the environment); a wrong password is a clear error", async () => {
    const wallet = new Wallet(EXCHANGE_KEY!);
    await fsp.writeFile(path.join(env.dir, "exchange.keystore.json"), await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, "correct horse", { scrypt: { N: 1024 } }));
    const newcomer = DEV_ADDRESSES[4];
    let r = await cli(env, ["merchant", "consent", "--exchange", EXCHANGE, "--category", "technology", "--credential-digest", "0x" + "22".repeat(32), "--out", "consent-newcomer.json"], { key: DEV_KEYS[4] });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["--keystore", "exchange.keystore.json", "merchant", "onboard", newcomer, "--consent", "consent-newcomer.json"], { extraEnv: { SHUQUAN_KEYSTORE_PASSWORD: "wrong" } });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/cannot decrypt keystore/);
    r = await cli(env, ["--keystore", "exchange.keystore.json", "merchant", "onboard", newcomer, "--consent", "consent-newcomer.json"], { extraEnv: { SHUQUAN_KEYSTORE_PASSWORD: "correct horse" } });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout + r.stderr).to.not.contain(EXCHANGE_KEY!.slice(2));
  });

  it("pledge: holder consents, lender registers and releases", async () => {
    await fsp.writeFile(path.join(env.dir, "agreement.pdf"), "pledge agreement\n");
    let r = await cli(env, ["pledge", "consent", "--asset", fileAssetId, "--lender", BUYER, "--amount", "5000000", "--currency", "CNY", "--end", "+180d", "--agreement-file", "agreement.pdf", "--out", "consent.json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["pledge", "register", "--consent", "consent.json", "--json"], { key: BUYER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect((await env.deployment.registry.getAsset(fileAssetId)).pledged).to.equal(true);
    const pledgeId = r.json.pledgeId as string;
    const lift = await cli(env, ["pledge", "lift", pledgeId, "--reason", "not the regulator", "--json"], { key: BUYER_KEY });
    expect(lift.code).to.equal(1); // only the regulator lifts
    r = await cli(env, ["pledge", "release", pledgeId], { key: BUYER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect((await env.deployment.registry.getAsset(fileAssetId)).pledged).to.equal(false);
  });

  it("pledge: the regulator lifts a pledge, which unlocks the asset", async () => {
    let r = await cli(env, ["pledge", "consent", "--asset", fileAssetId, "--lender", BUYER, "--amount", "700000", "--currency", "CNY", "--end", "+90d", "--agreement-file", "agreement.pdf", "--out", "consent-2.json"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, ["pledge", "register", "--consent", "consent-2.json", "--json"], { key: BUYER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect((await env.deployment.registry.getAsset(fileAssetId)).pledged).to.equal(true);
    r = await cli(env, ["pledge", "lift", r.json.pledgeId as string, "--reason", "court order 2026-17", "--json"], { key: REGULATOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.reason).to.equal("court order 2026-17");
    expect((await env.deployment.registry.getAsset(fileAssetId)).pledged).to.equal(false);
  });

  it("regulator freezes and unfreezes", async () => {
    let r = await cli(env, ["asset", "freeze", fileAssetId, "--reason", "ownership dispute"], { key: REGULATOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect((await env.deployment.registry.getAsset(fileAssetId)).frozen).to.equal(true);
    r = await cli(env, ["asset", "unfreeze", fileAssetId, "--reason", "resolved"], { key: REGULATOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
  });

  it("trade authorise refuses a doomed authorisation (frozen asset, past deadline) unless --force; errors print ids in hex", async () => {
    let r = await cli(env, ["asset", "freeze", fileAssetId, "--reason", "dispute"], { key: REGULATOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const args = ["trade", "authorise", "--asset", fileAssetId, "--buyer", BUYER, "--right", "processing", "--exchange", EXCHANGE, "--price", "1", "--currency", "CNY", "--contract-file", "contract.pdf", "--scope-file", "scope.txt", "--end", "+30d"];
    r = await cli(env, [...args, "--out", "doomed.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/not signing/).and.match(/frozen/).and.match(/--force/);
    await fsp.access(path.join(env.dir, "doomed.json")).then(() => expect.fail("doomed.json must not exist"), () => undefined);
    r = await cli(env, [...args, "--out", "doomed.json", "--force"], { key: HOLDER_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stderr).to.match(/warning: .*frozen/);
    // uint256 ids in contract errors are printed as 0x + 64 hex
    r = await cli(env, ["licence", "grant", fileAssetId, "--grantee", BUYER, "--right", "operating", "--scope-file", "ops.md", "--end", "+30d"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`RegistryAssetFrozen(assetId=${fileAssetId})`);
    r = await cli(env, ["asset", "unfreeze", fileAssetId, "--reason", "resolved"], { key: REGULATOR_KEY });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, [...args, "--deadline", "2020-01-01", "--out", "expired.json"], { key: HOLDER_KEY });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/deadline .* is already past/);
  });

  it("the TypeScript encodings equal the contracts' pure views (leafOf, licenceIdOf, tradeIdOf)", async () => {
    const d = sha256Hex("an item");
    for (const asset of [0n, BigInt(fileAssetId)]) {
      expect(await env.deployment.evidence.leafOf(d, asset)).to.equal(evidenceLeafHash(d, asset));
    }
    for (const right of [1, 2, 3]) {
      expect(await env.deployment.registry.licenceIdOf(fileAssetId, BUYER, right)).to.equal(licenceIdOf(fileAssetId, BUYER!, right));
    }
    for (const serial of [0n, 1n, (1n << 96n) - 1n]) {
      expect(await env.deployment.tradeRecorder.tradeIdOf(EXCHANGE, serial)).to.equal(tradeIdOf(EXCHANGE!, serial));
    }
  });

  it("keeps the chain usable for other suites", async () => {
    expect(await hre.ethers.provider.getBlockNumber()).to.be.greaterThan(0);
  });
});

describe("shuquan CLI revert decoder (unit)", () => {
  const errors = new Interface([
    "error RegistryAssetFrozen(uint256 assetId)",
    "error RegistryTooManyParents(uint256 count, uint256 max)",
    "error TradeIdTooOld(uint256 tradeId, uint96 base)",
    "error RegistryUnauthorized(address account)",
    "error ParticipantsNotRecognised(address merchant, address exchange)",
  ]);
  const revert = (name: string, args: unknown[]): unknown => ({ info: { error: { data: errors.encodeErrorResult(name, args) } } });

  it("prints uint256 ids as 0x + 64 hex and other numbers in decimal", () => {
    const id = (1n << 255n) + 5n;
    expect(explainRevert(revert("RegistryAssetFrozen", [id]), "grant licence", errors).message).to.contain(`RegistryAssetFrozen(assetId=0x8${"0".repeat(62)}5)`);
    expect(explainRevert(revert("RegistryTooManyParents", [20n, 16n]), "register asset", errors).message).to.contain("RegistryTooManyParents(count=20, max=16)");
    expect(explainRevert(revert("TradeIdTooOld", [255n, 7n]), "record trade", errors).message).to.contain(`TradeIdTooOld(tradeId=0x${"0".repeat(62)}ff, base=7)`);
  });

  it("gives hints by action for shared error names", () => {
    expect(explainRevert(revert("RegistryUnauthorized", [DEV_ADDRESSES[1]]), "revoke licence", errors).hint).to.match(/grantor/).and.not.match(/exchange/);
    expect(explainRevert(revert("RegistryUnauthorized", [DEV_ADDRESSES[1]]), "freeze asset", errors).hint).to.match(/regulator/);
    expect(explainRevert(revert("RegistryUnauthorized", [DEV_ADDRESSES[1]]), "register asset", errors).hint).to.match(/exchange/);
    expect(explainRevert(revert("ParticipantsNotRecognised", [DEV_ADDRESSES[2], DEV_ADDRESSES[1]]), "record trade", errors).hint).to.match(/suspended merchant/).and.match(/home exchange is suspended/);
  });

  it("explains a nonce clash (two commands with one key at once)", () => {
    const e = Object.assign(new Error("nonce has already been used"), { code: "NONCE_EXPIRED", shortMessage: "nonce has already been used" });
    const err = explainRevert(e, "anchor evidence", errors);
    expect(err.message).to.match(/nonce has already been used/);
    expect(err.hint).to.match(/another transaction from this key was sent at the same time; run the command again/);
  });
});
