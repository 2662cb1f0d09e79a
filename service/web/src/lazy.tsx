/** Lazily loaded parts (graph, charts, hashing): loaded on first render, with a placeholder meanwhile. */
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "./i18n";

/** A component whose code is fetched when first rendered. */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function Lazy(props: P) {
    const [C, setC] = useState<ComponentType<P> | undefined>(() => loaded);
    const [err, setErr] = useState<Error>();
    useEffect(() => {
      if (!C)
        load().then(
          (c) => ((loaded = c), setC(() => c)),
          (e: Error) => setErr(e),
        );
    }, []);
    if (err) return <p class="error">{err.message}</p>;
    return C ? <C {...props} /> : <p class="muted">{t("loading")}</p>;
  };
}
