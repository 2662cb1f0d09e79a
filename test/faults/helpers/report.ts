/**
 * Figures of the fault suite, one section per suite, in bench/results/faults-<profile>.md (linked from the README).
 * Each suite rewrites its own section, so the file always holds the latest run of every suite of that profile.
 * Written only when asked (`RECORDING`: `npm run test:faults` sets FAULTS_RECORD=1), so that `npm test` and CI leave
 * the tracked results as they are: the tests assert the figures either way.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROFILE } from "./profile";

/** One line of figures. */
export interface FaultRow {
  case: string;
  tries: number;
  survived: number;
  lost: number;
  duplicated: number;
  /** Answers with status >= 500 other than a 503 with Retry-After while a dependency was down (null: no API in the case). */
  fiveXX: number | null;
  notes?: string;
}

/** Whether this run writes its figures to the tracked results files (FAULTS_RECORD=1). */
export const RECORDING = process.env.FAULTS_RECORD === "1";

const FILE = path.join(__dirname, "..", "..", "..", "bench", "results", `faults-${PROFILE.name}.md`);

function header(): string {
  return [
    `# Fault suite — ${PROFILE.name} profile`,
    "",
    `Written by \`${PROFILE.name === "full" ? "FAULTS_PROFILE=full npm run test:faults" : "npm run test:faults"}\` (test/faults/); each section is the latest run of that suite.`,
    "\"survived\": the tries after which the service was alive and its store equal to an uninterrupted index; \"lost\" / \"duplicated\": rows missing from / extra in the store against that index; \"5xx\": API answers ≥ 500 other than 503 + Retry-After while a dependency was down. docs/reliability.md explains what each case does.",
    "",
  ].join("\n");
}

/** Rewrites `suite`'s section of the results file. */
export function writeSection(suite: string, rows: readonly FaultRow[], extra: string[] = []): void {
  if (!RECORDING) return;
  const begin = `<!-- ${suite} -->`;
  const end = `<!-- /${suite} -->`;
  const when = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const load = os.loadavg()[0].toFixed(1);
  const body = [
    begin,
    `## ${suite}`,
    "",
    `${when}, ${os.cpus().length} cores, load average ${load}, node ${process.version}.`,
    "",
    "| case | tries | survived | lost | duplicated | 5xx | notes |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.map((r) => `| ${r.case} | ${r.tries} | ${r.survived} | ${r.lost} | ${r.duplicated} | ${r.fiveXX ?? "—"} | ${r.notes ?? ""} |`),
    ...(extra.length ? ["", ...extra] : []),
    end,
  ].join("\n");
  fs.mkdirSync(path.dirname(FILE), { recursive: true });
  let text = fs.existsSync(FILE) ? fs.readFileSync(FILE, "utf8") : header();
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + body + text.slice(j + end.length);
  else text = text.trimEnd() + "\n\n" + body + "\n";
  fs.writeFileSync(FILE, text);
}
