/**
 * Prints an HTML page to PDF with a locally installed Chromium (`--headless --print-to-pdf`): Debian's
 * /usr/bin/chromium, or CHROMIUM_PATH. Nothing is downloaded; without a Chromium the CLI says how to get one.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CliError } from "./errors";

/** Where Chromium is looked for. */
function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/** Writes `html` as a PDF to `out`. */
export async function htmlToPdf(html: string, out: string): Promise<void> {
  const chromium = chromiumPath();
  if (!existsSync(chromium)) {
    throw new CliError(`no Chromium at ${chromium} to print the PDF`, "apt-get install -y chromium (or set CHROMIUM_PATH), or write HTML (--out cert.html) and print it from a browser");
  }
  const dir = mkdtempSync(path.join(tmpdir(), "shuquan-certificate-"));
  try {
    const page = path.join(dir, "certificate.html");
    writeFileSync(page, html);
    const target = path.resolve(out);
    await new Promise<void>((resolve, reject) => {
      execFile(
        chromium,
        ["--headless", "--no-sandbox", "--disable-gpu", `--user-data-dir=${path.join(dir, "profile")}`, "--no-pdf-header-footer", `--print-to-pdf=${target}`, pathToFileURL(page).href],
        { timeout: 60_000 },
        (err) => (err ? reject(new CliError(`Chromium could not print the PDF: ${err.message}`)) : resolve()),
      );
    });
    if (!existsSync(target) || statSync(target).size === 0) throw new CliError(`Chromium wrote no PDF to ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
