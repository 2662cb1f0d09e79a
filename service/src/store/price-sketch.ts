/**
 * Mergeable price summaries for the price report (信息披露和价格公示): the exact count, sum, min and max of a set of
 * prices, and a DDSketch-style logarithmic histogram (Masson, Rim & Lee, "DDSketch", VLDB 2019) from which any
 * quantile is estimated with a bounded relative error. Summaries of days (store/derived.ts: price_days) merge into
 * the summary of a window by adding bucket counts, so a report costs the days it covers, not its distinct prices.
 *
 * Accuracy. A positive price v falls in bucket i = ceil(log_γ v), i.e. γ^(i-1) < v ≤ γ^i, with
 * γ = (1 + a) / (1 - a); the bucket's estimate 2γ^i / (γ + 1) is within a relative error a of every value in it.
 * A quartile is linear interpolation between two ranks (R-7, see api/queries/stats.ts); interpolating two
 * estimates each within a of its rank's value gives a value within a of the exact interpolation, and clamping
 * to the exact [min, max] only moves it closer. Estimates are printed to 6 significant digits (at most 5e-6
 * relative), so with a = 0.99 % every quartile is within {@link QUANTILE_RELATIVE_ACCURACY} (1 %) of the exact one.
 *
 * Prices are uint128 decimal strings and may exceed 2^53: count, sum, min and max stay exact (BigInt); a price
 * is mapped to its bucket through the nearest double (relative error 2^-53, far inside the bound), which is all
 * a relative-accuracy bucket needs. Zero has a bucket of its own.
 */

/** The stated bound: each estimated quartile lies within this relative error of the exact R-7 quartile. */
export const QUANTILE_RELATIVE_ACCURACY = 0.01;

/** The histogram's own accuracy, inside the stated bound with room for printing to 6 significant digits. */
const BUCKET_ACCURACY = 0.0099;
const GAMMA = (1 + BUCKET_ACCURACY) / (1 - BUCKET_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);

/** The bucket of a positive price (as a double). */
function bucketOf(v: number): number {
  return Math.ceil(Math.log(v) / LN_GAMMA);
}

/** The estimate of every value in bucket `i`. */
function estimateOf(i: number): number {
  return (2 * Math.exp(i * LN_GAMMA)) / (GAMMA + 1);
}

/** Exact totals and a log-bucket histogram of a set of prices. */
export class PriceSummary {
  count = 0;
  volume = 0n;
  min: bigint | null = null;
  max: bigint | null = null;
  private zeros = 0;
  /** Counts of buckets offset, offset + 1, …; first and last non-zero once encoded. */
  private counts: number[] = [];
  private offset = 0;

  /** Adds `n` trades at `price` (a decimal string). */
  add(price: string, n: number): void {
    const v = BigInt(price);
    this.addTotals(n, v * BigInt(n), v, v);
    if (v === 0n) this.zeros += n;
    else this.addBucket(bucketOf(Number(price)), n);
  }

  /** Merges a summary stored by {@link encode}. */
  merge(s: EncodedSummary): void {
    this.addTotals(s.count, BigInt(s.volume), BigInt(s.min), BigInt(s.max));
    const b = JSON.parse(s.sketch) as number[];
    this.zeros += b[0] as number;
    const offset = b[1] as number;
    for (let j = 2; j < b.length; j++) if (b[j]) this.addBucket(offset + j - 2, b[j] as number);
  }

  /** The summary as stored: totals as decimal strings, the histogram as `[zeros, offset, count…]` (canonical: no empty buckets at either end). */
  encode(): EncodedSummary {
    if (this.min === null || this.max === null) throw new Error("empty price summary");
    let lo = 0;
    let hi = this.counts.length;
    while (lo < hi && this.counts[lo] === 0) lo++;
    while (hi > lo && this.counts[hi - 1] === 0) hi--;
    const sketch = JSON.stringify([this.zeros, lo < hi ? this.offset + lo : 0, ...this.counts.slice(lo, hi)]);
    return { count: this.count, volume: this.volume.toString(), min: this.min.toString(), max: this.max.toString(), sketch };
  }

  /**
   * Quantile `k/4` by linear interpolation between closest ranks: min and max exact, q1, median and q3 within
   * {@link QUANTILE_RELATIVE_ACCURACY} of the exact value, as a decimal string.
   */
  quartile(k: 0 | 1 | 2 | 3 | 4): string {
    if (this.count === 0 || this.min === null || this.max === null) throw new Error("no values");
    if (k === 0) return this.min.toString();
    if (k === 4) return this.max.toString();
    const pos4 = (this.count - 1) * k; // position times 4
    const lo = Math.floor(pos4 / 4);
    const frac = (pos4 % 4) / 4;
    const a = this.valueAt(lo);
    const v = frac === 0 ? a : a + (this.valueAt(lo + 1) - a) * frac;
    if (v <= Number(this.min)) return this.min.toString();
    if (v >= Number(this.max)) return this.max.toString();
    return significant(v);
  }

  /** The estimate of the value of rank `rank` (0: the smallest), clamped to [min, max]. */
  private valueAt(rank: number): number {
    let v: number;
    if (rank < this.zeros) v = 0;
    else {
      let seen = this.zeros;
      let j = 0;
      while (j < this.counts.length - 1 && seen + (this.counts[j] as number) <= rank) seen += this.counts[j++] as number;
      v = estimateOf(this.offset + j);
    }
    return Math.min(Math.max(v, Number(this.min)), Number(this.max));
  }

  private addTotals(n: number, sum: bigint, min: bigint, max: bigint): void {
    this.count += n;
    this.volume += sum;
    if (this.min === null || min < this.min) this.min = min;
    if (this.max === null || max > this.max) this.max = max;
  }

  private addBucket(i: number, n: number): void {
    if (this.counts.length === 0) this.offset = i;
    if (i < this.offset) {
      this.counts = [...new Array<number>(this.offset - i).fill(0), ...this.counts];
      this.offset = i;
    }
    while (i >= this.offset + this.counts.length) this.counts.push(0);
    this.counts[i - this.offset] = (this.counts[i - this.offset] as number) + n;
  }
}

/** A {@link PriceSummary} as stored in price_days. */
export interface EncodedSummary {
  count: number;
  volume: string;
  min: string;
  max: string;
  sketch: string;
}

/** `v` (non-negative, finite) to 6 significant digits as a plain decimal string (no exponent). */
export function significant(v: number): string {
  if (v === 0) return "0";
  const [mantissa, exp] = v.toPrecision(6).split("e") as [string, string | undefined];
  const e = exp === undefined ? 0 : Number(exp);
  if (e === 0) return trimFraction(mantissa);
  const [int, frac = ""] = mantissa.split(".") as [string, string?];
  const digits = int + frac;
  const point = int.length + e; // digits before the decimal point
  if (point <= 0) return trimFraction(`0.${"0".repeat(-point)}${digits}`);
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return trimFraction(`${digits.slice(0, point)}.${digits.slice(point)}`);
}

function trimFraction(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}
