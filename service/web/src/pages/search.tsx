import { useEffect } from "preact/hooks";
import { useApi } from "../api";
import { short } from "../format";
import { t, useLang } from "../i18n";
import { navigate } from "../router";
import { useTitle } from "./common";

interface Hit {
  type: string;
  id: string;
  label: string;
}
interface Result {
  query: string;
  readAs: string[];
  hits: Hit[];
  problem: string | null;
}

/** Where a hit opens. */
export function hitPath(h: Hit): string {
  switch (h.type) {
    case "asset":
      return `/asset/${h.id}`;
    case "trade":
      return `/trade/${h.id}`;
    case "transaction":
      return `/tx/${h.id}`;
    case "merchant":
    case "account":
      return `/merchant/${h.id}`;
    case "exchange":
      return `/exchange/${h.id}`;
    case "evidence-item":
      return `/evidence/${h.id}`;
    case "evidence-batch":
      return `/batch/${h.id}`;
    default:
      return `/v1/pledges/${h.id}`;
  }
}

export function SearchPage({ q }: { q: string }) {
  useLang();
  useTitle(t("search.title", { q }));
  const s = useApi<Result>(q ? `/v1/search?q=${encodeURIComponent(q)}` : null);
  const only = s.state === "ok" && s.data.hits.length === 1 ? s.data.hits[0] : undefined;
  useEffect(() => {
    if (only) navigate(hitPath(only), true);
  }, [only]);
  if (!q) return <p>{t("search.empty")}</p>;
  if (s.state !== "ok") return <p class="muted">{s.state === "error" ? s.error.message : t("loading")}</p>;
  const r = s.data;
  return (
    <section>
      <h1>{t("search.title", { q })}</h1>
      {r.hits.length === 0 ? (
        <div class="notice" data-testid="not-found">
          <p>
            <strong>{t("search.none", { q })}</strong>
          </p>
          {r.problem ? <p class="bad">{r.problem}</p> : <p>{t("search.keys")}</p>}
        </div>
      ) : (
        <ul class="hits">
          {r.hits.map((h) => (
            <li key={h.type + h.id}>
              <span class="badge">{t(`hit.${h.type}` as Parameters<typeof t>[0])}</span> <a href={hitPath(h)}>{h.label.startsWith("0x") ? short(h.label, 8) : h.label}</a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
