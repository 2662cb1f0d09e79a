/** Shared page pieces: loading / error / not-found states, and section headings. */
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import type { Loaded } from "../api";
import { t } from "../i18n";

/** Sets the document title. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · 数权 Shuquan`;
  }, [title]);
}

/** Renders `ok` once loaded; a clear message while loading, on 404 and on error. */
export function Load<T>({ s, what, children }: { s: Loaded<T>; what: string; children: (data: T) => ComponentChildren }) {
  if (s.state === "loading") return <p class="muted">{t("loading")}</p>;
  if (s.state === "error") {
    const status = (s.error as { status?: number }).status;
    return (
      <section class="notice" data-testid={status === 404 ? "not-found" : "error"}>
        <h1>{status === 404 ? t("notFound.title") : t("error.title")}</h1>
        <p>{status === 404 ? t("notFound.what", { what }) : s.error.message}</p>
      </section>
    );
  }
  return <>{children(s.data)}</>;
}

/** A section with a heading. */
export function Section({ title, id, children }: { title: string; id?: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={id ? `${id}-h` : undefined} id={id}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}
