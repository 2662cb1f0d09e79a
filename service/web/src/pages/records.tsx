/** Single records: a transaction, a trade, an evidence item, an evidence batch. */
import { useApi } from "../api";
import { TradesTable } from "../components/trades-table";
import { Addr, AssetLink, ChainRef, Facts, Time, short } from "../format";
import { t, term, txLabel, useLang } from "../i18n";
import type { Batch, Occurrence, TradeView } from "../types";
import { Load, Section, useTitle } from "./common";

interface TxHit {
  type: string;
  id: string;
  events?: { what: string; ref: string; blockNumber: number; logIndex: number }[];
}

function refPath(what: string, ref: string): string | null {
  if (what.startsWith("asset") || what.startsWith("holding") || what.startsWith("licence")) return `/asset/${ref}`;
  if (what === "trade-recorded") return `/trade/${ref}`;
  if (what === "evidence-anchored") return `/batch/${ref}`;
  if (what.startsWith("merchant") || what === "recognition") return `/merchant/${ref}`;
  if (what.startsWith("exchange")) return `/exchange/${ref}`;
  return null;
}

export function TxPage({ hash }: { hash: string }) {
  useLang();
  useTitle(`${t("tx.title")} ${short(hash)}`);
  const s = useApi<{ hits: TxHit[] }>(`/v1/search?q=${encodeURIComponent(hash)}`);
  if (s.state !== "ok") return <p class="muted">{s.state === "error" ? s.error.message : t("loading")}</p>;
  const tx = s.data.hits.find((h) => h.type === "transaction");
  return (
    <article>
      <header class="page-head">
        <p class="kicker">{t("tx.title")}</p>
        <h1 class="wrap">
          <code>{hash}</code>
        </h1>
      </header>
      {!tx ? (
        <section class="notice" data-testid="not-found">
          <p>{t("tx.none")}</p>
        </section>
      ) : (
        <ol class="events">
          {tx.events!.map((e) => {
            const p = refPath(e.what, e.ref);
            return (
              <li key={e.logIndex}>
                {txLabel(e.what)} · {p ? <a href={p}>{e.ref.startsWith("0x") ? <code>{short(e.ref)}</code> : e.ref}</a> : e.ref} ·{" "}
                {t("block")} {e.blockNumber}, log {e.logIndex}
              </li>
            );
          })}
        </ol>
      )}
    </article>
  );
}

export function TradePage({ id }: { id: string }) {
  useLang();
  useTitle(`${t("trade.title")} ${short(id)}`);
  const s = useApi<TradeView>(`/v1/trades/${id}`);
  return (
    <Load s={s} what={t("trade.what", { id })}>
      {(x) => (
        <article data-testid="trade-page">
          <header class="page-head">
            <p class="kicker">{t("trade.title")}</p>
            <h1 class="wrap">
              <code>{short(x.tradeId, 10)}</code>
            </h1>
          </header>
          <Section title={t("trade.facts")}>
            <Facts
              rows={[
                [t("trade.asset"), <AssetLink id={x.assetId} />],
                [t("trade.right"), term(x.right)],
                [t("trade.seller"), <Addr a={x.seller} />],
                [t("trade.buyer"), <Addr a={x.buyer} />],
                [t("trade.exchange"), <Addr a={x.exchange} />],
                [t("trade.venue"), term(x.venue)],
                [t("trade.contract"), <code class="wrap">{x.contractDigest}</code>],
                [t("trade.time"), <><Time unix={x.event.blockTime} /> <ChainRef e={x.event} /></>],
              ]}
            />
          </Section>
          <Section title={t("trade.withLinked")}>
            <TradesTable trades={[x, ...(x.linkedTrade ? [x.linkedTrade] : []), ...x.linkedBy]} showAsset />
          </Section>
        </article>
      )}
    </Load>
  );
}

/** One occurrence of an evidence item: its batch, leaf and proof. */
export function OccurrenceView({ o }: { o: Occurrence }) {
  return (
    <Facts
      rows={[
        [t("evidence.label"), o.label ?? "—"],
        [t("evidence.batch"), <a href={`/batch/${o.batch.root}`}><code class="wrap">{o.batch.root}</code></a>],
        [t("evidence.anchoredBy"), <Addr a={o.batch.exchange} />],
        [t("evidence.anchoredAt"), <><Time unix={o.batch.anchored.blockTime} /> <ChainRef e={o.batch.anchored} /></>],
        [t("evidence.asset"), o.hasAsset ? <AssetLink id={o.assetId} /> : "—"],
        [t("evidence.leaf"), <code class="wrap">{o.leaf}</code>],
        [t("evidence.proof"), <span>{t("evidence.proofLen", { n: o.proof.length })}</span>],
      ]}
    />
  );
}

export function EvidencePage({ digest }: { digest: string }) {
  useLang();
  useTitle(`${t("evidence.title")} ${short(digest)}`);
  const s = useApi<{ itemDigest: string; occurrences: Occurrence[] }>(`/v1/evidence/items/${digest}`);
  return (
    <Load s={s} what={t("evidence.what", { digest })}>
      {(x) => (
        <article>
          <header class="page-head">
            <p class="kicker">{t("evidence.title")}</p>
            <h1 class="wrap">
              <code>{x.itemDigest}</code>
            </h1>
            <p>
              <a href="/verify">{t("evidence.checkInBrowser")}</a>
            </p>
          </header>
          {x.occurrences.map((o) => (
            <Section key={o.batch.root + o.leafIndex} title={t("evidence.occurrence", { i: o.leafIndex })}>
              <OccurrenceView o={o} />
            </Section>
          ))}
        </article>
      )}
    </Load>
  );
}

export function BatchPage({ root }: { root: string }) {
  useLang();
  useTitle(`${t("batch.title")} ${short(root)}`);
  const s = useApi<Batch>(`/v1/evidence/batches/${root}`);
  const items = useApi<{ leafIndex: number; itemDigest: string; assetId: string; hasAsset: boolean; label: string | null }[]>(`/v1/evidence/batches/${root}/items?limit=200`);
  return (
    <Load s={s} what={t("batch.what", { root })}>
      {(b) => (
        <article>
          <header class="page-head">
            <p class="kicker">{t("batch.title")}</p>
            <h1 class="wrap">
              <code>{b.root}</code>
            </h1>
          </header>
          <Facts
            rows={[
              [t("evidence.anchoredBy"), <Addr a={b.exchange} />],
              [t("evidence.anchoredAt"), <><Time unix={b.anchored.blockTime} /> <ChainRef e={b.anchored} /></>],
              [t("batch.count"), b.leafCount],
              [t("batch.manifest"), <><code class="wrap">{b.manifestCid}</code> <span class="badge">{b.manifestStatus}</span></>],
              [t("evidence.asset"), b.assetId ? <AssetLink id={b.assetId} /> : "—"],
            ]}
          />
          <Section title={t("batch.items")}>
            {items.state === "ok" ? (
              <ol class="events">
                {items.data.map((i) => (
                  <li key={i.leafIndex}>
                    <a href={`/evidence/${i.itemDigest}`}>{i.label ?? short(i.itemDigest)}</a> {i.hasAsset ? <>· <AssetLink id={i.assetId} /></> : null}
                  </li>
                ))}
              </ol>
            ) : (
              <p class="muted">{t("loading")}</p>
            )}
          </Section>
        </article>
      )}
    </Load>
  );
}
