/**
 * `shuquan asset terms|object|resolve-objection|close-notice|renew|change|cancel`: the registration lifecycle
 * (公示, 异议, 续展, 变更, 更正, 注销) through RegistrationLifecycle. Each command first checks on chain what the
 * contract would refuse, and stops with the reason and a hint; `--force` sends the transaction anyway (the chain
 * then refuses it with the same reason).
 */
import type { Command } from "commander";
import type { Contract } from "ethers";
import { ASSET_STATUS, enumName } from "../../digest";
import { digestFrom, parseAddress, parseBytes32, parseUint, resolveAsset } from "../args";
import { send, view } from "../chain";
import type { Context } from "../context";
import { CliError } from "../errors";
import { act } from "../program";
import type { AssetStruct } from "./asset";

const iso = (t: number): string => (t === 0 ? "none" : new Date(t * 1000).toISOString());

/** What the chain knows about an asset that the lifecycle checks need. */
interface AssetState {
  assetId: bigint;
  hex: string;
  asset: AssetStruct;
  status: string;
  validUntil: number;
  holder: string;
  now: number;
  registry: Contract;
  participants: Contract;
  lifecycle: Contract;
}

async function stateOf(ctx: Context, ref: string): Promise<AssetState> {
  const { assetId, hex } = await resolveAsset(ctx, ref);
  const [registry, participants, lifecycle] = await Promise.all([ctx.reader("registry"), ctx.reader("participants"), ctx.reader("lifecycle")]);
  const asset = await view<AssetStruct>(registry, "getAsset", [assetId], "read asset");
  const holder = await view<string>(registry, "ownerOf", [assetId], "holder");
  return {
    assetId,
    hex,
    asset,
    status: enumName(ASSET_STATUS, asset.status, "asset status"),
    validUntil: Number(asset.validUntil),
    holder,
    now: await ctx.chainNow(),
    registry,
    participants,
    lifecycle,
  };
}

/** Refuses (unless --force) with `message` and `hint` when `bad`. */
function refuse(bad: boolean, force: boolean | undefined, message: string, hint: string): void {
  if (bad && !force) throw new CliError(`${message} (the chain would refuse it; --force sends it anyway)`, hint);
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Registers the lifecycle subcommands on the `asset` command. */
export function registerAssetLifecycleCommands(asset: Command): void {
  asset
    .command("terms")
    .description("exchange: set your notice length, validity term and renewal window (days) for your next registrations")
    .requiredOption("--notice-days <n>", "public notice (公示) after each registration; 0 = none (at most 365)")
    .requiredOption("--term-days <n>", "validity term (e.g. 1095 for 3 years); 0 = no end")
    .option("--window-days <n>", "renewal (续展) opens this many days before the end (no longer than the term)", "0")
    .action(
      act<{ noticeDays: string; termDays: string; windowDays: string }>(async (ctx, _args, o) => {
        await ctx.requireKey("exchange");
        const notice = Number(parseUint(o.noticeDays, "--notice-days", 65_535n));
        const term = Number(parseUint(o.termDays, "--term-days", 65_535n));
        const window = Number(parseUint(o.windowDays, "--window-days", 65_535n));
        if (notice > 365) throw new CliError("--notice-days is at most 365");
        if (term > 36_500) throw new CliError("--term-days is at most 36500 (100 years)");
        if (window > term) throw new CliError("--window-days cannot be longer than --term-days");
        const { contract } = await ctx.writer("lifecycle", "exchange");
        const tx = await send(contract, "setTerms", [notice, term, window], "set terms");
        ctx.print({ noticeDays: notice, termDays: term, windowDays: window, ...tx }, [
          `terms set: notice ${notice} d, term ${term === 0 ? "none" : `${term} d`}, renewal window ${window} d`,
          `tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  asset
    .command("object <asset>")
    .description("lodge an objection (异议) during the public notice (an exchange, or a merchant recognised at the registering exchange)")
    .option("--grounds-file <file>", "the grounds document; its SHA-256 goes on chain")
    .option("--grounds-digest <0x…>", "SHA-256 of the grounds document")
    .option("--earlier-right-digest <0x…>", "claim your own earlier right: the digest of its registration elsewhere or of the prior contract")
    .option("--force", "send even if the chain would refuse it")
    .action(
      act<{ groundsFile?: string; groundsDigest?: string; earlierRightDigest?: string; force?: boolean }>(async (ctx, [ref], o) => {
        const wallet = await ctx.requireKey("objector");
        const grounds = (await digestFrom(o.groundsDigest, o.groundsFile, "grounds", true)) as string;
        const earlier = o.earlierRightDigest ? parseBytes32(o.earlierRightDigest, "--earlier-right-digest") : undefined;
        const s = await stateOf(ctx, ref as string);
        const inNotice = (s.status === "notice" || s.status === "objected") && s.now < s.validUntil;
        refuse(!inNotice, o.force, `asset ${s.hex} is not under public notice (status ${s.status}, notice end ${iso(s.validUntil)})`, "objections are lodged only while the notice runs");
        const [isExchange, recognised] = await Promise.all([
          view<boolean>(s.participants, "isActiveExchange", [wallet.address], "exchange?"),
          view<boolean>(s.participants, "isRecognised", [wallet.address, s.asset.exchange], "recognised?"),
        ]);
        refuse(!isExchange && !recognised, o.force, `${wallet.address} may not object here`, "sign with an active exchange's key, or a merchant recognised at the registering exchange");
        const existing = await view<{ objector: string }>(s.lifecycle, "getObjection", [s.assetId, wallet.address], "objection");
        refuse(!same(existing.objector, "0x0000000000000000000000000000000000000000"), o.force, `${wallet.address} has already objected to ${s.hex}`, "one objection per objector and asset");
        const { contract } = await ctx.writer("lifecycle", "objector");
        const tx = await send(contract, "object", [s.assetId, grounds, earlier !== undefined, earlier ?? "0x" + "0".repeat(64)], "lodge objection");
        const objectionId = await view<string>(s.lifecycle, "objectionIdOf", [s.assetId, wallet.address], "objection id");
        ctx.print({ assetId: s.hex, objectionId, objector: wallet.address, groundsDigest: grounds, ownEarlierRight: earlier !== undefined, ...tx }, [
          `objection ${objectionId} lodged against ${s.hex}${earlier ? " (claims an earlier right of the objector's own)" : ""}`,
          `tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  asset
    .command("resolve-objection <asset>")
    .description("resolve an open objection (registering exchange or regulator): --uphold refuses the registration, --dismiss lets it proceed")
    .requiredOption("--objector <address>", "who lodged it")
    .option("--uphold", "the objection is well founded: the registration is refused for good")
    .option("--dismiss", "the objection fails: the notice goes on (or the asset goes in force if it is over)")
    .requiredOption("--reason <text>", "recorded on chain")
    .option("--force", "send even if the chain would refuse it")
    .action(
      act<{ objector: string; uphold?: boolean; dismiss?: boolean; reason: string; force?: boolean }>(async (ctx, [ref], o) => {
        if (Boolean(o.uphold) === Boolean(o.dismiss)) throw new CliError("give exactly one of --uphold and --dismiss");
        const wallet = await ctx.requireKey("exchange or regulator");
        const objector = parseAddress(o.objector, "--objector");
        const s = await stateOf(ctx, ref as string);
        const regulator = await view<boolean>(s.participants, "isRegulator", [wallet.address], "regulator?");
        refuse(!regulator && !same(wallet.address, s.asset.exchange), o.force, `${wallet.address} is neither the registering exchange nor the regulator`, `sign with ${s.asset.exchange}'s key or the regulator's`);
        const obj = await view<{ state: bigint }>(s.lifecycle, "getObjection", [s.assetId, objector], "objection");
        refuse(Number(obj.state) !== 1 || s.status !== "objected", o.force, `no open objection by ${objector} against ${s.hex}`, "`shuquan provenance` or GET /v1/objections?asset=… lists its objections");
        const { contract } = await ctx.writer("lifecycle", "exchange or regulator");
        const tx = await send(contract, "resolveObjection", [s.assetId, objector, Boolean(o.uphold), o.reason], "resolve objection");
        const after = await view<AssetStruct>(s.registry, "getAsset", [s.assetId], "read asset");
        const status = enumName(ASSET_STATUS, after.status, "asset status");
        ctx.print({ assetId: s.hex, objector, upheld: Boolean(o.uphold), status, ...tx }, [
          `objection by ${objector} ${o.uphold ? "upheld" : "dismissed"}; asset ${s.hex} is now ${status}`,
          `tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  asset
    .command("close-notice <asset>")
    .description("end a public notice that has run its course with no open objection (anyone): the asset goes in force")
    .option("--force", "send even if the chain would refuse it")
    .action(
      act<{ force?: boolean }>(async (ctx, [ref], o) => {
        await ctx.requireKey("sender");
        const s = await stateOf(ctx, ref as string);
        refuse(s.status === "objected", o.force, `asset ${s.hex} has an open objection`, "the registering exchange or the regulator must resolve it first (shuquan asset resolve-objection)");
        refuse(s.status !== "notice" && s.status !== "objected", o.force, `asset ${s.hex} is not under notice (status ${s.status})`, "nothing to close");
        refuse(s.status === "notice" && s.now < s.validUntil, o.force, `the notice of ${s.hex} runs until ${iso(s.validUntil)}`, "wait until then");
        const { contract } = await ctx.writer("lifecycle", "sender");
        const tx = await send(contract, "closeNotice", [s.assetId], "close notice");
        const after = await view<AssetStruct>(s.registry, "getAsset", [s.assetId], "read asset");
        ctx.print({ assetId: s.hex, validUntil: Number(after.validUntil), ...tx }, [
          `asset ${s.hex} is in force, valid until ${iso(Number(after.validUntil))}`,
          `tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  asset
    .command("renew <asset>")
    .description("renew a registration (续展) once its renewal window has opened (holder or registering exchange)")
    .option("--force", "send even if the chain would refuse it")
    .action(
      act<{ force?: boolean }>(async (ctx, [ref], o) => {
        const wallet = await ctx.requireKey("holder or exchange");
        const s = await stateOf(ctx, ref as string);
        refuse(!same(wallet.address, s.holder) && !same(wallet.address, s.asset.exchange), o.force, `${wallet.address} is neither the holder nor the registering exchange`, `sign with ${s.holder}'s or ${s.asset.exchange}'s key`);
        refuse(s.status !== "registered", o.force, `asset ${s.hex} is ${s.status}, not registered`, "only a registration in force (or lapsed) is renewed");
        refuse(s.validUntil === 0, o.force, `asset ${s.hex} has no validity end`, "nothing to renew");
        const window = Number(await view<bigint>(s.lifecycle, "renewalWindowDays", [s.asset.exchange], "renewal window"));
        const opens = s.validUntil - window * 86_400;
        refuse(s.now < opens, o.force, `the renewal window of ${s.hex} opens ${iso(opens)} (valid until ${iso(s.validUntil)})`, "renew within the window before the end, or after it has lapsed");
        const { contract } = await ctx.writer("lifecycle", "holder or exchange");
        const tx = await send(contract, "renew", [s.assetId], "renew registration");
        const after = await view<AssetStruct>(s.registry, "getAsset", [s.assetId], "read asset");
        ctx.print({ assetId: s.hex, previousValidUntil: s.validUntil, validUntil: Number(after.validUntil), ...tx }, [
          `renewed ${s.hex}: valid until ${iso(Number(after.validUntil))} (was ${iso(s.validUntil)})`,
          `tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  asset
    .command("change <asset>")
    .description("record new metadata: a change (变更) by the holder, or with --correction a correction (更正) by the registering exchange or regulator")
    .option("--metadata-file <file>", "the new metadata document: its SHA-256 and its CID (stored in the content store)")
    .option("--metadata-digest <0x…>", "SHA-256 of the new metadata document (with --metadata-cid)")
    .option("--metadata-cid <cid>", "its CID")
    .requiredOption("--reason <text>", "recorded on chain")
    .option("--correction", "a correction by the registering exchange or the regulator")
    .option("--force", "send even if the chain would refuse it")
    .action(
      act<{ metadataFile?: string; metadataDigest?: string; metadataCid?: string; reason: string; correction?: boolean; force?: boolean }>(async (ctx, [ref], o) => {
        const role = o.correction ? "exchange or regulator" : "holder";
        const wallet = await ctx.requireKey(role);
        if (!o.reason.trim()) throw new CliError("--reason must not be empty");
        let digest: string;
        let cid: string;
        if (o.metadataFile) {
          if (o.metadataDigest || o.metadataCid) throw new CliError("give --metadata-file, or --metadata-digest with --metadata-cid, not both");
          const { readFile } = await import("node:fs/promises");
          const bytes = await readFile(o.metadataFile).catch((e: Error) => {
            throw new CliError(`cannot read --metadata-file ${o.metadataFile}: ${e.message}`);
          });
          const { sha256Hex } = await import("../../digest");
          digest = sha256Hex(bytes);
          cid = await (await ctx.content()).put(bytes);
        } else {
          if (!o.metadataDigest || !o.metadataCid) throw new CliError("give --metadata-file, or --metadata-digest with --metadata-cid");
          digest = parseBytes32(o.metadataDigest, "--metadata-digest");
          cid = o.metadataCid;
        }
        const s = await stateOf(ctx, ref as string);
        refuse(s.status === "refused" || s.status === "cancelled", o.force, `asset ${s.hex} is ${s.status}`, "a refused or cancelled registration stays as it is");
        if (o.correction) {
          const regulator = await view<boolean>(s.participants, "isRegulator", [wallet.address], "regulator?");
          refuse(!regulator && !same(wallet.address, s.asset.exchange), o.force, `${wallet.address} is neither the registering exchange nor the regulator`, `sign with ${s.asset.exchange}'s key or the regulator's`);
        } else {
          refuse(!same(wallet.address, s.holder), o.force, `${wallet.address} does not hold ${s.hex} (the holder is ${s.holder})`, "a change is the holder's; the exchange or regulator records a correction with --correction");
        }
        const { contract } = await ctx.writer("lifecycle", role);
        const tx = await send(contract, o.correction ? "correct" : "change", [s.assetId, digest, cid, o.reason], o.correction ? "correct metadata" : "change metadata");
        ctx.print({ assetId: s.hex, correction: Boolean(o.correction), metadataDigest: digest, metadataCid: cid, ...tx }, [
          `${o.correction ? "correction" : "change"} of ${s.hex} recorded: metadata ${digest} (${cid})`,
          `tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  asset
    .command("cancel <asset>")
    .description("cancel a registration (注销): the holder asks, then its registering exchange cancels; the regulator cancels directly")
    .requiredOption("--reason <text>", "recorded on chain")
    .option("--force", "send even if the chain would refuse it")
    .action(
      act<{ reason: string; force?: boolean }>(async (ctx, [ref], o) => {
        const wallet = await ctx.requireKey("holder, exchange or regulator");
        if (!o.reason.trim()) throw new CliError("--reason must not be empty");
        const s = await stateOf(ctx, ref as string);
        refuse(s.status === "refused" || s.status === "cancelled", o.force, `asset ${s.hex} is ${s.status} already`, "nothing to cancel");
        const regulator = await view<boolean>(s.participants, "isRegulator", [wallet.address], "regulator?");
        const { contract } = await ctx.writer("lifecycle", "holder, exchange or regulator");
        if (!regulator && same(wallet.address, s.holder)) {
          const tx = await send(contract, "requestCancellation", [s.assetId, o.reason], "request cancellation");
          ctx.print({ assetId: s.hex, requested: true, ...tx }, [
            `cancellation of ${s.hex} requested; the registering exchange ${s.asset.exchange} completes it (shuquan asset cancel with its key)`,
            `tx ${tx.txHash} in block ${tx.blockNumber}`,
          ]);
          return;
        }
        if (!regulator) {
          refuse(!same(wallet.address, s.asset.exchange), o.force, `${wallet.address} is neither the holder, the registering exchange nor the regulator`, "sign with one of their keys");
          const requester = await view<string>(s.lifecycle, "cancellationRequest", [s.assetId], "request");
          refuse(!same(requester, s.holder), o.force, `the holder of ${s.hex} has not asked for cancellation`, "the holder runs `shuquan asset cancel` with its key first");
          refuse(s.asset.pledged, o.force, `asset ${s.hex} is pledged`, "the lender must release the pledge first; the regulator may cancel regardless");
        }
        const tx = await send(contract, "cancel", [s.assetId, o.reason], "cancel registration");
        ctx.print({ assetId: s.hex, cancelled: true, byRegulator: regulator, ...tx }, [`registration ${s.hex} cancelled`, `tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );
}
