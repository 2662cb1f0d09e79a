/** The one search box. A registration number's check character is verified as it is typed (ISO 7064 MOD 37,36). */
import { useState } from "preact/hooks";
import { parseRegistrationNumber } from "../../../src/digest/registration-number";
import { t } from "../i18n";
import { navigate } from "../router";

const REG_SHAPE = /^[A-Za-z0-9]{2,4}-\d{4}-[A-Za-z]{2}-\d{8,10}-[0-9A-Za-z]$/;

/** What the typed text says about itself, before any lookup. */
export function registrationCheck(text: string): { ok: boolean; message: string } | null {
  const s = text.trim();
  if (!REG_SHAPE.test(s)) return null;
  try {
    parseRegistrationNumber(s);
    return { ok: true, message: t("search.checkOk") };
  } catch (e) {
    const m = /check character (\w) is wrong \(expected (\w)\)/.exec((e as Error).message);
    return { ok: false, message: m ? t("search.checkBad", { got: m[1] ?? "", want: m[2] ?? "" }) : (e as Error).message };
  }
}

export function SearchBox({ initial = "", big = false }: { initial?: string; big?: boolean }) {
  const [q, setQ] = useState(initial);
  const check = registrationCheck(q);
  const submit = (e: Event): void => {
    e.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <form role="search" class={big ? "search big" : "search"} onSubmit={submit}>
      <label for={big ? "q-big" : "q"} class="sr-only">
        {t("search.label")}
      </label>
      <input
        id={big ? "q-big" : "q"}
        name="q"
        type="search"
        value={q}
        placeholder={t("search.placeholder")}
        autocomplete="off"
        spellcheck={false}
        aria-describedby={big ? "q-big-hint" : "q-hint"}
        aria-invalid={check?.ok === false ? "true" : undefined}
        onInput={(e) => setQ((e.target as HTMLInputElement).value)}
      />
      <button type="submit">{t("search.go")}</button>
      <p id={big ? "q-big-hint" : "q-hint"} class={`hint ${check ? (check.ok ? "ok" : "bad") : ""}`} aria-live="polite">
        {check ? check.message : big ? t("search.keys") : ""}
      </p>
    </form>
  );
}
