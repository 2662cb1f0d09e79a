/**
 * The ABI bundler, run by `npx hardhat compile` (hardhat.config.ts): writes service/src/contracts/abi.json from the
 * compiled interfaces, so the service and the CLI carry their ABIs with them and never read `artifacts/` at run
 * time. The file is rewritten only when its content changes.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { COMMON_INTERFACES, CONTRACT_INTERFACES, CONTRACT_NAMES } from "../service/src/contracts/names";
import { uniqueFragments } from "../service/src/contracts/unique-fragments";

/** Where the bundle goes. */
const ABI_BUNDLE_FILE = path.join(__dirname, "..", "service", "src", "contracts", "abi.json");

/** Reads a compiled contract's ABI by name (Hardhat's `artifacts.readArtifactSync(name).abi`). */
export type AbiReader = (contractName: string) => readonly object[];

/** The bundle's content from the compiled artifacts. */
function buildAbiBundle(read: AbiReader): { contracts: Record<string, object[]>; common: object[] } {
  const contracts: Record<string, object[]> = {};
  for (const name of CONTRACT_NAMES) contracts[name] = uniqueFragments(CONTRACT_INTERFACES[name].flatMap((i) => read(i)));
  // their errors, and the EIP-5267 domain view (the other functions exist only where a contract declares them)
  const common = uniqueFragments(
    COMMON_INTERFACES.flatMap((i) => read(i)).filter((f) => {
      const x = f as { type: string; name?: string };
      return x.type === "error" || (x.type === "function" && x.name === "eip712Domain");
    }),
  );
  return { contracts, common };
}

/** Writes the bundle when it differs from the file on disk; returns true when it wrote. */
export function writeAbiBundle(read: AbiReader, file = ABI_BUNDLE_FILE): boolean {
  const text = JSON.stringify(buildAbiBundle(read)) + "\n";
  let old = "";
  try {
    old = readFileSync(file, "utf8");
  } catch {
    /* first compile */
  }
  if (old === text) return false;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return true;
}
