/**
 * `shuquan certificate issue|verify`: write a registration or trade certificate (printable HTML, bilingual, with a
 * QR code) from the API, and check a certificate file against the chain — which of its facts still hold today.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Contract } from "ethers";
import {
  assessCertificate,
  extractCertificate,
  renderCertificateHtml,
  type Certificate,
  type ChainFacts,
} from "../../certificates";
import { ASSET_STATUS, RIGHT, enumName } from "../../digest";
import { parseUint, resolveAsset } from "../args";
import { view } from "../chain";
import type { Context } from "../context";
import { CliError } from "../errors";
import { act } from "../program";
import { commandSummary } from "./index";
import type { AssetStruct } from "./asset";

/** Did transaction `txHash` emit `event` from `contract` in `blockNumber` with `topic1` as its first indexed field? */
async function recordedIn(ctx: Context, contract: Contract, cert: Certificate, event: string, topic1: bigint): Promise<{ ok: boolean; why?: string }> {
  const { provider } = await ctx.chain();
  const receipt = await provider.getTransactionReceipt(cert.chain.txHash);
  if (!receipt) return { ok: false, why: `transaction ${cert.chain.txHash} is not on this chain` };
  if (receipt.blockNumber !== cert.chain.blockNumber) return { ok: false, why: `transaction ${cert.chain.txHash} is in block ${receipt.blockNumber}, not ${cert.chain.blockNumber}` };
  const address = (await contract.getAddress()).toLowerCase();
  const found = receipt.logs.some((l) => {
    if (l.address.toLowerCase() !== address) return false;
    const parsed = contract.interface.parseLog(l);
    return parsed?.name === event && BigInt(parsed.args[0] as bigint) === topic1;
  });
  return found ? { ok: true } : { ok: false, why: `transaction ${cert.chain.txHash} carries no ${event} for this ${event === "TradeRecorded" ? "trade" : "asset"}` };
}

async function chainFacts(ctx: Context, cert: Certificate): Promise<ChainFacts> {
  const registry = await ctx.reader("registry");
  const assetId = BigInt(cert.asset.assetId);
  const rec =
    cert.type === "shuquan/registration-certificate"
      ? await recordedIn(ctx, registry, cert, "AssetRegistered", assetId)
      : await recordedIn(ctx, await ctx.reader("trades"), cert, "TradeRecorded", BigInt(cert.tradeId));
  const now = await ctx.chainNow();
  let registrationNumber: string | null = null;
  try {
    registrationNumber = await view<string>(registry, "registrationNumber", [assetId], "registration number");
  } catch {
    return { recorded: rec.ok, recordedProblem: rec.why, registrationNumber: null, status: "none", validUntil: 0, holder: "", frozen: false, pledged: false, now };
  }
  const a = await view<AssetStruct>(registry, "getAsset", [assetId], "read asset");
  const holder = await view<string>(registry, "ownerOf", [assetId], "holder");
  const facts: ChainFacts = {
    recorded: rec.ok,
    recordedProblem: rec.why,
    registrationNumber,
    status: enumName(ASSET_STATUS, a.status, "asset status"),
    validUntil: Number(a.validUntil),
    holder,
    frozen: a.frozen,
    pledged: a.pledged,
    now,
  };
  if (cert.type === "shuquan/trade-certificate" && cert.right !== "holding") {
    const right = RIGHT.indexOf(cert.right as (typeof RIGHT)[number]);
    const l = await view<{ end: bigint; flags: bigint }>(registry, "getLicence", [assetId, cert.buyer.address, right], "licence");
    facts.licence = { end: Number(l.end), revoked: (Number(l.flags) & 8) !== 0 };
  }
  return facts;
}

/** `shuquan certificate issue|verify`. */
export function registerCertificateCommands(program: Command): void {
  const cmd = program.command("certificate").description(commandSummary("certificate"));

  cmd
    .command("issue")
    .description("write a registration certificate (--asset) or trade certificate (--trade) as a printable HTML page (or PDF), from the API")
    .option("--asset <asset>", "asset id or registration number")
    .option("--trade <tradeId>", "trade id (decimal or 0x hex)")
    .option("--out <file>", "where to write it (default: <certificate number>.html); a name ending in .pdf prints a PDF with a local Chromium")
    .action(
      act<{ asset?: string; trade?: string; out?: string }>(async (ctx, _args, o) => {
        if (Boolean(o.asset) === Boolean(o.trade)) throw new CliError("give exactly one of --asset and --trade");
        let path: string;
        if (o.asset) path = `/v1/assets/${(await resolveAsset(ctx, o.asset)).hex}/certificate`;
        else path = `/v1/trades/0x${parseUint(o.trade, "--trade").toString(16).padStart(64, "0")}/certificate`;
        const body = (await ctx.apiGet(path)) as { data?: Certificate } | undefined;
        if (!body?.data) throw new CliError(`${o.asset ? "asset" : "trade"} ${o.asset ?? o.trade} is not known to the API at ${ctx.apiUrl}`, "check the id, or wait for the indexer to catch up");
        const cert = body.data;
        const out = o.out ?? `${cert.certificateNumber}.html`;
        const html = await renderCertificateHtml(cert);
        if (out.toLowerCase().endsWith(".pdf")) {
          const { htmlToPdf } = await import("../pdf");
          await htmlToPdf(html, out);
        } else {
          await writeFile(out, html);
        }
        ctx.print({ certificate: cert, file: out }, [`certificate ${cert.certificateNumber} written to ${out}`, `  registration number ${cert.registrationNumber}; check it any time with: shuquan certificate verify ${out}`]);
      }),
    );

  cmd
    .command("verify <file>")
    .description("check a certificate file (HTML page or JSON) against the chain: which facts still hold today")
    .action(
      act(async (ctx, [file]) => {
        const text = await readFile(file as string, "utf8").catch((e: Error) => {
          throw new CliError(`cannot read ${file}: ${e.message}`);
        });
        let cert: Certificate;
        try {
          cert = extractCertificate(text);
        } catch (e) {
          throw new CliError(`${file}: ${(e as Error).message}`);
        }
        const { chainId } = await ctx.chain();
        if (chainId !== cert.chain.chainId) throw new CliError(`the certificate is for chain ${cert.chain.chainId}, but the RPC endpoint is chain ${chainId}`, "check --rpc");
        const assessment = assessCertificate(cert, await chainFacts(ctx, cert));
        const lines = [
          `${cert.certificateNumber} (${cert.type === "shuquan/registration-certificate" ? "registration" : "trade"} certificate, registration number ${cert.registrationNumber})`,
          ...assessment.checks.map((c) => `  ${c.holds ? "✓" : "✗"} ${c.fact.padEnd(22)} at issue: ${c.atIssue}${c.holds ? "" : `; today: ${c.today}`}`),
          ...assessment.problems.map((p) => `  ! ${p}`),
          assessment.summary.toUpperCase(),
        ];
        ctx.print({ certificateNumber: cert.certificateNumber, ...assessment }, lines);
        if (assessment.verdict === "invalid") process.exitCode = 1;
      }),
    );
}
