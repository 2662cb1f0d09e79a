import { expect } from "chai";
import { network } from "hardhat";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer, type Indexer } from "../../../service/src/indexer";
import { INDEXED_TABLES } from "../../../service/src/store";
import { registerAsset } from "../../helpers/assets";
import { shuquanFixture } from "../../helpers/fixture";
import { BACKENDS, dumpTables, type OpenedDb } from "../../helpers/backends";
import { followed, HARDHAT_CHAIN_ID, type Deployed } from "../../helpers/hardhat-scenario";

const common = { logger: createSilentLogger() };
const COMPARED = INDEXED_TABLES.filter((t) => t !== "block_hashes");
const hex = (id: bigint): string => "0x" + id.toString(16).padStart(64, "0");

for (const backend of BACKENDS) {
  describe(`indexer reorg on the Hardhat network (${backend.name})`, function () {
    this.timeout(120_000);
    let d: Deployed;
    let base: string;
    let o: OpenedDb;
    const others: OpenedDb[] = [];

    before(async () => {
      base = (await network.provider.send("evm_snapshot", [])) as string;
      d = await shuquanFixture();
    });
    after(async () => {
      await network.provider.send("evm_revert", [base]);
    });
    beforeEach(async () => (o = await backend.open()));
    afterEach(async () => {
      await o.cleanup();
      for (const x of others.splice(0)) await x.cleanup();
    });

    const indexerOn = (db: OpenedDb["db"]): Promise<Indexer> =>
      createIndexer(common, { db, chains: [{ chainId: HARDHAT_CHAIN_ID, provider: network.provider, contracts: followed(d), initialRange: 4 }] });
    const cleanDump = async () => {
      const fresh = await backend.open();
      others.push(fresh);
      await (await indexerOn(fresh.db)).catchUp();
      return dumpTables(fresh.db, COMPARED);
    };
    const assetRows = async (id: bigint) => (await o.db.all("SELECT * FROM assets WHERE asset_id = ?", [hex(id)])).length;

    for (const [label, branchB] of [
      ["longer", 5],
      ["shorter", 1],
    ] as const) {
      it(`should drop the reverted branch and index a ${label} new one`, async () => {
        const fork = (await network.provider.send("evm_snapshot", [])) as string;
        const a: bigint[] = [];
        for (let i = 0; i < 3; i++) a.push(await registerAsset(d.registry, d.shde, d.alice.address, `branch A ${label} ${i}`));
        const indexer = await indexerOn(o.db);
        await indexer.catchUp();
        for (const id of a) expect(await assetRows(id)).to.equal(1);

        await network.provider.send("evm_revert", [fork]);
        const b: bigint[] = [];
        for (let i = 0; i < branchB; i++) b.push(await registerAsset(d.registry, d.shde, d.carol.address, `branch B ${label} ${i}`));
        await indexer.catchUp();
        await indexer.catchUp();

        expect(indexer.status().chains[0].reorgs).to.equal(1);
        for (const id of a) expect(await assetRows(id), "branch A asset").to.equal(0);
        for (const id of b) expect(await assetRows(id), "branch B asset").to.equal(1);
        expect(await o.db.all("SELECT * FROM holdings WHERE to_address = ?", [d.alice.address.toLowerCase()])).to.have.length(0);
        expect(await dumpTables(o.db, COMPARED)).to.deep.equal(await cleanDump());
        await network.provider.send("evm_revert", [fork]);
      });
    }
  });
}
