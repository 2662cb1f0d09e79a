/**
 * Gives the development accounts their roles on a fresh embedded deployment: the regulator accredits two
 * exchanges, each onboards its merchants, and they recognise each other: SHDE recognises GZDE as a whole, GZDE
 * recognises SHDE's alice singly (so bob is recognised at SHDE only) — the same layout the tests use. Both exchanges
 * give registrations a 3-year validity, renewable in the last 60 days, without a public notice (so that what is
 * registered can trade at once; `shuquan asset terms --notice-days 10 …` turns the notice on). GZDE grants its
 * third-party service merchant dave every assessor category (quality, compliance, valuation, security).
 */
import { JsonRpcProvider, NonceManager, Signature, type Signer } from "ethers";
import {
  IAssessmentRegistry__factory,
  IParticipantRegistry__factory,
  IRegistrationLifecycle__factory,
  ITradeRecorder__factory,
} from "../../../typechain-types";
import { exchangeCodeBytes4, enumValue, MERCHANT_CATEGORY, sha256Hex } from "../digest";
import { DEV, devWallet } from "./accounts";

export { DEV };

const signers = new WeakMap<JsonRpcProvider, Map<number, Signer>>();

/**
 * The signer of development account `index` on `provider`. One per account and provider, so that its nonce is
 * tracked in one place (two trackers of one account would race each other on an automining chain).
 */
export function devSigner(provider: JsonRpcProvider, index: number): Signer {
  let byIndex = signers.get(provider);
  if (!byIndex) signers.set(provider, (byIndex = new Map()));
  let signer = byIndex.get(index);
  if (!signer) byIndex.set(index, (signer = new NonceManager(devWallet(index).connect(provider))));
  return signer;
}

/**
 * Sets up exchanges, merchants and recognition, and opens each exchange's trade-id window (so that no trade pays
 * for its first write). Only on a fresh deployment.
 */
export async function bootstrapRoles(
  provider: JsonRpcProvider,
  addresses: { ParticipantRegistry: string; TradeRecorder: string; RegistrationLifecycle: string; AssessmentRegistry?: string },
): Promise<void> {
  const participantsAddress = addresses.ParticipantRegistry;
  const as = (i: number) => IParticipantRegistry__factory.connect(participantsAddress, devSigner(provider, i));
  const send = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
  const address = (i: number) => devWallet(i).address;
  const credential = (who: string) => sha256Hex(`onboarding credential of ${who}`);
  const category = (name: string) => enumValue(MERCHANT_CATEGORY, name, "category");

  const regulator = as(DEV.regulator);
  await send(regulator.accreditExchange(address(DEV.shde), exchangeCodeBytes4("SHDE"), "Shanghai Data Exchange"));
  await send(regulator.accreditExchange(address(DEV.gzde), exchangeCodeBytes4("GZDE"), "Guiyang Global Big Data Exchange"));

  const shde = as(DEV.shde);
  const gzde = as(DEV.gzde);
  // Each merchant signs its own onboarding consent (the contract's digest, signed with its development key).
  const deadline = 2n ** 40n;
  const onboard = async (exchange: number, merchant: number, name: string, cat: string) => {
    const digest = await regulator.hashOnboarding(address(merchant), address(exchange), category(cat), credential(name), 0n, deadline);
    const signature = Signature.from(devWallet(merchant).signingKey.sign(digest)).serialized;
    await send(as(exchange).onboardMerchant(address(merchant), category(cat), credential(name), deadline, signature));
  };
  await onboard(DEV.shde, DEV.alice, "alice", "data-resource");
  await onboard(DEV.shde, DEV.bob, "bob", "technology");
  await onboard(DEV.gzde, DEV.carol, "carol", "data-resource");
  await onboard(DEV.gzde, DEV.dave, "dave", "third-party-service");
  await onboard(DEV.gzde, DEV.lender, "lender", "third-party-service");
  await send(shde.recogniseExchange(address(DEV.gzde)));
  await send(gzde.recogniseMerchant(address(DEV.alice)));
  if (addresses.AssessmentRegistry) {
    await send(IAssessmentRegistry__factory.connect(addresses.AssessmentRegistry, devSigner(provider, DEV.gzde)).setAssessorCategories(address(DEV.dave), 0x0f));
  }
  for (const exchange of [DEV.shde, DEV.gzde]) {
    await send(ITradeRecorder__factory.connect(addresses.TradeRecorder, devSigner(provider, exchange)).closeTradeIds(1));
    await send(IRegistrationLifecycle__factory.connect(addresses.RegistrationLifecycle, devSigner(provider, exchange)).setTerms(0, 1095, 60));
  }
}
