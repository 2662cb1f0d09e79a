/** 简体中文 / English. The choice is remembered (localStorage); the first visit follows the browser's language. */
import { useEffect, useState } from "preact/hooks";
import { EN, ZH, type Key } from "./messages";

/** A supported language. */
export type Lang = "zh-CN" | "en";

const STORE = "shuquan.lang";
let lang: Lang = (localStorage.getItem(STORE) as Lang | null) ?? (navigator.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en");
const listeners = new Set<() => void>();
document.documentElement.lang = lang;

/** The current language. */
export function currentLang(): Lang {
  return lang;
}

/** Switches language, remembers it, re-renders. */
export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem(STORE, l);
  document.documentElement.lang = l;
  for (const f of listeners) f();
}

/** Re-renders the caller on a language switch; returns the language. */
export function useLang(): Lang {
  const [, bump] = useState(0);
  useEffect(() => {
    const f = (): void => bump((n) => n + 1);
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return lang;
}

/** The text of `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text = (lang === "zh-CN" ? ZH : EN)[key];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/**
 * What a transaction wrote to the index (`/v1/search` `events[].what`) in the current language: lifecycle and consent
 * rows name their event (`lifecycle-objection`, `consent-merchant-moved`); anything unlisted by its own name.
 */
export function txLabel(what: string): string {
  const table = lang === "zh-CN" ? ZH : EN;
  const key = `tx.${what}` as Key;
  if (key in table) return table[key];
  const m = /^(lifecycle|consent)-(.+)$/.exec(what);
  if (m) return t(m[1] === "lifecycle" ? "tx.lifecycle" : "tx.consent", { event: m[2]!.replace(/[-_]/g, " ") });
  return what.replace(/-/g, " ");
}

/** The label of an enum value (kind, source, level, right, venue, status …) in the current language. */
export function term(value: string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const key = `v.${value}` as Key;
  const table = lang === "zh-CN" ? ZH : EN;
  return key in table ? table[key] : value;
}
