import type { Command } from "commander";
import { ASSESSMENT_KIND, ASSESSMENT_RESULT, POLICY_PURPOSE, assessmentKindsOf, assessmentMaskOf, formatAssetId, sha256Hex } from "../../digest";
import { digestFrom, parseAddress, parseEnum, parseTime, parseUint, resolveAsset } from "../args";
import { findEvent, send, view } from "../chain";
import { CliError } from "../errors";
import { readFileOrFail } from "../files";
import { commandSummary } from "./index";
import { act } from "../program";

/** A report or response: a file (stored in the content store: digest and CID from it) or a given digest and CID. */
async function document(ctx: import("../context").Context, file: string | undefined, digest: string | undefined, cid: string | undefined, what: string): Promise<{ digest: string; cid: string }> {
  if (file) {
    if (digest || cid) throw new CliError(`give --${what} <file>, or --${what}-digest and --${what}-cid, not both`);
    const bytes = await readFileOrFail(file, what);
    return { digest: sha256Hex(bytes), cid: await (await ctx.content()).put(bytes) };
  }
  const d = await digestFrom(digest, undefined, what, true);
  if (!cid) throw new CliError(`--${what}-cid is required with --${what}-digest`);
  return { digest: d as string, cid };
}

const mask = (v: string | undefined, what: string): number => {
  try {
    return assessmentMaskOf(v ?? "");
  } catch (e) {
    throw new CliError(`${what}: ${(e as Error).message}`);
  }
};

/** `shuquan assessment …` — third-party assessments (第三方评估), assessor categories and exchange policies. */
export function registerAssessmentCommands(program: Command): void {
  const as = program.command("assessment").description(commandSummary("assessment"));

  as.command("add <asset>")
    .description("assessor: attach an assessment to an asset (a third-party service merchant with that assessor category)")
    .requiredOption("--kind <kind>", ASSESSMENT_KIND.join("|"))
    .requiredOption("--result <result>", ASSESSMENT_RESULT.join("|"))
    .option("--report <file>", "the report: stored in the content store; its SHA-256 and CID go on chain")
    .option("--report-digest <0x…>", "SHA-256 of the report (with --report-cid)")
    .option("--report-cid <cid>", "IPFS CID of the report")
    .requiredOption("--valid-until <time>", "end of validity (unix s, ISO, +365d)")
    .option("--value <minor units>", "valuation only: the value in the currency's minor unit (fen for CNY)")
    .option("--currency <code>", "valuation only: ISO 4217 code", "CNY")
    .action(
      act<{ kind: string; result: string; report?: string; reportDigest?: string; reportCid?: string; validUntil: string; value?: string; currency: string }>(async (ctx, [ref], o) => {
        await ctx.requireKey("assessor");
        const { assetId, hex } = await resolveAsset(ctx, ref as string);
        const kind = parseEnum(ASSESSMENT_KIND, o.kind, "kind");
        const result = parseEnum(ASSESSMENT_RESULT, o.result, "result");
        const valuation = ASSESSMENT_KIND[kind] === "valuation";
        if (valuation && !o.value) throw new CliError("a valuation needs --value <minor units>");
        if (!valuation && o.value) throw new CliError("--value is for valuations only");
        if (!/^[A-Z]{3}$/.test(o.currency)) throw new CliError(`--currency ${o.currency} is not an ISO 4217 code`);
        const value = valuation ? parseUint(o.value, "--value", (1n << 128n) - 1n) : 0n;
        const currency = valuation ? "0x" + Buffer.from(o.currency, "ascii").toString("hex") : "0x000000";
        const report = await document(ctx, o.report, o.reportDigest, o.reportCid, "report");
        const validUntil = parseTime(o.validUntil, "--valid-until", await ctx.chainNow());
        const { contract } = await ctx.writer("assessments", "assessor");
        const input = { assetId, kind, result, value, currency, reportDigest: report.digest, reportCid: report.cid, validUntil };
        const tx = await send(contract, "assess", [input], "attach assessment");
        const event = findEvent(contract, tx.logs, "AssessmentAttached");
        const id = event ? String(event.assessmentId) : undefined;
        ctx.print({ assessmentId: id, assetId: hex, kind: ASSESSMENT_KIND[kind], result: ASSESSMENT_RESULT[result], value: value.toString(), reportDigest: report.digest, reportCid: report.cid, validUntil, ...tx }, [
          `attached ${ASSESSMENT_KIND[kind]} assessment ${id ?? "?"} (${ASSESSMENT_RESULT[result]}) to ${hex}`,
          `  report ${report.cid} (${report.digest}), valid until ${new Date(validUntil * 1000).toISOString()}`,
          `  tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  as.command("respond <asset> <assessment-id>")
    .description("holder: respond to an assessment of your asset")
    .option("--response <file>", "the response document: stored in the content store")
    .option("--response-digest <0x…>", "SHA-256 of the response (with --response-cid)")
    .option("--response-cid <cid>", "IPFS CID of the response")
    .action(
      act<{ response?: string; responseDigest?: string; responseCid?: string }>(async (ctx, [ref, id], o) => {
        await ctx.requireKey("holder");
        const { assetId } = await resolveAsset(ctx, ref as string);
        const assessmentId = parseUint(id, "assessment id");
        const doc = await document(ctx, o.response, o.responseDigest, o.responseCid, "response");
        const { contract } = await ctx.writer("assessments", "holder");
        const tx = await send(contract, "respond", [assetId, assessmentId, doc.digest, doc.cid], "respond to assessment");
        ctx.print({ assessmentId: assessmentId.toString(), responseDigest: doc.digest, responseCid: doc.cid, ...tx }, [`responded to assessment ${assessmentId}`, `  tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );

  as.command("withdraw <asset> <assessment-id>")
    .description("assessor or regulator: withdraw an assessment")
    .requiredOption("--reason <text>", "recorded on chain")
    .action(
      act<{ reason: string }>(async (ctx, [ref, id], o) => {
        await ctx.requireKey("assessor or regulator");
        const { assetId } = await resolveAsset(ctx, ref as string);
        const assessmentId = parseUint(id, "assessment id");
        const { contract } = await ctx.writer("assessments", "assessor or regulator");
        const tx = await send(contract, "withdraw", [assetId, assessmentId, o.reason], "withdraw assessment");
        ctx.print({ assessmentId: assessmentId.toString(), ...tx }, [`withdrew assessment ${assessmentId}`, `  tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );

  as.command("assessor <merchant>")
    .description("home exchange or regulator: set a third-party service merchant's assessor categories")
    .requiredOption("--categories <list>", `comma-separated ${ASSESSMENT_KIND.join(",")}, or none`)
    .action(
      act<{ categories: string }>(async (ctx, [who], o) => {
        await ctx.requireKey("home exchange or regulator");
        const merchant = parseAddress(who, "merchant");
        const categories = mask(o.categories, "--categories");
        const { contract } = await ctx.writer("assessments", "home exchange or regulator");
        const tx = await send(contract, "setAssessorCategories", [merchant, categories], "set assessor categories");
        const names = assessmentKindsOf(categories);
        ctx.print({ merchant, categories: names, ...tx }, [`${merchant} may assess: ${names.join(", ") || "nothing"}`, `  tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );

  as.command("policy")
    .description("exchange: require current assessments of these kinds before a listing and before a pledge")
    .option("--listing <list>", `comma-separated ${ASSESSMENT_KIND.join(",")}, or none`, "none")
    .option("--pledge <list>", `comma-separated ${ASSESSMENT_KIND.join(",")}, or none`, "none")
    .action(
      act<{ listing: string; pledge: string }>(async (ctx, _args, o) => {
        await ctx.requireKey("exchange");
        const listing = mask(o.listing, "--listing");
        const pledge = mask(o.pledge, "--pledge");
        const { contract } = await ctx.writer("assessments", "exchange");
        const tx = await send(contract, "setPolicy", [listing, pledge], "set assessment policy");
        ctx.print({ listing: assessmentKindsOf(listing), pledge: assessmentKindsOf(pledge), ...tx }, [
          `policy set: listing needs ${assessmentKindsOf(listing).join(", ") || "nothing"}; pledge needs ${assessmentKindsOf(pledge).join(", ") || "nothing"}`,
          `  tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  as.command("check <asset>")
    .description("does the asset meet an exchange's policy for a listing or a pledge? (on chain; exit 2 if not)")
    .requiredOption("--exchange <address>", "the exchange whose policy applies")
    .option("--purpose <purpose>", POLICY_PURPOSE.join("|"), "listing")
    .action(
      act<{ exchange: string; purpose: string }>(async (ctx, [ref], o) => {
        const { assetId } = await resolveAsset(ctx, ref as string);
        const exchange = parseAddress(o.exchange, "--exchange");
        const purpose = parseEnum(POLICY_PURPOSE, o.purpose, "purpose");
        const contract = await ctx.reader("assessments");
        const met = await view<boolean>(contract, "meetsPolicy", [exchange, assetId, purpose], "check policy");
        const missing: string[] = [];
        if (!met) {
          const [listing, pledge] = await view<[bigint, bigint]>(contract, "policyOf", [exchange], "read policy");
          for (const k of assessmentKindsOf(Number(purpose === 0 ? listing : pledge))) {
            if (!(await view<boolean>(contract, "isCurrent", [assetId, ASSESSMENT_KIND.indexOf(k)], "check assessment"))) missing.push(k);
          }
        }
        ctx.print({ assetId: formatAssetId(assetId), exchange, purpose: POLICY_PURPOSE[purpose], met, missing }, [
          met ? `MEETS  ${exchange}'s ${POLICY_PURPOSE[purpose]} policy` : `DOES NOT MEET  ${exchange}'s ${POLICY_PURPOSE[purpose]} policy: no current ${missing.join(", ")} assessment`,
        ]);
        if (!met) process.exitCode = 2;
      }),
    );
}
