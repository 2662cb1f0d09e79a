/** How current the answers are: the index's health and lag (polled), and the head the latest answer reflects. */
import { useEffect, useState } from "preact/hooks";
import { getHealth, useHeads, type Health } from "../api";
import { formatTime, TIME_ZONE } from "../format";
import { t } from "../i18n";

export function StatusBar() {
  const [health, setHealth] = useState<Health | null | "down">(null);
  const heads = useHeads();
  useEffect(() => {
    let live = true;
    const poll = (): void =>
      void getHealth().then(
        (h) => live && setHealth(h),
        () => live && setHealth("down"),
      );
    poll();
    const timer = setInterval(poll, 15_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  const head = heads[0];
  const chain = health && health !== "down" ? health.chains[0] : undefined;
  const bad = health === "down" || health?.status === "unhealthy";
  return (
    <div class={`status ${bad ? "bad" : ""}`} role="status" aria-live="polite" data-testid="status">
      {health === null ? (
        <span>{t("status.checking")}</span>
      ) : health === "down" ? (
        <span>{t("status.down")}</span>
      ) : (
        <span>
          {health.status === "ok" ? t("status.ok") : t("status.unhealthy", { problems: health.problems.join("; ") })}
          {chain ? ` · ${t("status.indexed", { block: chain.indexedBlock, head: chain.chainHead ?? "?", lag: chain.lag ?? "?" })}` : ""}
        </span>
      )}
      {head ? (
        <span data-testid="answer-head">
          {" · "}
          {t("status.answer", { block: head.indexedBlock, final: head.finalBlock })}
          {head.indexedBlockTime ? ` (${formatTime(head.indexedBlockTime)})` : ""}
        </span>
      ) : null}
      <span class="muted"> · {t("status.zone", { zone: TIME_ZONE })}</span>
    </div>
  );
}
