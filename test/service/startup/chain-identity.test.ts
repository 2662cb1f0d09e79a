import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import type { Deployment } from "../../../service/src/contracts";
import { deployShuquan } from "../../../service/src/contracts/deploy";
import { createSilentLogger } from "../../../service/src/logger";
import { checkChainIdentity, recordedGenesis } from "../../../service/src/startup/chain-identity";
import { StartupError } from "../../../service/src/startup/preflight";
import { createIndexStore, createSqliteDb, migrate, type Db } from "../../../service/src/store";

describe("startup/chain-identity: does the chain still match the index and the deployment?", function () {
  this.timeout(120_000);
  let server: JsonRpcServer;
  let rpcUrl: string;
  let deployment: Deployment;
  let db: Db;
  let dir: string;
  const logger = createSilentLogger();
  const check = (d: Deployment, record = true) =>
    checkChainIdentity({ db, rpcUrl, deployment: d, remedy: "REMEDY", record, followLostBlocks: false, logger });

  before(async () => {
    server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
    rpcUrl = `http://127.0.0.1:${(await server.listen()).port}`;
    const [deployer] = await hre.ethers.getSigners();
    const d = await deployShuquan(deployer!);
    deployment = {
      chainId: 31337,
      contracts: Object.entries(d.addresses).map(([name, address]) => ({ name: name as Deployment["contracts"][number]["name"], address: address.toLowerCase(), startBlock: d.startBlock })),
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sq-identity-"));
    db = createSqliteDb(path.join(dir, "index.sqlite"));
    await migrate(db);
  });
  after(async () => {
    await db?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should record the chain's genesis hash on the first start, only when it writes", async () => {
    await check(deployment, false);
    expect(await recordedGenesis(db, 31337)).to.equal(undefined);
    await check(deployment);
    const genesis = (await hre.ethers.provider.getBlock(0))!.hash;
    expect(await recordedGenesis(db, 31337)).to.equal(genesis);
    await check(deployment); // the same chain again: fine
  });

  it("should refuse an index built from another chain, naming both genesis hashes and the remedy", async () => {
    const real = (await recordedGenesis(db, 31337))!;
    await db.run("UPDATE meta SET value = ? WHERE key = ?", ["0x" + "ab".repeat(32), "genesis:31337"]);
    try {
      await check(deployment).then(() => expect.fail("accepted"), (e: Error) => {
        expect(e).to.be.instanceOf(StartupError);
        expect(e.message).to.match(/built from another chain 31337 \(genesis 0xabababab…\) .* \(genesis 0x[0-9a-f]{8}…\).*stale: REMEDY/);
      });
    } finally {
      await db.run("UPDATE meta SET value = ? WHERE key = ?", [real, "genesis:31337"]);
    }
  });

  it("should refuse a deployment with no code on the chain", async () => {
    const wrong = { chainId: 31337, contracts: [{ name: "EvidenceAnchor" as const, address: "0x" + "cd".repeat(20), startBlock: 0 }] };
    await check(wrong).then(() => expect.fail("accepted"), (e: Error) => expect(e.message).to.match(/does not match the chain .* no contract at 0xcdcd.* \(EvidenceAnchor\)/));
  });

  it("should refuse a deployment that drops a followed contract, or adds one whose events the index has passed", async () => {
    const store = createIndexStore(db);
    await store.registerContracts(31337, deployment.contracts);
    await check(deployment);
    const dropped = { ...deployment, contracts: deployment.contracts.slice(1) };
    await check(dropped).then(() => expect.fail("accepted"), (e: Error) => expect(e.message).to.match(/index follows ParticipantRegistry 0x.*which the deployment does not list/));
    // an index at block 50 meets a contract deployed from block 3 that it never followed
    const [deployer] = await hre.ethers.getSigners();
    const v2 = await deployShuquan(deployer!);
    await store.writeRange({
      chainId: 31337,
      rows: new Map(),
      blocks: [],
      checkpoint: { chainId: 31337, blockNumber: v2.startBlock + 5, blockHash: "0x" + "00".repeat(32), blockTime: 0, headBlock: v2.startBlock + 5, finalizedBlock: 0, confirmations: 0, updatedAt: Date.now() },
    } as Parameters<typeof store.writeRange>[0]);
    const added = { ...deployment, contracts: [...deployment.contracts, { name: "EvidenceAnchor" as const, address: v2.addresses.EvidenceAnchor.toLowerCase(), startBlock: v2.startBlock }] };
    await check(added).then(() => expect.fail("accepted"), (e: Error) => expect(e.message).to.match(/adds EvidenceAnchor 0x.* \(from block \d+\), but the index is already at block \d+ and would miss its earlier events/));
  });
});
