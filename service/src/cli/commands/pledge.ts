import type { Command } from "commander";
import { TypedDataEncoder, verifyTypedData } from "ethers";
import { z } from "zod";
import { formatAssetId } from "../../digest";
import { digestFrom, parseAddress, parseTime, parseUint, resolveAsset } from "../args";
import { findEvent, send, view } from "../chain";
import { assertSameDigest, currencyBytes3, domainOf, PLEDGE_TYPES } from "../eip712";
import { CliError } from "../errors";
import { assertWritable, readJsonFile, toJson, writeFileAtomic } from "../files";
import { commandSummary } from "./index";
import { act } from "../program";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const addr = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const consentSchema = z.object({
  type: z.literal("shuquan/pledge-consent"),
  version: z.literal(1),
  chainId: z.number().int().positive(),
  pledgeRegistry: addr,
  holder: addr,
  terms: z.object({
    assetId: hex32, holder: addr, lender: addr, amount: z.string().regex(/^\d+$/), currency: z.string().regex(/^[A-Z]{3}$/),
    start: z.number().int(), end: z.number().int(), agreementDigest: hex32, stateNonce: z.string().regex(/^\d+$/), nonce: z.string().regex(/^\d+$/), deadline: z.number().int(),
  }),
  digest: hex32.optional(),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/),
});

/** `shuquan pledge consent|register|release` — pledges of data assets (数据资产质押). */
export function registerPledgeCommands(program: Command): void {
  const pl = program.command("pledge").description(commandSummary("pledge"));

  pl.command("consent")
    .description("sign the holder's EIP-712 consent to a pledge and write it to a file (holder key)")
    .requiredOption("--asset <asset>", "asset id or registration number")
    .requiredOption("--lender <address>", "the pledgee (质权人)")
    .requiredOption("--amount <minor units>", "secured amount in the currency's minor unit")
    .requiredOption("--currency <code>", "ISO 4217, e.g. CNY")
    .option("--start <time>", "start of the financing term", "now")
    .requiredOption("--end <time>", "end of the financing term")
    .option("--agreement-file <file>", "the pledge agreement (its SHA-256 is signed)")
    .option("--agreement-digest <0x…>", "SHA-256 of the pledge agreement")
    .option("--deadline <time>", "consent void after", "+7d")
    .requiredOption("--out <file>", "where to write the signed consent")
    .option("--force", "overwrite --out, and sign even when this key does not hold the asset")
    .action(
      act<{ asset: string; lender: string; amount: string; currency: string; start: string; end: string; agreementFile?: string; agreementDigest?: string; deadline: string; out: string; force?: boolean }>(
        async (ctx, _a, o) => {
          await assertWritable(o.out, o.force);
          await ctx.requireKey("holder");
          const { assetId } = await resolveAsset(ctx, o.asset);
          const lender = parseAddress(o.lender, "--lender");
          const agreementDigest = (await digestFrom(o.agreementDigest, o.agreementFile, "agreement", true)) as string;
          const { contract, wallet } = await ctx.writer("pledges", "holder");
          const { chainId } = await ctx.chain();
          const nonce = await view<bigint>(contract, "nonces", [wallet.address], "read pledge nonce");
          const chainNow = await ctx.chainNow();
          // the consent names its signer (the holder) and the asset's current state
          const registry = await ctx.reader("registry");
          const asset = await view<{ stateNonce: bigint }>(registry, "getAsset", [assetId], "read asset");
          const holder = await view<string>(registry, "ownerOf", [assetId], "holder");
          if (holder.toLowerCase() !== wallet.address.toLowerCase() && !o.force) throw new CliError(`not signing: ${wallet.address} does not hold the asset (${holder} does)`, "only the holder consents to a pledge; --force signs anyway");
          const terms = {
            assetId, holder: wallet.address, lender, amount: parseUint(o.amount, "--amount", (1n << 128n) - 1n), currency: currencyBytes3(o.currency),
            start: parseTime(o.start, "--start", chainNow), end: parseTime(o.end, "--end", chainNow), agreementDigest, stateNonce: asset.stateNonce, nonce, deadline: parseTime(o.deadline, "--deadline", chainNow),
          };
          const domain = await domainOf(contract);
          const digest = TypedDataEncoder.hash(domain, PLEDGE_TYPES, terms);
          await assertSameDigest(contract, "hashPledge", terms, digest);
          const signature = await wallet.signTypedData(domain, PLEDGE_TYPES, terms);
          const file = {
            type: "shuquan/pledge-consent", version: 1, chainId, pledgeRegistry: String(contract.target), holder: wallet.address,
            terms: { ...terms, assetId: formatAssetId(assetId), amount: terms.amount.toString(), currency: o.currency, stateNonce: terms.stateNonce.toString(), nonce: nonce.toString() },
            digest, signature,
          };
          await writeFileAtomic(o.out, toJson(file));
          ctx.print({ out: o.out, holder: wallet.address, digest: file.digest }, [`signed pledge consent written to ${o.out} (give it to the lender)`]);
        },
      ),
    );

  pl.command("register")
    .description("register a pledge with the holder's consent (lender key); the asset is locked")
    .requiredOption("--consent <file>", "file written by `shuquan pledge consent`")
    .action(
      act<{ consent: string }>(async (ctx, _a, o) => {
        const r = consentSchema.safeParse(await readJsonFile(o.consent, "consent"));
        if (!r.success) throw new CliError(`consent ${o.consent} is invalid at ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`);
        const c = r.data;
        await ctx.requireKey("lender");
        const { contract, wallet } = await ctx.writer("pledges", "lender");
        if (c.terms.lender.toLowerCase() !== wallet.address.toLowerCase()) throw new CliError(`the consent names lender ${c.terms.lender}, but the key is ${wallet.address}`, "sign with the lender's key");
        const terms = { ...c.terms, assetId: BigInt(c.terms.assetId), amount: BigInt(c.terms.amount), currency: currencyBytes3(c.terms.currency), stateNonce: BigInt(c.terms.stateNonce), nonce: BigInt(c.terms.nonce) };
        const signer = verifyTypedData(await domainOf(contract), PLEDGE_TYPES, terms, c.signature);
        if (signer.toLowerCase() !== c.holder.toLowerCase()) throw new CliError(`the consent is signed by ${signer}, not the holder ${c.holder}`);
        const tx = await send(contract, "registerPledge", [terms, c.signature], "register pledge");
        const ev = findEvent(contract, tx.logs, "PledgeRegistered");
        const pledgeId = ev ? String(ev.pledgeId) : undefined;
        ctx.print({ pledgeId, assetId: c.terms.assetId, ...tx }, [`registered pledge ${pledgeId ?? "?"} on asset ${c.terms.assetId}`, `  tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );

  pl.command("release <pledgeId>")
    .description("release an active pledge (lender key)")
    .action(
      act(async (ctx, [id]) => {
        const pledgeId = parseUint(id, "pledge id");
        await ctx.requireKey("lender");
        const { contract } = await ctx.writer("pledges", "lender");
        const tx = await send(contract, "releasePledge", [pledgeId], "release pledge");
        ctx.print({ pledgeId: pledgeId.toString(), ...tx }, [`released pledge ${pledgeId}`, `  tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );

  pl.command("lift <pledgeId>")
    .description("lift an active pledge (regulator key)")
    .requiredOption("--reason <text>", "why the regulator lifts it (recorded on chain)")
    .action(
      act<{ reason: string }>(async (ctx, [id], o) => {
        const pledgeId = parseUint(id, "pledge id");
        const { contract } = await ctx.writer("pledges", "regulator");
        const tx = await send(contract, "liftPledge", [pledgeId, o.reason], "lift pledge");
        ctx.print({ pledgeId: pledgeId.toString(), reason: o.reason, ...tx }, [`lifted pledge ${pledgeId}`, `  tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );
}
