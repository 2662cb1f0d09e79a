import type { Command } from "commander";
import { RECOGNITION_PATH, enumName } from "../../digest";
import { parseAddress } from "../args";
import { send, view } from "../chain";
import { commandSummary } from "./index";
import { act } from "../program";

/** `shuquan recognise exchange|merchant|status` — mutual recognition (数商互认). */
export function registerRecogniseCommands(program: Command): void {
  const r = program.command("recognise").description(commandSummary("recognise"));

  for (const [what, grant, withdraw] of [
    ["exchange", "recogniseExchange", "withdrawExchangeRecognition"],
    ["merchant", "recogniseMerchant", "withdrawMerchantRecognition"],
  ] as const) {
    r.command(`${what} <address>`)
      .description(`recognise ${what === "exchange" ? "every merchant onboarded by an exchange" : "one merchant of another exchange"} (exchange key)`)
      .option("--withdraw", "withdraw the recognition instead")
      .action(
        act<{ withdraw?: boolean }>(async (ctx, [address], o) => {
          const subject = parseAddress(address, `${what} address`);
          await ctx.requireKey("exchange");
          const { contract, wallet } = await ctx.writer("participants", "exchange");
          const tx = await send(contract, o.withdraw ? withdraw : grant, [subject], o.withdraw ? `withdraw ${what} recognition` : `recognise ${what}`);
          ctx.print({ recogniser: wallet.address, [what]: subject, withdrawn: Boolean(o.withdraw), ...tx }, [
            `${o.withdraw ? "withdrew recognition of" : "recognised"} ${what} ${subject} at ${wallet.address}`,
            `tx ${tx.txHash} in block ${tx.blockNumber}`,
          ]);
        }),
      );
  }

  r.command("status <merchant> <exchange>")
    .description("is the merchant recognised at the exchange, and by which path? (read from the chain)")
    .action(
      act(async (ctx, [m, e]) => {
        const merchant = parseAddress(m, "merchant address");
        const exchange = parseAddress(e, "exchange address");
        const c = await ctx.reader("participants");
        const p = await view<bigint>(c, "recognitionPath", [merchant, exchange], "recognition path");
        const path = enumName(RECOGNITION_PATH, p, "recognition path");
        ctx.print({ merchant, exchange, recognised: path !== "none", path }, [
          path === "none" ? `${merchant} is NOT recognised at ${exchange}` : `${merchant} is recognised at ${exchange} (path: ${path})`,
        ]);
      }),
    );
}
