/** Drops repeated ABI fragments (same kind, name and input types), keeping the first. */
export function uniqueFragments(fragments: readonly object[]): object[] {
  const seen = new Set<string>();
  return fragments.filter((f) => {
    const x = f as { type?: string; name?: string; inputs?: { type: string }[] };
    const key = `${x.type}:${x.name ?? ""}(${(x.inputs ?? []).map((i) => i.type).join(",")})`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
