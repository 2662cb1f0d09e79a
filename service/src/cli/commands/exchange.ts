import type { Command } from "commander";
import { exchangeCodeBytes4 } from "../../digest";
import { parseAddress } from "../args";
import { send } from "../chain";
import { CliError } from "../errors";
import { commandSummary } from "./index";
import { act } from "../program";

/** `shuquan exchange accredit|suspend|reinstate` — the regulator's exchange lifecycle. */
export function registerExchangeCommands(program: Command): void {
  const ex = program.command("exchange").description(commandSummary("exchange"));

  ex.command("accredit <address>")
    .description("accredit an exchange (regulator key)")
    .requiredOption("--code <code>", "2-4 upper-case letters/digits used in registration numbers, e.g. SHDE")
    .requiredOption("--name <name>", "the exchange's name")
    .action(
      act<{ code: string; name: string }>(async (ctx, [address], o) => {
        const exchange = parseAddress(address, "exchange address");
        await ctx.requireKey("regulator");
        let code: string;
        try {
          code = exchangeCodeBytes4(o.code);
        } catch (e) {
          throw new CliError((e as Error).message);
        }
        const { contract } = await ctx.writer("participants", "regulator");
        const tx = await send(contract, "accreditExchange", [exchange, code, o.name], "accredit exchange");
        ctx.print({ exchange, code: o.code, ...tx }, [`accredited exchange ${exchange} (${o.code})`, `tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );

  for (const [name, fn, verb] of [
    ["suspend", "suspendExchange", "suspended"],
    ["reinstate", "reinstateExchange", "reinstated"],
  ] as const) {
    ex.command(`${name} <address>`)
      .description(`${name} an exchange (regulator key)`)
      .requiredOption("--reason <text>", "recorded on chain")
      .action(
        act<{ reason: string }>(async (ctx, [address], o) => {
          const exchange = parseAddress(address, "exchange address");
          await ctx.requireKey("regulator");
          const { contract } = await ctx.writer("participants", "regulator");
          const tx = await send(contract, fn, [exchange, o.reason], `${name} exchange`);
          ctx.print({ exchange, ...tx }, [`${verb} exchange ${exchange}`, `tx ${tx.txHash} in block ${tx.blockNumber}`]);
        }),
      );
  }
}
