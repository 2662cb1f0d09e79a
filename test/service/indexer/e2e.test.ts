import { expect } from "chai";
import { ethers, network } from "hardhat";
import { Interface, type InterfaceAbi } from "ethers";
import { createSilentLogger } from "../../../service/src/logger";
import { createIndexer } from "../../../service/src/indexer";
import { CONTRACT_ABIS, CONTRACT_NAMES, type ContractName } from "../../../service/src/contracts";
import { createDecoder } from "../../../service/src/chain/decoder";
import { HANDLED_EVENTS } from "../../../service/src/indexer/handlers";
import type { RawLog } from "../../../service/src/chain/rpc";
import { createLocalContentStore } from "../../../service/src/content";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BACKENDS, type OpenedDb } from "../../helpers/backends";
import { deployAndDrive, followed, HARDHAT_CHAIN_ID, type Deployed } from "../../helpers/hardhat-scenario";

const common = { logger: createSilentLogger() };

/** Event names that more than one contract emits (e.g. RegistrationCancelled: the registry's bad-faith cancellation
 * and the lifecycle's 注销): these are keyed "Contract.Event" below, every other event by its name. */
const SHARED_NAMES = new Set(
  Object.values(HANDLED_EVENTS)
    .flat()
    .filter((n, i, all) => all.indexOf(n) !== i),
);
const eventKey = (contract: string, name: string): string => (SHARED_NAMES.has(name) ? `${contract}.${name}` : name);

/** Every event the handlers map. */
const EVENT_NAMES = Object.entries(HANDLED_EVENTS).flatMap(([contract, names]) => names.map((n) => eventKey(contract, n)));

/** Table each event lands in. */
const TABLE_OF: Record<string, string> = {
  ExchangeAccredited: "exchanges",
  ExchangeSuspended: "exchange_status_changes",
  ExchangeReinstated: "exchange_status_changes",
  MerchantOnboarded: "merchants",
  MerchantSuspended: "merchant_status_changes",
  MerchantReinstated: "merchant_status_changes",
  ExchangeRecognised: "recognitions",
  ExchangeRecognitionWithdrawn: "recognitions",
  MerchantRecognised: "recognitions",
  MerchantRecognitionWithdrawn: "recognitions",
  AssetRegistered: "assets",
  AssetFrozen: "freezes",
  AssetUnfrozen: "freezes",
  HoldingTransferred: "", // merged into the holdings row of its Transfer
  LicenceGranted: "licences",
  LicenceRevoked: "licence_revocations",
  AssetPledgeLockChanged: "pledge_locks",
  ModulesWired: "modules_wired",
  Transfer: "holdings",
  TradeRecorded: "trades",
  PledgeRegistered: "pledges",
  PledgeReleased: "pledge_status_changes",
  PledgeLifted: "pledge_status_changes",
  EvidenceAnchored: "evidence_batches",
  AssetStatusChanged: "lifecycle_events",
  ExchangeTermsSet: "lifecycle_events",
  ObjectionLodged: "lifecycle_events",
  ObjectionResolved: "lifecycle_events",
  NoticeClosed: "lifecycle_events",
  RegistrationRenewed: "lifecycle_events",
  MetadataChanged: "lifecycle_events",
  CancellationRequested: "lifecycle_events",
  "RegistrationLifecycle.RegistrationCancelled": "lifecycle_events",
  ValidityLimited: "lifecycle_events",
  CrossBorderTradeRecorded: "cross_border_trades",
  ReceiptsAnchored: "receipt_batches",
  ReceiptOperatorSet: "receipt_operators",
  AssessorCategoriesSet: "assessor_grants",
  AssessmentAttached: "assessments",
  AssessmentResponded: "assessment_responses",
  AssessmentWithdrawn: "assessment_withdrawals",
  AssessmentPolicySet: "assessment_policies",
  MerchantSuspensionLifted: "merchant_status_changes",
  MerchantMoved: "consent_events",
  MerchantRehomed: "consent_events",
  MerchantOffboarded: "consent_events",
  OnboardingConsentCancelled: "consent_events",
  ApplicationsCancelled: "consent_events",
  "DataAssetRegistry.RegistrationCancelled": "consent_events",
  RegistrationReassigned: "consent_events",
  AssetDeidentified: "consent_events",
  PledgeDefaultDeclared: "pledge_status_changes",
  PledgeEnforcementObjected: "pledge_status_changes",
  PledgeEnforced: "pledge_status_changes",
  PledgeDerivationApproved: "consent_events",
};

describe("indexer end to end on the Hardhat network", function () {
  this.timeout(180_000);
  let d: Deployed;
  let assets: bigint[];
  let manifests: Uint8Array[];
  let rawLogs: RawLog[];
  const contentDir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-e2e-content-"));
  const content = createLocalContentStore(contentDir);
  let snapshot: string;
  const counts = new Map<string, number>();
  let otherLogs = 0;

  before(async () => {
    snapshot = (await network.provider.send("evm_snapshot", [])) as string;
    ({ d, assets, manifests } = await deployAndDrive());
    for (const m of manifests) await content.put(m);
    // Reference decoding of every log with ethers, independent of the indexer's decoder.
    const addrs = Object.values(d.addresses).map((a) => a.toLowerCase());
    const logs = (await network.provider.send("eth_getLogs", [{ address: addrs, fromBlock: "0x0", toBlock: "latest" }])) as RawLog[];
    rawLogs = logs;
    const contractOf = new Map((Object.entries(d.addresses) as [ContractName, string][]).map(([n, a]) => [a.toLowerCase(), n]));
    for (const l of logs) {
      const contract = contractOf.get(l.address.toLowerCase())!;
      let parsed: ReturnType<Interface["parseLog"]> = null;
      try { parsed = new Interface(CONTRACT_ABIS[contract] as InterfaceAbi).parseLog(l); } catch { parsed = null; }
      const key = parsed ? eventKey(contract, parsed.name) : "";
      if (parsed && (EVENT_NAMES as readonly string[]).includes(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
      else otherLogs++;
    }
  });
  after(async () => {
    await network.provider.send("evm_revert", [snapshot]);
    fs.rmSync(contentDir, { recursive: true, force: true });
  });

  it("should decode every real log exactly as ethers does", () => {
    const decoder = createDecoder(HANDLED_EVENTS);
    const ifaces = CONTRACT_NAMES.map((n) => new Interface(CONTRACT_ABIS[n] as InterfaceAbi));
    let checked = 0;
    for (const l of rawLogs) {
      const ev = decoder.decode(l);
      if (ev.name === null) continue;
      const ref = ifaces.map((i) => { try { return i.parseLog(l); } catch { return null; } }).find((p) => p && p.name === ev.name)!;
      ref.fragment.inputs.forEach((p, i) => {
        const v = ref.args[i] as unknown;
        const mine = ev.args[p.name];
        if (typeof v === "bigint") expect(BigInt(mine as string | number), `${ev.name}.${p.name}`).to.equal(v);
        else if (Array.isArray(v)) expect((mine as string[]).map((x) => BigInt(x)), `${ev.name}.${p.name}`).to.deep.equal([...(v as bigint[])]);
        else if (typeof v === "string") expect(mine, `${ev.name}.${p.name}`).to.equal(p.type === "string" ? v : v.toLowerCase());
        else expect(mine, `${ev.name}.${p.name}`).to.equal(v);
      });
      checked++;
    }
    expect(checked).to.be.greaterThan(40);
  });

  it("should know the table of every event the indexer maps", () => {
    expect(Object.keys(TABLE_OF).sort()).to.deep.equal([...EVENT_NAMES].sort());
  });

  it("should have emitted every event the indexer maps", () => {
    for (const n of EVENT_NAMES) expect(counts.get(n) ?? 0, n).to.be.greaterThan(0);
  });

  for (const backend of BACKENDS) {
    context(`on ${backend.name}`, () => {
      let o: OpenedDb;
      before(async () => {
        o = await backend.open();
        const indexer = await createIndexer(common, {
          db: o.db,
          chains: [{ chainId: HARDHAT_CHAIN_ID, provider: network.provider, contracts: followed(d), initialRange: 7 }],
          content,
        });
        await indexer.catchUp();
      });
      after(async () => o && (await o.cleanup()));

      it("should write one row per log to each event's table", async () => {
        const perTable = new Map<string, number>();
        for (const [name, n] of counts) if (TABLE_OF[name as keyof typeof TABLE_OF]) perTable.set(TABLE_OF[name as keyof typeof TABLE_OF], (perTable.get(TABLE_OF[name as keyof typeof TABLE_OF]) ?? 0) + n);
        for (const [table, n] of perTable) {
          const r = await o.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`);
          expect(r!.n, table).to.equal(n);
        }
        expect((await o.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM other_events"))!.n).to.equal(otherLogs);
      });

      it("should store the registration number the registry reports", async () => {
        for (const id of assets) {
          const row = await o.db.get<{ registration_number: string }>("SELECT registration_number FROM assets WHERE asset_id = ?", ["0x" + id.toString(16).padStart(64, "0")]);
          expect(row?.registration_number).to.equal(await d.registry.registrationNumber(id));
        }
      });

      it("should derive the current holder as the registry's owner", async () => {
        for (const id of assets) {
          const hex = "0x" + id.toString(16).padStart(64, "0");
          const row = await o.db.get<{ to_address: string; kind: string; trade_id: string | null }>(
            "SELECT to_address, kind, trade_id FROM holdings WHERE asset_id = ? ORDER BY block_number DESC, log_index DESC LIMIT 1",
            [hex],
          );
          expect(row?.to_address).to.equal((await d.registry.ownerOf(id)).toLowerCase());
        }
        // a holding trade and a pledge enforcement (a trade recorded by the TradeRecorder): each holdings row of kind
        // trade is the holding move of exactly one recorded holding trade
        const traded = await o.db.all<{ trade_id: string }>("SELECT trade_id FROM holdings WHERE kind = 'trade' ORDER BY trade_id");
        expect(traded).to.have.length(2);
        const trades = await o.db.all<{ trade_id: string }>("SELECT trade_id FROM trades WHERE \"right\" = 'holding' ORDER BY trade_id");
        expect(traded.map((t) => t.trade_id)).to.deep.equal(trades.map((t) => t.trade_id));
      });

      it("should record the confidential trade without a price", async () => {
        const t = await o.db.get<Record<string, unknown>>("SELECT * FROM trades WHERE confidential = 1");
        expect(t).to.include({ price: null, currency: null, venue: "off-exchange", right: "processing" });
        expect(t!.licence_id).to.match(/^0x[0-9a-f]{64}$/);
        const lic = await o.db.get<Record<string, unknown>>("SELECT * FROM licences WHERE licence_id = ?", [t!.licence_id as string]);
        expect(lic!.trade_id).to.equal(t!.trade_id);
      });

      it("should verify the anchored manifests and index their items", async () => {
        const batches = await o.db.all<{ manifest_status: string; leaf_count: number }>("SELECT manifest_status, leaf_count FROM evidence_batches ORDER BY block_number");
        expect(batches.map((b) => b.manifest_status)).to.deep.equal(["valid", "valid"]);
        expect((await o.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM evidence_items"))!.n).to.equal(4);
        const item = await o.db.get<{ leaf_hash: string; item_digest: string; asset_id: string; batch_root: string }>("SELECT * FROM evidence_items WHERE asset_id <> ?", ["0x" + "0".repeat(64)]);
        expect(item!.leaf_hash).to.equal(await d.evidence.leafOf(item!.item_digest, item!.asset_id));
      });

      it("should report status against the chain head", async () => {
        const head = Number(await ethers.provider.getBlockNumber());
        const cp = await o.db.get<{ block_number: number; head_block: number; finalized_block: number }>("SELECT * FROM checkpoints");
        expect(cp).to.include({ block_number: head, head_block: head, finalized_block: head });
      });
    });
  }
});
