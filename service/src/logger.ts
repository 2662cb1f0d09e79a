/**
 * The service's logger (pino). Two formats: `json` (one JSON object a line, for log collectors) and `pretty`
 * (one readable line per event: time, level, message, then key=value pairs). `LOG_FORMAT` chooses; by default a
 * terminal gets pretty lines and anything else JSON.
 */
import pino from "pino";

/** The service's logger type (pino). */
export type Logger = pino.Logger;

/** How log lines look. */
export type LogFormat = "json" | "pretty";

/** Parameters of {@link createLogger}. */
export interface CreateLoggerParameters {
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  level?: string;
  /** Name shown on each line. Default "shuquan". */
  name?: string;
  /** Default: pretty when `stream` (stdout) is a terminal, else json. */
  format?: LogFormat;
  /** Where lines go. Default stdout. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const OMIT = new Set(["level", "time", "msg", "pid", "hostname", "name", "v"]);

function valueText(v: unknown): string {
  if (typeof v === "string") return /[\s"=]/.test(v) || v === "" ? JSON.stringify(v) : v;
  if (v && typeof v === "object" && "message" in (v as object) && "type" in (v as object)) return JSON.stringify((v as { message: unknown }).message);
  return JSON.stringify(v);
}

/** One readable line from a pino JSON line: `12:03:04 WARN message key=value …`. */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const t = typeof o.time === "number" ? new Date(o.time).toISOString().slice(11, 19) : "";
  const level = LEVELS[Number(o.level)] ?? String(o.level);
  const extras = Object.entries(o)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${valueText(v)}`);
  return [t, level.padEnd(5), String(o.msg ?? ""), ...extras].filter((s) => s !== "").join(" ");
}

/** A pino destination that writes {@link prettyLine}s to `out`. */
function prettyDestination(out: NodeJS.WritableStream): pino.DestinationStream {
  return {
    write(chunk: string) {
      for (const line of chunk.split("\n")) if (line) out.write(prettyLine(line) + "\n");
    },
  };
}

/** Creates the logger. */
export function createLogger(params: CreateLoggerParameters = {}): Logger {
  const stream = params.stream ?? process.stdout;
  const format = params.format ?? (stream.isTTY ? "pretty" : "json");
  const options = { name: params.name ?? "shuquan", level: params.level ?? "info" };
  return format === "pretty" ? pino(options, prettyDestination(stream)) : pino(options, stream as pino.DestinationStream);
}

/** A logger that discards everything (tests). */
export function createSilentLogger(): Logger {
  return pino({ level: "silent" });
}
