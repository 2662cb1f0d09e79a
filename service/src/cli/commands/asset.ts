import type { Command } from "commander";
import { ASSET_KIND, ASSET_SOURCE, ASSET_STATUS, DATA_LEVEL, enumName } from "../../digest";
import { resolveAsset } from "../args";
import { send, view } from "../chain";
import { commandSummary } from "./index";
import { act } from "../program";
import { registerAssetApplyCommand, registerAssetRegisterCommand } from "./asset-register";
import { registerAssetLifecycleCommands } from "./asset-lifecycle";

/** The on-chain Asset struct as ethers returns it. */
export interface AssetStruct {
  exchange: string;
  registeredAt: bigint;
  sequence: bigint;
  kind: bigint;
  source: bigint;
  level: bigint;
  status: bigint;
  frozen: boolean;
  pledged: boolean;
  personalLineage: boolean;
  deidentified: boolean;
  epoch: bigint;
  stateNonce: bigint;
  /** End of the notice (status notice/objected) or of the validity; 0 = none. */
  validUntil: bigint;
}

/** `shuquan asset register|show|freeze|unfreeze`. */
export function registerAssetCommands(program: Command): void {
  const asset = program.command("asset").description(commandSummary("asset"));
  registerAssetApplyCommand(asset);
  registerAssetRegisterCommand(asset);
  registerAssetLifecycleCommands(asset);

  asset
    .command("show <asset>")
    .description("an asset's on-chain record (id or registration number)")
    .action(
      act(async (ctx, [ref]) => {
        const { assetId, hex } = await resolveAsset(ctx, ref as string);
        const registry = await ctx.reader("registry");
        const a = await view<AssetStruct>(registry, "getAsset", [assetId], "read asset");
        const number = await view<string>(registry, "registrationNumber", [assetId], "registration number");
        const holder = await view<string>(registry, "ownerOf", [assetId], "holder");
        const rec = {
          assetId: hex,
          registrationNumber: number,
          holder,
          exchange: a.exchange,
          registeredAt: new Date(Number(a.registeredAt) * 1000).toISOString(),
          kind: enumName(ASSET_KIND, a.kind, "kind"),
          source: enumName(ASSET_SOURCE, a.source, "source"),
          level: enumName(DATA_LEVEL, a.level, "level"),
          status: enumName(ASSET_STATUS, a.status, "status"),
          validUntil: Number(a.validUntil) === 0 ? "none" : new Date(Number(a.validUntil) * 1000).toISOString(),
          frozen: a.frozen,
          pledged: a.pledged,
        };
        ctx.print({ asset: rec }, Object.entries(rec).map(([k, v]) => `${k.padEnd(19)} ${String(v)}`));
      }),
    );

  for (const [name, verb] of [
    ["freeze", "froze"],
    ["unfreeze", "unfroze"],
  ] as const) {
    asset
      .command(`${name} <asset>`)
      .description(`${name} an asset (regulator key)`)
      .requiredOption("--reason <text>", "recorded on chain")
      .action(
        act<{ reason: string }>(async (ctx, [ref], o) => {
          await ctx.requireKey("regulator");
          const { assetId, hex } = await resolveAsset(ctx, ref as string);
          const { contract } = await ctx.writer("registry", "regulator");
          const tx = await send(contract, name, [assetId, o.reason], `${name} asset`);
          ctx.print({ assetId: hex, ...tx }, [`${verb} asset ${hex}`, `tx ${tx.txHash} in block ${tx.blockNumber}`]);
        }),
      );
  }
}
