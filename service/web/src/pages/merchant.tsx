/** A merchant (or any account): home exchange, where it is recognised and by which path, its assets and licences. */
import { useApi, type EventRef } from "../api";
import { LicencesTable } from "../components/licences-table";
import { Addr, AssetLink, ChainRef, Facts, Time, short } from "../format";
import { t, term, useLang } from "../i18n";
import type { Asset, Licence } from "../types";
import { Section, useTitle } from "./common";

interface Merchant {
  address: string;
  homeExchange: string;
  category: string;
  credentialDigest: string;
  status: string;
  active: boolean;
  onboarded: EventRef;
  statusHistory: { status: string; by: string; byRegulator: boolean; reason: string; event: EventRef }[];
  recognisedAt: { exchange: string; path: string }[];
}

export function MerchantPage({ address }: { address: string }) {
  useLang();
  const a = address.toLowerCase();
  useTitle(`${t("merchant.title")} ${short(a)}`);
  const m = useApi<Merchant>(`/v1/merchants/${a}`);
  const assets = useApi<Asset[]>(`/v1/assets?holder=${a}&limit=200`);
  const lic = useApi<{ licences: Licence[]; registrationNumbers: Record<string, string>; truncated: boolean }>(`/v1/accounts/${a}/licences`);
  const notMerchant = m.state === "error" && (m.error as { status?: number }).status === 404;
  const nothing = notMerchant && assets.state === "ok" && assets.data.length === 0 && lic.state === "ok" && lic.data.licences.length === 0;
  if (m.state === "error" && !notMerchant) return <p class="error">{m.error.message}</p>;
  return (
    <article data-testid="merchant-page">
      <header class="page-head">
        <p class="kicker">{notMerchant ? t("account.title") : t("merchant.title")}</p>
        <h1 class="wrap">
          <code>{a}</code>
        </h1>
      </header>
      {nothing ? (
        <section class="notice" data-testid="not-found">
          <h2>{t("notFound.title")}</h2>
          <p>{t("notFound.what", { what: a })}</p>
        </section>
      ) : null}
      {m.state === "ok" ? (
        <>
          <Section title={t("merchant.facts")} id="facts">
            <Facts
              rows={[
                [t("merchant.home"), <Addr a={m.data.homeExchange} />],
                [t("merchant.category"), term(m.data.category)],
                [t("merchant.status"), <span class={`badge ${m.data.active ? "ok" : "bad"}`}>{m.data.active ? term("active") : term(m.data.status === "active" ? "home-suspended" : m.data.status)}</span>],
                [t("merchant.credential"), <code class="wrap">{m.data.credentialDigest}</code>],
                [t("merchant.onboarded"), <><Time unix={m.data.onboarded.blockTime} /> <ChainRef e={m.data.onboarded} /></>],
              ]}
            />
            {m.data.statusHistory.length ? (
              <ul class="events">
                {m.data.statusHistory.map((h) => (
                  <li key={h.event.txHash}>
                    {term(h.status)} · <Addr a={h.by} /> {h.byRegulator ? `(${t("regulator")})` : ""}: {h.reason} · <Time unix={h.event.blockTime} /> <ChainRef e={h.event} />
                  </li>
                ))}
              </ul>
            ) : null}
          </Section>
          <Section title={t("merchant.recognised")} id="recognised">
            {m.data.recognisedAt.length === 0 ? (
              <p class="muted">{t("merchant.recognisedNowhere")}</p>
            ) : (
              <ul class="events" data-testid="recognised-at">
                {m.data.recognisedAt.map((r) => (
                  <li key={r.exchange}>
                    <Addr a={r.exchange} /> — <span class="badge">{t(`path.${r.path}` as Parameters<typeof t>[0])}</span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </>
      ) : null}
      <Section title={t("merchant.assets")} id="assets">
        {assets.state !== "ok" ? (
          <p class="muted">{t("loading")}</p>
        ) : assets.data.length === 0 ? (
          <p class="muted">{t("none")}</p>
        ) : (
          <ul class="events">
            {assets.data.map((x) => (
              <li key={x.assetId}>
                <AssetLink id={x.assetId} label={x.registrationNumber} /> · {term(x.kind)} · {term(x.status)} · <Addr a={x.exchange} />
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={t("merchant.licences")} id="licences">
        {lic.state !== "ok" ? <p class="muted">{t("loading")}</p> : <LicencesTable licences={lic.data.licences} account={a} numbers={lic.data.registrationNumbers} />}
      </Section>
    </article>
  );
}
