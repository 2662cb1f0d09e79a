import { SingleBar, Presets } from "cli-progress";

/** A progress reporter for long work: a bar with rate and ETA on a terminal, plain lines otherwise. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

function human(n: number, unit: "bytes" | "items"): string {
  if (unit === "items") return Math.round(n).toLocaleString("en-US");
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${u[i]}`;
}

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${Math.ceil(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}

/**
 * Starts a progress reporter on stderr. `quiet` disables it (e.g. tiny inputs). On a TTY: a cli-progress bar
 * with done/total, rate and ETA. Otherwise: a plain line at most every 2 s and at the end.
 */
export function startProgress(label: string, total: number, unit: "bytes" | "items", quiet = false): Progress {
  if (quiet || total <= 0) return { update() {}, stop() {} };
  const started = Date.now();
  const rate = (done: number): number => done / Math.max((Date.now() - started) / 1000, 0.001);
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {doneH}/{totalH} | {rateH}/s | ETA {etaH}`,
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { doneH: human(0, unit), totalH: human(total, unit), rateH: "-", etaH: "?" });
    return {
      update(done) {
        const r = rate(done);
        bar.update(done, { doneH: human(done, unit), totalH: human(total, unit), rateH: human(r, unit), etaH: eta((total - done) / r) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let last = 0;
  let lastDone = -1;
  const line = (done: number): void => {
    const r = rate(done);
    const pct = Math.floor((done / total) * 100);
    process.stderr.write(`${label}: ${pct}% (${human(done, unit)} of ${human(total, unit)}), ${human(r, unit)}/s, ETA ${eta((total - done) / r)}\n`);
    lastDone = done;
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - last >= 2000) {
        last = now;
        line(done);
      }
    },
    stop() {
      if (lastDone !== total) line(total);
    },
  };
}
