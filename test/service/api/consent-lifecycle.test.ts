/**
 * A registration the regulator cancels for bad faith (issue 9: the digest freed) while an objection against it is open
 * (issue 11), then registered again by the rightful holder: through the index and the API, on SQLite and PostgreSQL,
 * the asset is the new registration with its own status, and the old objection is moot, not open.
 */
import { expect } from "chai";
import { network } from "hardhat";
import request from "supertest";
import { createApi } from "../../../service/src/api";
import { formatAssetId } from "../../../service/src/digest";
import { createIndexer, type FollowedContract } from "../../../service/src/indexer";
import type { ContractName } from "../../../service/src/contracts";
import { createSilentLogger } from "../../../service/src/logger";
import { registerAsset } from "../../helpers/assets";
import { digest, shuquanFixture } from "../../helpers/fixture";
import { BACKENDS, quietLogger } from "./fixture";

describe("API: a bad-faith cancellation under objection, then a new registration of the digest", function () {
  this.timeout(300_000);
  let snapshot: string;
  let d: Awaited<ReturnType<typeof shuquanFixture>>;
  let assetId = 0n;

  before(async () => {
    snapshot = (await network.provider.send("evm_snapshot", [])) as string;
    d = await shuquanFixture();
    const { registry, lifecycle, regulator, shde, alice, bob, carol } = d;
    const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
    await send(lifecycle.connect(shde).setTerms(10, 365, 30));
    assetId = await registerAsset(registry, shde, bob.address, "squatted"); // bob squats it, under notice
    await send(lifecycle.connect(carol).object(assetId, digest("grounds"), false, digest("0")));
    await send(registry.connect(regulator).cancelRegistration(assetId, digest("bad faith")));
    await send(lifecycle.connect(shde).setTerms(0, 365, 30));
    await registerAsset(registry, shde, alice.address, "squatted"); // alice's, in force at once
  });
  after(async () => {
    await network.provider.send("evm_revert", [snapshot]);
  });

  for (const backend of BACKENDS) {
    context(`on ${backend.name}`, () => {
      let app: ReturnType<typeof createApi>;
      let close: () => Promise<void>;
      before(async () => {
        const opened = await backend.open();
        close = opened.close;
        const contracts: FollowedContract[] = (Object.entries(d.addresses) as [ContractName, string][]).map(([name, address]) => ({ name, address, startBlock: d.startBlock }));
        const indexer = await createIndexer({ logger: createSilentLogger() }, { db: opened.db, chains: [{ chainId: 31337, provider: network.provider, contracts }] });
        await indexer.catchUp();
        app = createApi({ db: opened.db, indexerStatus: () => indexer.status(), logger: quietLogger });
      });
      after(async () => close && (await close()));

      it("should give the new registration, with its own status, not the cancelled one's", async () => {
        const a = (await request(app).get(`/v1/assets/${formatAssetId(assetId)}`).expect(200)).body.data;
        const onChain = await d.registry.getAsset(assetId);
        expect(a).to.include({ holder: d.alice.address.toLowerCase(), registrationStatus: "registered", status: "registered" });
        expect(a.validUntil).to.equal(Number(onChain.validUntil));
      });

      it("should call the objection against the cancelled registration moot, not open", async () => {
        const all = (await request(app).get(`/v1/objections?asset=${formatAssetId(assetId)}`).expect(200)).body.data;
        expect(all.map((o: { objector: string; state: string }) => [o.objector, o.state])).to.deep.equal([[d.carol.address.toLowerCase(), "moot"]]);
        expect((await request(app).get(`/v1/objections?state=open`).expect(200)).body.data).to.deep.equal([]);
      });
    });
  }
});
