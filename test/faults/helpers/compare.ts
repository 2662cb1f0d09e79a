/** Compares a store with an uninterrupted index of the same chain: rows lost and rows extra (duplicated or stale). */
import { INDEXED_TABLES, type Db } from "../../../service/src/store";
import { dumpTables } from "../../helpers/backends";

/** Tables compared (kept block hashes depend on range boundaries, not on what was indexed). */
export const COMPARED = INDEXED_TABLES.filter((t) => t !== "block_hashes");

/** Rows of `want` missing from `got`, and rows of `got` that `want` lacks, over every compared table. */
export async function compareStores(got: Db, want: Db): Promise<{ lost: number; duplicated: number; rows: number }> {
  const g = await dumpTables(got, COMPARED);
  const w = await dumpTables(want, COMPARED);
  let lost = 0;
  let duplicated = 0;
  let rows = 0;
  for (const t of COMPARED) {
    const left = new Map<string, number>();
    for (const r of w[t]) {
      const k = JSON.stringify(r);
      left.set(k, (left.get(k) ?? 0) + 1);
      rows++;
    }
    for (const r of g[t]) {
      const k = JSON.stringify(r);
      const n = left.get(k) ?? 0;
      if (n > 0) left.set(k, n - 1);
      else duplicated++;
    }
    for (const n of left.values()) lost += n;
  }
  return { lost, duplicated, rows };
}
