/**
 * Comparing the price report with exact statistics: trade counts, confidential counts, count, volume, min and max
 * equal; q1, median and q3 within the stated relative accuracy of the exact R-7 quartiles (store/price-sketch.ts).
 */
import { expect } from "chai";
import type { CurrencyStats, GroupStats } from "../../service/src/api/queries/stats";
import { QUANTILE_RELATIVE_ACCURACY } from "../../service/src/store/price-sketch";

/** Whether decimal `got` is within `bound` relative error of decimal `exact`. */
export function withinAccuracy(got: string, exact: string, bound = QUANTILE_RELATIVE_ACCURACY): boolean {
  expect(got, "a plain decimal").to.match(/^\d+(\.\d+)?$/);
  const g = Number(got);
  const e = Number(exact);
  return Math.abs(g - e) <= bound * Math.abs(e);
}

/** Asserts that one currency's statistics match the exact ones (quartiles within the stated accuracy). */
export function expectCurrencyWithin(got: CurrencyStats, exact: CurrencyStats, what = ""): void {
  const { q1, median, q3, ...totals } = got;
  const { q1: eq1, median: emedian, q3: eq3, ...exactTotals } = exact;
  expect(totals, what).to.deep.equal(exactTotals);
  for (const [name, g, e] of [["q1", q1, eq1], ["median", median, emedian], ["q3", q3, eq3]] as const) {
    expect(withinAccuracy(g, e), `${what} ${exact.currency} ${name}: ${g} against exact ${e}`).to.equal(true);
  }
}

/** Asserts that the report's groups match the exact ones (quartiles within the stated accuracy). */
export function expectStatsWithin(got: readonly GroupStats[], exact: readonly GroupStats[], what = ""): void {
  expect(got.map((g) => [g.group, g.tradeCount, g.confidentialCount, g.currencies.map((c) => c.currency)]), what).to.deep.equal(
    exact.map((g) => [g.group, g.tradeCount, g.confidentialCount, g.currencies.map((c) => c.currency)]),
  );
  got.forEach((g, i) => g.currencies.forEach((c, j) => expectCurrencyWithin(c, exact[i]!.currencies[j]!, `${what} ${g.group}`)));
}
