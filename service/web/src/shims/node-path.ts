/** Browser stand-in for `node:path` (only `join`, used by the digest code's directory walk, which the page never runs). */
export const join = (...parts: string[]): string => parts.join("/");
export default { join };
