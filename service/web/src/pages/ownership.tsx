/** Ownership check (lazily loaded): paste or drop a statement from `shuquan ownership prove`. */
import { useState } from "preact/hooks";
import { ChainSettings } from "../components/chain-settings";
import { Addr, AssetLink } from "../format";
import { t, useLang } from "../i18n";
import { checkOwnership, type OwnershipResult } from "../verify/ownership";
import { useTitle } from "./common";

export function OwnershipPage() {
  useLang();
  useTitle(t("own.title"));
  const [text, setText] = useState("");
  const [res, setRes] = useState<OwnershipResult | { error: string } | "checking" | null>(null);
  const check = (s: string): void => {
    setRes("checking");
    checkOwnership(s).then(setRes, (e: Error) => setRes({ error: e.message }));
  };
  return (
    <>
      <h1>{t("own.title")}</h1>
      <p>{t("own.lead")}</p>
      <ChainSettings />
      <form
        class="paste"
        onSubmit={(e) => {
          e.preventDefault();
          check(text);
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const f = e.dataTransfer?.files[0];
          if (f) void f.text().then((s) => (setText(s), check(s)));
        }}
      >
        <label for="statement">{t("own.label")}</label>
        <textarea id="statement" rows={10} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} spellcheck={false} />
        <div class="pickers">
          <label class="button">
            {t("own.chooseFile")}
            <input
              type="file"
              accept=".json,application/json"
              data-testid="statement-input"
              onChange={(e) => {
                const f = (e.target as HTMLInputElement).files?.[0];
                if (f) void f.text().then((s) => (setText(s), check(s)));
              }}
            />
          </label>
          <button type="submit" disabled={!text.trim()}>
            {t("verify.check")}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {res === "checking" ? (
          <p class="muted">{t("verify.checking")}</p>
        ) : res && "error" in res ? (
          <p class="bad" role="alert" data-testid="ownership-error">
            {res.error}
          </p>
        ) : res ? (
          <section class={`verdict ${res.valid ? "registered" : "not-found"}`} data-testid="ownership-verdict" data-valid={String(res.valid)} data-source={res.source.kind}>
            <h2>{res.valid ? `✔ ${t("own.valid")}` : `✘ ${t("own.invalid")}`}</h2>
            <p>
              <Addr a={res.statement.holder} /> · <AssetLink id={res.statement.assetId} /> · {t("block")} {res.statement.block ?? "latest"} · {res.statement.scheme}
            </p>
            {res.source.kind === "chain" ? (
              <p class="ok small">{t("own.chainChecked", { url: res.source.url })}</p>
            ) : (
              <p class="bad" role="alert">
                {t("verify.restsOnApi", { url: res.source.url || "—", error: res.source.error })}
              </p>
            )}
            {res.signer ? (
              <p class="small">
                {t("own.signer")} <code>{res.signer}</code>
              </p>
            ) : null}
            {res.problems.length ? (
              <ul class="bad" data-testid="ownership-problems">
                {res.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            ) : null}
          </section>
        ) : null}
      </div>
    </>
  );
}
