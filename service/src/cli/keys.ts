import { Wallet } from "ethers";
import { readFileOrFail } from "./files";
import { CliError } from "./errors";

/** Where a key may come from (in this order): --key, --keystore (+ password), SHUQUAN_PRIVATE_KEY. */
export interface KeyOptions {
  key?: string;
  keystore?: string;
  passwordEnv?: string;
}

const KEY_RE = /^(0x)?[0-9a-fA-F]{64}$/;

async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new CliError("the keystore needs a password", "set SHUQUAN_KEYSTORE_PASSWORD (or the variable named by --password-env)");
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let value = "";
    const onData = (ch: string): void => {
      for (const c of ch) {
        if (c === "\r" || c === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (c === "\u0003") {
          stdin.setRawMode(false);
          reject(new CliError("cancelled"));
          return;
        }
        if (c === "\u007f") value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on("data", onData);
  });
}

function walletFromKey(key: string, source: string): Wallet {
  const k = key.trim();
  if (!KEY_RE.test(k)) {
    // never echo the value: it may be a real key with a typo
    throw new CliError(`the private key from ${source} is not 32 bytes of hex`, "give 64 hex digits, with or without 0x");
  }
  return new Wallet(k.startsWith("0x") ? k : `0x${k}`);
}

/**
 * Loads and checks the signing key, without touching the chain (the caller connects it). The key is never printed or
 * logged. Throws a CliError saying which sources were tried when there is none.
 */
export async function loadWallet(opts: KeyOptions, role: string): Promise<Wallet> {
  let wallet: Wallet;
  if (opts.key) wallet = walletFromKey(opts.key, "--key");
  else if (opts.keystore) {
    const json = (await readFileOrFail(opts.keystore, "keystore")).toString("utf8");
    const envName = opts.passwordEnv ?? "SHUQUAN_KEYSTORE_PASSWORD";
    const password = process.env[envName] ?? (await promptHidden(`password for ${opts.keystore}: `));
    try {
      const w = await Wallet.fromEncryptedJson(json, password);
      wallet = new Wallet(w.privateKey);
    } catch (e) {
      throw new CliError(`cannot decrypt keystore ${opts.keystore}: ${(e as Error).message}`, `check the password (from ${envName} or the prompt)`);
    }
  } else if (process.env.SHUQUAN_PRIVATE_KEY) wallet = walletFromKey(process.env.SHUQUAN_PRIVATE_KEY, "SHUQUAN_PRIVATE_KEY");
  else {
    throw new CliError(
      `this command is signed by the ${role}'s key, and none was given`,
      "pass --key <hex>, or --keystore <file> (password from SHUQUAN_KEYSTORE_PASSWORD or a prompt), or set SHUQUAN_PRIVATE_KEY",
    );
  }
  return wallet;
}
