import type { Command } from "commander";
import { MERCHANT_CATEGORY } from "../../digest";
import { digestFrom, parseAddress, parseEnum } from "../args";
import { send } from "../chain";
import { commandSummary } from "./index";
import { act } from "../program";

/** `shuquan merchant onboard|suspend|reinstate` — an exchange's merchants. */
export function registerMerchantCommands(program: Command): void {
  const m = program.command("merchant").description(commandSummary("merchant"));

  m.command("onboard <address>")
    .description("onboard a merchant with this exchange as its home (exchange key)")
    .requiredOption("--category <category>", MERCHANT_CATEGORY.join("|"))
    .option("--credential-file <file>", "the onboarding credential (its SHA-256 goes on chain)")
    .option("--credential-digest <0x…>", "SHA-256 of the onboarding credential")
    .action(
      act<{ category: string; credentialFile?: string; credentialDigest?: string }>(async (ctx, [address], o) => {
        const merchant = parseAddress(address, "merchant address");
        const category = parseEnum(MERCHANT_CATEGORY, o.category, "category");
        await ctx.requireKey("exchange");
        const credential = (await digestFrom(o.credentialDigest, o.credentialFile, "credential", true)) as string;
        const { contract } = await ctx.writer("participants", "exchange");
        const tx = await send(contract, "onboardMerchant", [merchant, category, credential], "onboard merchant");
        ctx.print({ merchant, category: MERCHANT_CATEGORY[category], credentialDigest: credential, ...tx }, [
          `onboarded merchant ${merchant} (${MERCHANT_CATEGORY[category]})`,
          `tx ${tx.txHash} in block ${tx.blockNumber}`,
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
