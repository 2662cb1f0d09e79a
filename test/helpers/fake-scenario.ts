/**
 * Hand-built Shuquan logs (encoded with the interfaces' ABIs) for indexer tests on the fake chain.
 */
import { id } from "ethers";
import type { FollowedContract } from "../../service/src/indexer";
import { encodeLog, type FakeChain, type LogSpec } from "./fake-chain";

/** Contract addresses on the fake chain. */
export const ADDR = {
  participants: "0x" + "a1".repeat(20),
  registry: "0x" + "a2".repeat(20),
  trades: "0x" + "a3".repeat(20),
  pledges: "0x" + "a4".repeat(20),
  evidence: "0x" + "a5".repeat(20),
  stranger: "0x" + "ee".repeat(20),
};

/** The followed contracts for {@link ADDR}. */
export const CONTRACTS: FollowedContract[] = [
  { name: "ParticipantRegistry", address: ADDR.participants, startBlock: 1 },
  { name: "DataAssetRegistry", address: ADDR.registry, startBlock: 1 },
  { name: "TradeRecorder", address: ADDR.trades, startBlock: 1 },
  { name: "PledgeRegistry", address: ADDR.pledges, startBlock: 1 },
  { name: "EvidenceAnchor", address: ADDR.evidence, startBlock: 1 },
];

export const account = (n: number): string => "0x" + n.toString(16).padStart(40, "0");
export const word = (label: string | number): string => id(String(label));
const ZERO = "0x" + "0".repeat(64);
const SHDE = "0x53484445";

export const L = {
  accredited: (ex: string, code = SHDE, name = "上海数据交易所") =>
    encodeLog("ParticipantRegistry", ADDR.participants, "ExchangeAccredited", [ex, code, name, account(1)]),
  onboarded: (m: string, ex: string, category = 0) =>
    encodeLog("ParticipantRegistry", ADDR.participants, "MerchantOnboarded", [m, ex, category, word(`cred:${m}`)]),
  recognised: (recogniser: string, m: string) => encodeLog("ParticipantRegistry", ADDR.participants, "MerchantRecognised", [recogniser, m]),
  registered: (assetId: bigint, holder: string, ex: string, sequence: number, parents: bigint[] = []) =>
    encodeLog("DataAssetRegistry", ADDR.registry, "AssetRegistered", [
      assetId, holder, ex, SHDE, sequence, 0, 1, 0, word(`meta:${assetId}`), `bafymeta${sequence}`, ZERO, parents,
    ]),
  transfer: (from: string, to: string, assetId: bigint) => encodeLog("DataAssetRegistry", ADDR.registry, "Transfer", [from, to, assetId]),
  holdingTransferred: (assetId: bigint, from: string, to: string, tradeId: bigint) =>
    encodeLog("DataAssetRegistry", ADDR.registry, "HoldingTransferred", [assetId, from, to, tradeId]),
  /** `linked`: the trade this one links to (0: none). */
  trade: (tradeId: bigint, assetId: bigint, ex: string, seller: string, buyer: string, price: bigint, linked = 0n) =>
    encodeLog("TradeRecorder", ADDR.trades, "TradeRecorded", [
      tradeId, assetId, ex, seller, buyer, 0, ZERO, price, "0x434e59", ZERO, word(`contract:${tradeId}`), 0, linked,
    ]),
  frozen: (assetId: bigint, regulator: string, reason = "investigation") => encodeLog("DataAssetRegistry", ADDR.registry, "AssetFrozen", [assetId, regulator, reason]),
  unfrozen: (assetId: bigint, regulator: string, reason = "cleared") => encodeLog("DataAssetRegistry", ADDR.registry, "AssetUnfrozen", [assetId, regulator, reason]),
  pledgeLock: (assetId: bigint, pledged: boolean, pledgeId = 1n) => encodeLog("DataAssetRegistry", ADDR.registry, "AssetPledgeLockChanged", [assetId, pledged, pledgeId]),
  anchored: (root: string, ex: string, leafCount: number, cid: string, assetId = 0n) =>
    encodeLog("EvidenceAnchor", ADDR.evidence, "EvidenceAnchored", [root, ex, assetId, leafCount, cid]),
  /** A log from an address that is not followed (must be ignored). */
  stranger: () => ({ ...encodeLog("ParticipantRegistry", ADDR.participants, "MerchantRecognised", [account(7), account(8)]), address: ADDR.stranger }),
};

/**
 * Mines a realistic little history: an exchange, merchants, assets (one derived), a trade that moves the holding
 * (Transfer + HoldingTransferred in one tx) and noise from a stranger. `salt` varies the content (reorg branches).
 * Returns the number of followed logs mined.
 */
export function mineScenario(chain: FakeChain, blocks: number, salt = 0): number {
  const ex = account(0x100 + salt);
  let logs = 0;
  const mine = (ls: LogSpec[], sameTx = false): void => {
    chain.mine(ls, sameTx);
    logs += ls.filter((l) => l.address !== ADDR.stranger).length;
  };
  mine([L.accredited(ex), L.onboarded(account(0x200 + salt), ex)]);
  for (let i = 1; i <= blocks; i++) {
    const asset = BigInt(word(`asset:${salt}:${i}`));
    const holder = account(0x200 + salt);
    const parents = i > 1 ? [BigInt(word(`asset:${salt}:${i - 1}`))] : [];
    const ls: LogSpec[] = [L.registered(asset, holder, ex, i, parents), L.transfer(account(0), holder, asset), L.stranger()];
    mine(ls, true);
    if (i % 3 === 0) {
      const tradeId = (BigInt(ex) << 96n) | BigInt(i);
      const buyer = account(0x300 + i);
      mine(
        [
          L.onboarded(buyer, ex),
          L.trade(tradeId, asset, ex, holder, buyer, 1000n * BigInt(i)),
          L.transfer(holder, buyer, asset),
          L.holdingTransferred(asset, holder, buyer, tradeId),
        ],
        true,
      );
    }
  }
  return logs;
}
