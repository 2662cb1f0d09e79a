import type { Command } from "commander";
import { TypedDataEncoder, verifyTypedData } from "ethers";
import { z } from "zod";
import { MERCHANT_CATEGORY, ONBOARDING_TYPES } from "../../digest";
import { digestFrom, parseAddress, parseEnum, parseTime } from "../args";
import { findEvent, send, view } from "../chain";
import { domainOf } from "../eip712";
import { CliError } from "../errors";
import { assertWritable, readJsonFile, toJson, writeFileAtomic } from "../files";
import { commandSummary } from "./index";
import { act } from "../program";
import type { Context } from "../context";

/** What `merchant consent` writes and `merchant onboard --consent` reads. */
const consentFileSchema = z.object({
  type: z.literal("shuquan/onboarding-consent"),
  version: z.literal(1),
  consent: z.object({ merchant: z.string(), exchange: z.string(), category: z.string(), credentialDigest: z.string(), nonce: z.string(), deadline: z.number() }),
  signature: z.string(),
});

/** `shuquan merchant consent|onboard|suspend|reinstate` — a merchant's consent and an exchange's merchants. */
export function registerMerchantCommands(program: Command): void {
  const m = program.command("merchant").description(commandSummary("merchant"));

  m.command("consent")
    .description("sign the merchant's EIP-712 consent to be onboarded by (or to move its home to) an exchange (merchant key)")
    .requiredOption("--exchange <address>", "the exchange that will be the merchant's home")
    .requiredOption("--category <category>", MERCHANT_CATEGORY.join("|"))
    .option("--credential-file <file>", "the onboarding credential (its SHA-256 is signed)")
    .option("--credential-digest <0x…>", "SHA-256 of the onboarding credential")
    .option("--deadline <time>", "consent void after", "+7d")
    .requiredOption("--out <file>", "where to write the signed consent (give it to the exchange)")
    .option("--force", "overwrite --out, and sign even when the chain would refuse the onboarding now")
    .action(
      act<{ exchange: string; category: string; credentialFile?: string; credentialDigest?: string; deadline: string; out: string; force?: boolean }>(async (ctx, _a, o) => {
        const exchange = parseAddress(o.exchange, "--exchange");
        const category = parseEnum(MERCHANT_CATEGORY, o.category, "category");
        await assertWritable(o.out, o.force);
        await ctx.requireKey("merchant");
        const credentialDigest = (await digestFrom(o.credentialDigest, o.credentialFile, "credential", true)) as string;
        const { contract, wallet } = await ctx.writer("participants", "merchant");
        const problems: string[] = [];
        if (!(await view<boolean>(contract, "isActiveExchange", [exchange], "check exchange"))) problems.push(`${exchange} is not an active exchange`);
        const current = await view<{ homeExchange: string; status: bigint }>(contract, "getMerchant", [wallet.address], "read merchant");
        if (Number(current.status) !== 0 && current.homeExchange.toLowerCase() === exchange.toLowerCase()) problems.push("that exchange is already this merchant's home");
        if (Number(current.status) === 2) problems.push("this merchant is suspended: it cannot move its home");
        const asExchange = await view<{ status: bigint }>(contract, "getExchange", [wallet.address], "read exchange");
        if (Number(asExchange.status) !== 0) problems.push("this account is an accredited exchange: it cannot be a merchant (ParticipantsRoleConflict)");
        if (problems.length > 0 && !o.force) throw new CliError(`not signing: the onboarding would be refused: ${problems.join("; ")}`, "fix the cause, or pass --force to sign anyway");
        for (const x of problems) process.stderr.write(`warning: ${x} (signing anyway: --force)\n`);
        const nonce = await view<bigint>(contract, "onboardingNonce", [wallet.address], "read onboarding nonce");
        const deadline = parseTime(o.deadline, "--deadline", await ctx.chainNow());
        const message = { merchant: wallet.address, exchange, category, credentialDigest, nonce, deadline };
        const domain = await domainOf(contract);
        const digest = TypedDataEncoder.hash(domain, ONBOARDING_TYPES, message);
        const onChain = await view<string>(contract, "hashOnboarding", [wallet.address, exchange, category, credentialDigest, nonce, deadline], "hashOnboarding");
        if (onChain.toLowerCase() !== digest.toLowerCase()) throw new CliError(`the contract's EIP-712 digest (hashOnboarding) differs from the CLI's: ${onChain} ≠ ${digest}`, "the CLI and the deployed contracts are different versions; update one of them");
        const signature = await wallet.signTypedData(domain, ONBOARDING_TYPES, message);
        const { chainId } = await ctx.chain();
        const file = { type: "shuquan/onboarding-consent", version: 1, chainId, participants: String(contract.target), consent: { ...message, category: MERCHANT_CATEGORY[category], nonce: nonce.toString() }, digest, signature };
        await writeFileAtomic(o.out, toJson(file));
        ctx.print({ out: o.out, merchant: wallet.address, exchange, digest }, [`signed onboarding consent written to ${o.out} (give it to exchange ${exchange})`]);
      }),
    );

  m.command("onboard <address>")
    .description("onboard a merchant (or move it here) with its signed consent; this exchange becomes its home (exchange key)")
    .requiredOption("--consent <file>", "the merchant's signed consent (written by `merchant consent`)")
    .option("--force", "send even when the consent looks void (the chain decides)")
    .option("--open-account", "also pay, once, for the merchant's holding slot in the registry (openAccount: ~45k gas now, ~17k less on its first asset)")
    .action(
      act<{ consent: string; force?: boolean; openAccount?: boolean }>(async (ctx, [address], o) => {
        const merchant = parseAddress(address, "merchant address");
        await ctx.requireKey("exchange");
        const parsed = consentFileSchema.safeParse(await readJsonFile(o.consent, "consent"));
        if (!parsed.success) throw new CliError(`${o.consent} is not an onboarding consent: ${parsed.error.issues[0]?.message ?? "invalid"}`, "use the file written by `merchant consent`");
        const c = parsed.data.consent;
        const category = parseEnum(MERCHANT_CATEGORY, c.category, "category");
        const { contract, wallet } = await ctx.writer("participants", "exchange");
        const problems: string[] = [];
        if (c.merchant.toLowerCase() !== merchant.toLowerCase()) problems.push(`the consent is ${c.merchant}'s, not ${merchant}'s`);
        if (c.exchange.toLowerCase() !== wallet.address.toLowerCase()) problems.push(`the consent names exchange ${c.exchange}, not this key's ${wallet.address}`);
        const message = { ...c, category, nonce: BigInt(c.nonce) };
        let signer = "no one (the signature does not recover)";
        try {
          signer = verifyTypedData(await domainOf(contract), ONBOARDING_TYPES, message, parsed.data.signature);
        } catch {
          /* reported below */
        }
        if (signer.toLowerCase() !== merchant.toLowerCase()) problems.push(`the signature is ${signer}'s (a contract wallet's may still pass ERC-1271)`);
        if (c.deadline < (await ctx.chainNow())) problems.push("the consent's deadline has passed");
        if (problems.length > 0 && !o.force) throw new CliError(`not sending: ${problems.join("; ")}`, "ask the merchant for a new consent, or pass --force to let the chain decide");
        const tx = await send(contract, "onboardMerchant", [merchant, category, c.credentialDigest, c.deadline, parsed.data.signature], "onboard merchant");
        const moved = findEvent(contract, tx.logs, "MerchantMoved");
        const opened = o.openAccount ? await openAccount(ctx, merchant) : undefined;
        ctx.print({ merchant, category: MERCHANT_CATEGORY[category], credentialDigest: c.credentialDigest, moved: Boolean(moved), ...tx, ...(opened ? { accountOpened: opened } : {}) }, [
          moved ? `moved merchant ${merchant} here (${MERCHANT_CATEGORY[category]})` : `onboarded merchant ${merchant} (${MERCHANT_CATEGORY[category]})`,
          `tx ${tx.txHash} in block ${tx.blockNumber}`,
          ...(opened ? [opened.txHash ? `opened its holding account: tx ${opened.txHash}` : "its holding account was open already"] : []),
        ]);
      }),
    );

  for (const [name, fn, verb] of [
    ["suspend", "suspendMerchant", "suspended"],
    ["reinstate", "reinstateMerchant", "reinstated"],
  ] as const) {
    m.command(`${name} <address>`)
      .description(`${name} a merchant (home exchange or regulator key)`)
      .requiredOption("--reason <text>", "recorded on chain")
      .action(
        act<{ reason: string }>(async (ctx, [address], o) => {
          const merchant = parseAddress(address, "merchant address");
          const { contract } = await ctx.writer("participants", "home exchange or regulator");
          const tx = await send(contract, fn, [merchant, o.reason], `${name} merchant`);
          ctx.print({ merchant, ...tx }, [`${verb} merchant ${merchant}`, `tx ${tx.txHash} in block ${tx.blockNumber}`]);
        }),
      );
  }
}

/**
 * Sends `openAccount(merchant)` to the registry with the exchange's key unless the merchant's holding slot is non-zero
 * already: the merchant's first asset then costs what any later one does (docs/gas.md). Returns the transaction, or
 * an empty result when there was nothing to pay.
 */
async function openAccount(ctx: Context, merchant: string): Promise<{ txHash?: string; blockNumber?: number }> {
  const { contract } = await ctx.writer("registry", "exchange");
  if (await view<boolean>(contract, "isAccountOpen", [merchant], "read the holding account")) return {};
  const tx = await send(contract, "openAccount", [merchant], "open the holding account");
  return { txHash: tx.txHash, blockNumber: tx.blockNumber };
}
