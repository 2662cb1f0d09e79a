import type { Command } from "commander";
import { RIGHT, licenceIdOf } from "../../digest";
import { digestFrom, parseAddress, parseEnum, parseTime, resolveAsset } from "../args";
import { plainEvent, send } from "../chain";
import { commandSummary } from "./index";
import { act } from "../program";

/** `shuquan licence grant|revoke` — the holder's processing / operating / product-use licences. */
export function registerLicenceCommands(program: Command): void {
  const lic = program.command("licence").description(commandSummary("licence"));

  lic
    .command("grant <asset>")
    .description("grant a licence (holder's key; product-use also by a sub-licensable operator)")
    .requiredOption("--grantee <address>", "the licensee (an active merchant)")
    .requiredOption("--right <right>", "processing|operating|product-use")
    .option("--scope-file <file>", "scenario/purpose document; its SHA-256 is the licence scope (无场景不授权)")
    .option("--scope-digest <0x…>", "SHA-256 of the scenario/purpose document")
    .option("--start <time>", "first second in force (unix s, ISO, now, +1d)", "now")
    .requiredOption("--end <time>", "first second no longer in force (unix s, ISO, +365d)")
    .option("--exclusive", "no other licence of this right may overlap")
    .option("--sublicensable", "an operating licensee may grant product-use licences")
    .option("--revocable", "the grantor may revoke it (the regulator always may)")
    .action(
      act<{ grantee: string; right: string; scopeFile?: string; scopeDigest?: string; start: string; end: string; exclusive?: boolean; sublicensable?: boolean; revocable?: boolean }>(
        async (ctx, [ref], o) => {
          await ctx.requireKey("holder");
          const { assetId, hex } = await resolveAsset(ctx, ref as string);
          const grantee = parseAddress(o.grantee, "--grantee");
          const right = parseEnum(RIGHT, o.right, "right");
          const scopeDigest = (await digestFrom(o.scopeDigest, o.scopeFile, "scope", true)) as string;
          const chainNow = await ctx.chainNow();
          const terms = {
            scopeDigest,
            start: parseTime(o.start, "--start", chainNow),
            end: parseTime(o.end, "--end", chainNow),
            exclusive: Boolean(o.exclusive),
            sublicensable: Boolean(o.sublicensable),
            revocable: Boolean(o.revocable),
          };
          const { contract } = await ctx.writer("registry", "holder");
          const tx = await send(contract, "grantLicence", [assetId, grantee, right, terms], "grant licence");
          const licenceId = licenceIdOf(assetId, grantee, right);
          // the contract raises a start in the past to the grant time: print what it recorded, not what was asked
          const event = plainEvent(contract, tx.logs, "LicenceGranted", { right: RIGHT });
          const start = typeof event?.start === "number" ? event.start : terms.start;
          const end = typeof event?.end === "number" ? event.end : terms.end;
          const lines = [
            `granted ${RIGHT[right]} licence ${licenceId}`,
            `  asset ${hex} → ${grantee}, ${new Date(start * 1000).toISOString()} – ${new Date(end * 1000).toISOString()}`,
          ];
          if (start !== terms.start) lines.push(`  (the requested start ${new Date(terms.start * 1000).toISOString()} was in the past: the licence starts when it was granted)`);
          lines.push(`  tx ${tx.txHash} in block ${tx.blockNumber}`);
          ctx.print({ licenceId, assetId: hex, grantee, right: RIGHT[right], ...terms, start, end, requestedStart: terms.start, ...tx, event }, lines);
        },
      ),
    );

  lic
    .command("revoke <asset>")
    .description("revoke a licence in force (its grantor if revocable; the regulator always)")
    .requiredOption("--grantee <address>", "the licensee")
    .requiredOption("--right <right>", "processing|operating|product-use")
    .requiredOption("--reason <text>", "recorded on chain")
    .action(
      act<{ grantee: string; right: string; reason: string }>(async (ctx, [ref], o) => {
        await ctx.requireKey("grantor or regulator");
        const { assetId, hex } = await resolveAsset(ctx, ref as string);
        const grantee = parseAddress(o.grantee, "--grantee");
        const right = parseEnum(RIGHT, o.right, "right");
        const { contract } = await ctx.writer("registry", "grantor or regulator");
        const tx = await send(contract, "revokeLicence", [assetId, grantee, right, o.reason], "revoke licence");
        const licenceId = licenceIdOf(assetId, grantee, right);
        ctx.print({ licenceId, assetId: hex, grantee, right: RIGHT[right], ...tx }, [`revoked licence ${licenceId}`, `  tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );
}
