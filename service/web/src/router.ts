/** A small history router: the path is the state; links are real <a href>s (keyboard, middle-click, deep links). */
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();

/** Goes to `to` (a path with optional query) without reloading. */
export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  history[replace ? "replaceState" : "pushState"](null, "", to);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}

window.addEventListener("popstate", () => {
  for (const l of listeners) l();
});

/** Intercepts same-origin link clicks so the page does not reload. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest("a");
    if (!a || a.hasAttribute("target") || a.hasAttribute("download")) return;
    // SVG links (the lineage graph) keep their href in an attribute, not a URL property
    const url = new URL(a.getAttribute("href") ?? "", location.href);
    if (url.origin !== location.origin || /^\/(v1|health|metrics)(\/|$)/.test(url.pathname)) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** The current location, re-rendering on change. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, bump] = useState(0);
  useEffect(() => {
    const l = (): void => bump((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return { path: decodeURIComponent(location.pathname), query: new URLSearchParams(location.search) };
}
