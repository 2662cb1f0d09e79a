import type { Command } from "commander";
import { TypedDataEncoder, verifyTypedData, type Contract, type TypedDataField } from "ethers";
import {
  ASSET_SOURCE,
  CROSS_BORDER_MECHANISM,
  CROSS_BORDER_TRADE_TYPES,
  DATA_LEVEL,
  RIGHT,
  VENUE,
  crossBorderTradeMessage,
  destinationBytes2,
  enumName,
  formatAssetId,
  sha256Hex,
  tradeIdOf,
} from "../../digest";
import { digestFrom, parseAddress, parseBytes32, parseEnum, parseTime, parseUint, resolveAsset } from "../args";
import { plainEvent, send, view } from "../chain";
import { assertSameDigest, currencyBytes3, currencyText, domainOf, tradeMessage, TRADE_TYPES } from "../eip712";
import { CliError } from "../errors";
import { assertWritable, readJsonFile, toJson, writeFileAtomic } from "../files";
import { commandSummary } from "./index";
import { act } from "../program";
import type { Context } from "../context";
import type { AssetStruct } from "./asset";
import { authorisationSchema, toCrossBorderStruct, toTradeStruct, type TradeAuthorisation } from "./trade-file";

interface AuthoriseOptions {
  asset: string; buyer: string; right: string; exchange: string; serial?: string;
  price?: string; currency?: string; priceCommitment?: string; contractFile?: string; contractDigest?: string;
  venue: string; linkedTrade?: string; deadline: string;
  scopeFile?: string; scopeDigest?: string; start?: string; end?: string; exclusive?: boolean; sublicensable?: boolean; revocable?: boolean;
  out: string; force?: boolean;
  crossBorder?: boolean; mechanism?: string; filingNumber?: string; filingDigest?: string; destination?: string;
}

/** The cross-border terms from the options, or undefined without --cross-border (docs/regulated-use.md). */
function crossBorderOf(o: AuthoriseOptions): { mechanism: number; filingDigest: string; destination: string; code: string } | undefined {
  if (!o.crossBorder) {
    if (o.mechanism || o.filingNumber || o.filingDigest || o.destination) throw new CliError("--mechanism, --filing-number/--filing-digest and --destination go with --cross-border");
    return undefined;
  }
  const mechanism = parseEnum(CROSS_BORDER_MECHANISM, o.mechanism ?? "none", "mechanism");
  if (o.filingNumber && o.filingDigest) throw new CliError("give --filing-number or --filing-digest, not both");
  // the filing or approval number is digested as the SHA-256 of its UTF-8 text, trimmed
  const filingDigest = o.filingDigest ? parseBytes32(o.filingDigest, "--filing-digest") : o.filingNumber ? sha256Hex(o.filingNumber.trim()) : "0x" + "0".repeat(64);
  if ((mechanism === 0) !== /^0x0{64}$/.test(filingDigest)) {
    throw new CliError(mechanism === 0 ? "a filing number goes with a mechanism" : `--mechanism ${CROSS_BORDER_MECHANISM[mechanism]} needs its --filing-number (or --filing-digest)`);
  }
  if (!o.destination) throw new CliError("--destination <ISO 3166-1 alpha-2> is required with --cross-border", "e.g. HK, SG, DE");
  const code = o.destination.toUpperCase();
  if (code === "CN") throw new CliError("--destination CN is not across the border");
  let destination: string;
  try {
    destination = destinationBytes2(code);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  return { mechanism, filingDigest, destination, code };
}

/**
 * The next serial above the exchange's anti-replay window: the recorder accepts ids within 160 of the newest it has
 * recorded, so serials are allocated in sequence, not at random. An exchange that allocates serials itself for
 * concurrent authorisations passes `--serial`.
 */
async function nextSerial(ctx: Context, exchange: string): Promise<bigint> {
  const recorder = await ctx.reader("trades");
  const [base, bits] = await view<[bigint, bigint]>(recorder, "tradeWindow", [exchange], "read the exchange's trade window");
  return base + BigInt(bits.toString(2).length - (bits === 0n ? 1 : 0));
}

/**
 * Refuses to sign an authorisation the recorder would reject whatever happens next: a frozen asset, core data, or a
 * deadline already past (by the chain's clock). With `force` it only warns (the regulator may unfreeze first).
 */
/** The EIP-712 types and message seller and buyer both sign: the Trade, or the CrossBorderTrade around it. */
function signedTypedData(
  struct: ReturnType<typeof toTradeStruct>,
  crossBorder: ReturnType<typeof toCrossBorderStruct>,
): [Record<string, TypedDataField[]>, Parameters<typeof TypedDataEncoder.hash>[2]] {
  return crossBorder
    ? [CROSS_BORDER_TRADE_TYPES, crossBorderTradeMessage(struct, crossBorder)]
    : [TRADE_TYPES, tradeMessage(struct)];
}

/** Throws when the deployed recorder's hashCrossBorderTrade differs from the CLI's digest (version skew). */
async function assertSameCrossBorderDigest(
  recorder: Contract,
  struct: ReturnType<typeof toTradeStruct>,
  crossBorder: NonNullable<ReturnType<typeof toCrossBorderStruct>>,
  digest: string,
): Promise<void> {
  const onChain = await view<string>(recorder, "hashCrossBorderTrade", [struct, crossBorder], "hashCrossBorderTrade");
  if (onChain.toLowerCase() !== digest.toLowerCase()) throw new CliError(`the contract's EIP-712 digest (hashCrossBorderTrade) differs from the CLI's: ${onChain} ≠ ${digest}`, "the CLI and the deployed contracts are different versions");
}

async function refuseDoomed(ctx: Context, assetId: bigint, deadline: number, force: boolean, crossBorder?: { mechanism: number }): Promise<void> {
  const registry = await ctx.reader("registry");
  const a = await view<AssetStruct>(registry, "getAsset", [assetId], "read asset");
  const { provider } = await ctx.chain();
  const head = await provider.getBlock("latest");
  const now = head ? head.timestamp : Math.floor(Date.now() / 1000);
  const problems: string[] = [];
  if (a.frozen) problems.push(`asset ${formatAssetId(assetId)} is frozen by the regulator (RegistryAssetFrozen): it cannot trade until unfrozen`);
  if (DATA_LEVEL[Number(a.level)] === "core") problems.push(`asset ${formatAssetId(assetId)} is core data (RegistryCoreData): it never trades`);
  if (crossBorder) {
    const mechanism = CROSS_BORDER_MECHANISM[crossBorder.mechanism];
    const level = DATA_LEVEL[Number(a.level)];
    if (level === "important" && mechanism !== "security-assessment" && mechanism !== "exemption") {
      problems.push(`asset ${formatAssetId(assetId)} is important data: it leaves only after a security assessment or under an exemption (TradeCrossBorderMechanismRequired)`);
    }
    if (ASSET_SOURCE[Number(a.source)] === "personal" && mechanism === "none") {
      problems.push(`asset ${formatAssetId(assetId)} is personal data: it leaves only under a mechanism (TradeCrossBorderMechanismRequired)`);
    }
  }
  if (deadline <= now) problems.push(`the deadline ${new Date(deadline * 1000).toISOString()} is already past (chain time ${new Date(now * 1000).toISOString()}): the recorder would refuse it (TradeExpired)`);
  if (!problems.length) return;
  if (!force) throw new CliError(`not signing: the trade cannot be recorded: ${problems.join("; ")}`, "fix the cause (e.g. a later --deadline), or pass --force to sign anyway");
  for (const p of problems) process.stderr.write(`warning: ${p} (signing anyway: --force)\n`);
}

/** `shuquan trade authorise|record` — the seller signs, the exchange records (交易凭证). */
export function registerTradeCommands(program: Command): void {
  const trade = program.command("trade").description(commandSummary("trade"));

  trade
    .command("authorise")
    .description("sign a trade authorisation with the seller's key and write it to a file")
    .requiredOption("--asset <asset>", "asset id or registration number")
    .requiredOption("--buyer <address>", "new holder or licensee")
    .requiredOption("--right <right>", RIGHT.join("|"))
    .requiredOption("--exchange <address>", "the exchange that will record the trade")
    .option("--serial <n>", "the exchange's trade serial, as the exchange allocates it (default: the next one above the exchange's window on chain)")
    .option("--price <minor units>", "price in the currency's minor unit (fen for CNY)")
    .option("--currency <code>", "ISO 4217, e.g. CNY")
    .option("--price-commitment <0x…>", "keccak256 commitment when the price is confidential")
    .option("--contract-file <file>", "the signed trade contract (its SHA-256 is signed)")
    .option("--contract-digest <0x…>", "SHA-256 of the trade contract")
    .option("--venue <venue>", VENUE.join("|"), "on-exchange")
    .option("--linked-trade <id>", "an earlier recorded trade this one links to")
    .option("--deadline <time>", "authorisation void after (unix s, ISO, +7d)", "+7d")
    .option("--scope-file <file>", "licences: scenario/purpose document (its SHA-256 is the scope)")
    .option("--scope-digest <0x…>", "licences: SHA-256 of the scenario/purpose document")
    .option("--start <time>", "licences: first second in force", "now")
    .option("--end <time>", "licences: first second no longer in force")
    .option("--exclusive", "licences: exclusive")
    .option("--sublicensable", "licences: operator may grant product-use licences")
    .option("--revocable", "licences: the grantor may revoke")
    .option("--cross-border", "the buyer takes the data abroad (数据出境): signs the trade with its cross-border terms")
    .option("--mechanism <mechanism>", `cross-border: ${CROSS_BORDER_MECHANISM.join("|")}`)
    .option("--filing-number <text>", "cross-border: the filing or approval number (its SHA-256 goes on chain)")
    .option("--filing-digest <0x…>", "cross-border: SHA-256 of the filing or approval number")
    .option("--destination <code>", "cross-border: destination jurisdiction, ISO 3166-1 alpha-2 (HK, SG …)")
    .requiredOption("--out <file>", "where to write the signed authorisation")
    .option("--force", "overwrite --out, and sign even when the trade cannot be recorded now (frozen asset, core data, past deadline)")
    .action(
      act<AuthoriseOptions>(async (ctx, _args, o) => {
        await assertWritable(o.out, o.force);
        const crossBorder = crossBorderOf(o);
        await ctx.requireKey("seller");
        const { assetId } = await resolveAsset(ctx, o.asset);
        const buyer = parseAddress(o.buyer, "--buyer");
        const exchange = parseAddress(o.exchange, "--exchange");
        const right = parseEnum(RIGHT, o.right, "right");
        const venue = parseEnum(VENUE, o.venue, "venue");
        const serial = o.serial !== undefined ? parseUint(o.serial, "--serial", (1n << 96n) - 1n) : await nextSerial(ctx, exchange);
        const disclosed = o.price !== undefined;
        if (disclosed === Boolean(o.priceCommitment)) throw new CliError("give either --price (with --currency) or --price-commitment", "a confidential price is only committed to");
        if (disclosed && !o.currency) throw new CliError("--price needs --currency");
        const contractDigest = (await digestFrom(o.contractDigest, o.contractFile, "contract", true)) as string;
        const isHolding = RIGHT[right] === "holding";
        const chainNow = await ctx.chainNow();
        let licence = { scopeDigest: "0x" + "0".repeat(64), start: 0, end: 0, exclusive: false, sublicensable: false, revocable: false };
        if (!isHolding) {
          const scopeDigest = await digestFrom(o.scopeDigest, o.scopeFile, "scope", true);
          if (!o.end) throw new CliError("--end is required for a licence");
          licence = { scopeDigest: scopeDigest as string, start: parseTime(o.start ?? "now", "--start", chainNow), end: parseTime(o.end, "--end", chainNow), exclusive: Boolean(o.exclusive), sublicensable: Boolean(o.sublicensable), revocable: Boolean(o.revocable) };
        }
        const { contract: recorder, wallet } = await ctx.writer("trades", "seller");
        const { chainId } = await ctx.chain();
        const registry = await ctx.reader("registry");
        // the asset's state as the seller sees it: a holding transfer is recorded only in this state
        const stateNonce = Number((await view<AssetStruct>(registry, "getAsset", [assetId], "read asset")).stateNonce);
        const value = {
          tradeId: tradeIdOf(exchange, serial),
          assetId,
          seller: wallet.address,
          buyer,
          right,
          licence,
          price: disclosed ? parseUint(o.price, "--price", (1n << 128n) - 1n) : 0n,
          currency: disclosed ? currencyBytes3(o.currency) : "0x000000",
          priceCommitment: o.priceCommitment ? parseBytes32(o.priceCommitment, "--price-commitment") : "0x" + "0".repeat(64),
          contractDigest,
          venue,
          linkedTradeId: o.linkedTrade ? parseUint(o.linkedTrade, "--linked-trade") : 0n,
          deadline: parseTime(o.deadline, "--deadline", chainNow),
          stateNonce,
        };
        await refuseDoomed(ctx, value.assetId, value.deadline, Boolean(o.force), crossBorder);
        const domain = await domainOf(recorder);
        let digest: string;
        let signature: string;
        if (crossBorder) {
          const terms = { mechanism: crossBorder.mechanism, filingDigest: crossBorder.filingDigest, destination: crossBorder.destination };
          digest = TypedDataEncoder.hash(domain, CROSS_BORDER_TRADE_TYPES, crossBorderTradeMessage(value, terms));
          await assertSameCrossBorderDigest(recorder, value, terms, digest);
          signature = await wallet.signTypedData(domain, CROSS_BORDER_TRADE_TYPES, crossBorderTradeMessage(value, terms));
        } else {
          digest = TypedDataEncoder.hash(domain, TRADE_TYPES, tradeMessage(value));
          await assertSameDigest(recorder, "hashTrade", value, digest);
          signature = await wallet.signTypedData(domain, TRADE_TYPES, tradeMessage(value));
        }
        const file: TradeAuthorisation = {
          type: "shuquan/trade-authorisation",
          version: 1,
          chainId,
          tradeRecorder: String(recorder.target),
          trade: {
            tradeId: formatAssetId(value.tradeId),
            assetId: formatAssetId(value.assetId),
            seller: value.seller,
            buyer,
            right: RIGHT[right] as (typeof RIGHT)[number],
            licence: { ...licence },
            price: value.price.toString(),
            currency: currencyText(value.currency),
            priceCommitment: value.priceCommitment,
            contractDigest,
            venue: VENUE[venue] as (typeof VENUE)[number],
            linkedTradeId: formatAssetId(value.linkedTradeId),
            deadline: value.deadline,
            stateNonce,
          },
          ...(crossBorder ? { crossBorder: { mechanism: CROSS_BORDER_MECHANISM[crossBorder.mechanism] as (typeof CROSS_BORDER_MECHANISM)[number], filingDigest: crossBorder.filingDigest, destination: crossBorder.code } } : {}),
          digest,
          signature,
        };
        await writeFileAtomic(o.out, toJson(file));
        ctx.print({ out: o.out, tradeId: file.trade.tradeId, digest: file.digest, seller: wallet.address }, [
          `signed trade authorisation written to ${o.out}`,
          `  trade id  ${file.trade.tradeId}`,
          `  seller    ${wallet.address}  right ${file.trade.right}  buyer ${buyer}`,
          `  valid until ${new Date(value.deadline * 1000).toISOString()}`,
          ...(crossBorder ? [`  cross-border to ${crossBorder.code} (${CROSS_BORDER_MECHANISM[crossBorder.mechanism]})`] : []),
        ]);
      }),
    );

  trade
    .command("accept")
    .description("the buyer accepts a seller's authorisation: signs the same terms and asset state (buyer key)")
    .requiredOption("--authorisation <file>", "file written by `shuquan trade authorise`")
    .requiredOption("--out <file>", "where to write the authorisation with the buyer's acceptance (give it to the exchange)")
    .option("--force", "overwrite --out, and sign even when the trade cannot be recorded now (asset state changed, frozen, past deadline)")
    .action(
      act<{ authorisation: string; out: string; force?: boolean }>(async (ctx, _args, o) => {
        await assertWritable(o.out, o.force);
        await ctx.requireKey("buyer");
        const parsed = authorisationSchema.safeParse(await readJsonFile(o.authorisation, "authorisation"));
        if (!parsed.success) {
          const i = parsed.error.issues[0];
          throw new CliError(`authorisation ${o.authorisation} is invalid at ${i?.path.join(".")}: ${i?.message}`, "use the file written by `shuquan trade authorise`");
        }
        const auth = parsed.data;
        const { contract: recorder, wallet } = await ctx.writer("trades", "buyer");
        const struct = toTradeStruct(auth);
        if (struct.buyer.toLowerCase() !== wallet.address.toLowerCase()) throw new CliError(`the authorisation names buyer ${struct.buyer}, not this key's ${wallet.address}`);
        const domain = await domainOf(recorder);
        // a cross-border authorisation: the buyer signs the same CrossBorderTrade (trade, state nonce, mechanism,
        // filing, destination) the seller signed, so it accepts the export terms too
        const crossBorder = toCrossBorderStruct(auth);
        const [types, message] = signedTypedData(struct, crossBorder);
        const digest = TypedDataEncoder.hash(domain, types, message);
        if (crossBorder) await assertSameCrossBorderDigest(recorder, struct, crossBorder, digest);
        else await assertSameDigest(recorder, "hashTrade", struct, digest);
        if (!auth.signature || verifyTypedData(domain, types, message, auth.signature).toLowerCase() !== struct.seller.toLowerCase()) {
          throw new CliError("the authorisation carries no valid signature of the seller", "ask the seller for a signed authorisation (shuquan trade authorise)");
        }
        // what the buyer accepts must still hold: the asset's rights as they are now (holding transfers are checked)
        const registry = await ctx.reader("registry");
        const now = Number((await view<AssetStruct>(registry, "getAsset", [struct.assetId], "read asset")).stateNonce);
        if (RIGHT[struct.right] === "holding" && now !== struct.stateNonce) {
          const msg = `the asset's rights changed since the seller signed (state ${struct.stateNonce}, now ${now}): a licence, revocation or pledge came in between (RegistryStateChanged)`;
          if (!o.force) throw new CliError(`not signing: ${msg}`, "look at the asset's licences (shuquan asset show) and ask the seller for a new authorisation, or pass --force");
          process.stderr.write(`warning: ${msg} (signing anyway: --force)\n`);
        }
        await refuseDoomed(ctx, struct.assetId, struct.deadline, Boolean(o.force), crossBorder);
        const buyerSignature = await wallet.signTypedData(domain, types, message);
        await writeFileAtomic(o.out, toJson({ ...auth, digest, buyerSignature }));
        ctx.print({ out: o.out, tradeId: auth.trade.tradeId, digest, buyer: wallet.address }, [
          `accepted trade ${auth.trade.tradeId}: written to ${o.out} (give it to the exchange)`,
        ]);
      }),
    );

  trade
    .command("record")
    .description("record a trade the seller authorised and the buyer accepted (exchange key); the right moves in the same transaction")
    .requiredOption("--authorisation <file>", "file written by `shuquan trade accept` (or `trade authorise`, with --buyer-signature)")
    .option("--signature <0x…>", "the seller's signature, if not in the file")
    .option("--buyer-signature <0x…>", "the buyer's signature, if not in the file")
    .action(
      act<{ authorisation: string; signature?: string; buyerSignature?: string }>(async (ctx, _args, o) => {
        const parsed = authorisationSchema.safeParse(await readJsonFile(o.authorisation, "authorisation"));
        if (!parsed.success) {
          const i = parsed.error.issues[0];
          throw new CliError(`authorisation ${o.authorisation} is invalid at ${i?.path.join(".")}: ${i?.message}`, "use the file written by `shuquan trade authorise`");
        }
        const auth = parsed.data;
        await ctx.requireKey("exchange");
        const signature = o.signature ?? auth.signature;
        if (!signature) throw new CliError("no seller signature", "pass --signature or use a signed authorisation file");
        const { chainId } = await ctx.chain();
        if (auth.chainId !== chainId) throw new CliError(`the authorisation is for chain ${auth.chainId}, this is chain ${chainId}`);
        const { contract, wallet } = await ctx.writer("trades", "exchange");
        if (String(contract.target).toLowerCase() !== auth.tradeRecorder.toLowerCase()) {
          throw new CliError(`the authorisation was signed for TradeRecorder ${auth.tradeRecorder}, the deployment's is ${String(contract.target)}`);
        }
        const struct = toTradeStruct(auth);
        const crossBorder = toCrossBorderStruct(auth);
        const domain = await domainOf(contract);
        const signer = crossBorder
          ? verifyTypedData(domain, CROSS_BORDER_TRADE_TYPES, crossBorderTradeMessage(struct, crossBorder), signature)
          : verifyTypedData(domain, TRADE_TYPES, tradeMessage(struct), signature);
        if (signer.toLowerCase() !== struct.seller.toLowerCase()) {
          throw new CliError(`the signature is by ${signer}, not the seller ${struct.seller}`, "ask the seller to sign again (shuquan trade authorise)");
        }
        const buyerSignature = o.buyerSignature ?? auth.buyerSignature;
        if (!buyerSignature) throw new CliError("no buyer acceptance: the buyer must sign the same terms", "the buyer runs `shuquan trade accept --authorisation <file> --out <file>`");
        const [types, message] = signedTypedData(struct, crossBorder);
        const buyer = verifyTypedData(domain, types, message, buyerSignature);
        if (buyer.toLowerCase() !== struct.buyer.toLowerCase()) {
          throw new CliError(`the acceptance is signed by ${buyer}, not the buyer ${struct.buyer}`, "ask the buyer to accept again (shuquan trade accept)");
        }
        const tx = crossBorder
          ? await send(contract, "recordCrossBorderTrade", [struct, crossBorder, signature, buyerSignature], "record cross-border trade")
          : await send(contract, "recordTrade", [struct, signature, buyerSignature], "record trade");
        const ev = plainEvent(contract, tx.logs, "TradeRecorded", { right: RIGHT, venue: VENUE });
        ctx.print({ tradeId: auth.trade.tradeId, licenceId: ev?.licenceId, exchange: wallet.address, crossBorder: auth.crossBorder ?? null, ...tx, event: ev }, [
          `recorded trade ${auth.trade.tradeId} (${enumName(RIGHT, struct.right, "right")}: ${struct.seller} → ${struct.buyer})`,
          ev && ev.licenceId !== "0x" + "0".repeat(64) ? `  licence ${String(ev.licenceId)}` : `  holding transferred`,
          ...(auth.crossBorder ? [`  cross-border to ${auth.crossBorder.destination} (${auth.crossBorder.mechanism})`] : []),
          `  tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );

  trade
    .command("close-ids")
    .description("exchange: close its trade ids below a serial — voids outstanding authorisations for them; with --below 1 before the first trade, opens the window so no trade pays for it")
    .requiredOption("--below <serial>", "the new window base: ids with a lower serial can no longer be recorded")
    .action(
      act<{ below: string }>(async (ctx, _args, o) => {
        const below = parseUint(o.below, "--below", (1n << 96n) - 1n);
        const { contract, wallet } = await ctx.writer("trades", "exchange");
        const tx = await send(contract, "closeTradeIds", [below], "close trade ids");
        ctx.print({ exchange: wallet.address, below: below.toString(), txHash: tx.txHash, blockNumber: tx.blockNumber }, [
          `closed trade ids of ${wallet.address} below serial ${below}`,
          `  tx ${tx.txHash} in block ${tx.blockNumber}`,
        ]);
      }),
    );
}
