import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { CliError } from "./errors";

/** Writes `data` to `file` atomically: a temp file in the same directory, then rename. Nothing half-written. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw new CliError(`cannot write ${file}: ${(e as Error).message}`, "check the directory exists and is writable");
  }
}

/** JSON with bigint as decimal strings, 2-space indented, trailing newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n";
}

/** Reads a file, with a clear error if it cannot. */
export async function readFileOrFail(file: string, what: string): Promise<Buffer> {
  try {
    return await fsp.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${what} ${file}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`, "check the path");
  }
}

/** Reads and parses a JSON file, with a clear error naming the file. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  const text = (await readFileOrFail(file, what)).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Refuses to overwrite an existing output file unless `force`. */
export async function assertWritable(file: string, force: boolean | undefined): Promise<void> {
  if (force) return;
  try {
    await fsp.access(file);
  } catch {
    return;
  }
  throw new CliError(`${file} exists already`, "choose another --out path, or pass --force to replace it");
}
