/** The chain node the page reads from: shown, and changeable (remembered in this browser). */
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { publicChains, rpcUrlOf, setRpcUrl, type PublicChain } from "../verify/settings";

export function ChainSettings({ onChange }: { onChange?: () => void }) {
  const [chain, setChain] = useState<PublicChain>();
  const [url, setUrl] = useState("");
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    void publicChains().then(
      (c) => {
        setChain(c[0]);
        setUrl(rpcUrlOf(c[0]));
      },
      () => setUrl(rpcUrlOf(undefined)),
    );
  }, []);
  return (
    <details class="settings" data-testid="chain-settings">
      <summary>
        {t("chain.node")}: <code>{url || t("chain.none")}</code>
        {chain ? ` · ${t("chain.id", { id: chain.chainId })}` : ""}
      </summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setRpcUrl(url);
          setUrl(rpcUrlOf(chain));
          setSaved(true);
          onChange?.();
        }}
      >
        <label for="rpc-url">{t("chain.urlLabel")}</label>
        <input id="rpc-url" type="url" value={url} onInput={(e) => (setUrl((e.target as HTMLInputElement).value), setSaved(false))} />
        <button type="submit">{t("chain.save")}</button>
        <button type="button" onClick={() => (setRpcUrl(""), setUrl(rpcUrlOf(chain)), setSaved(true), onChange?.())}>
          {t("chain.reset")}
        </button>
        <p class="muted small" aria-live="polite">
          {saved ? t("chain.saved") : t("chain.help")}
        </p>
        {chain ? (
          <ul class="small">
            {chain.contracts.map((c) => (
              <li key={c.name}>
                {c.name} <code>{c.address}</code>
              </li>
            ))}
          </ul>
        ) : null}
      </form>
    </details>
  );
}
