/** The exchange directory, and one exchange: code, name, status, whom it recognises and who recognises it. */
import { useApi, type EventRef } from "../api";
import { Addr, ChainRef, Facts, Time } from "../format";
import { t, term, useLang } from "../i18n";
import { Load, Section, useTitle } from "./common";

interface Exchange {
  address: string;
  code: string;
  name: string;
  status: string;
  regulator: string;
  accredited: EventRef;
  statusHistory?: { status: string; by: string; reason: string; event: EventRef }[];
  registrationTerms?: { noticeDays: number; termDays: number; renewalWindowDays: number; set: EventRef } | null;
}
interface Edge {
  recogniser: string;
  subject: string;
  subjectKind: string;
  since: EventRef;
}

export function ExchangesPage() {
  useLang();
  useTitle(t("exchanges.title"));
  const list = useApi<Exchange[]>("/v1/exchanges?limit=200");
  return (
    <section>
      <h1>{t("exchanges.title")}</h1>
      <Load s={list} what={t("exchanges.title")}>
        {(xs) => (
          <div class="table-wrap">
            <table data-testid="exchange-directory">
              <thead>
                <tr>
                  <th scope="col">{t("exchange.code")}</th>
                  <th scope="col">{t("exchange.name")}</th>
                  <th scope="col">{t("exchange.status")}</th>
                  <th scope="col">{t("exchange.accredited")}</th>
                  <th scope="col">{t("chain")}</th>
                </tr>
              </thead>
              <tbody>
                {xs.map((x) => (
                  <tr key={x.address}>
                    <td>
                      <a href={`/exchange/${x.code}`}>{x.code}</a>
                    </td>
                    <td>{x.name}</td>
                    <td>
                      <span class={`badge ${x.status === "active" ? "ok" : "bad"}`}>{term(x.status)}</span>
                    </td>
                    <td>
                      <Time unix={x.accredited.blockTime} />
                    </td>
                    <td>
                      <ChainRef e={x.accredited} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Load>
    </section>
  );
}

export function ExchangePage({ code }: { code: string }) {
  useLang();
  const e = useApi<Exchange>(`/v1/exchanges/${encodeURIComponent(code)}`);
  const rec = useApi<{ recognises: Edge[]; recognisedBy: Edge[] }>(`/v1/exchanges/${encodeURIComponent(code)}/recognitions`);
  const merchants = useApi<{ address: string; category: string; status: string; active: boolean }[]>(
    e.state === "ok" ? `/v1/merchants?exchange=${e.data.address}&limit=200` : null,
  );
  useTitle(e.state === "ok" ? `${e.data.name} (${e.data.code})` : t("exchange.title"));
  return (
    <Load s={e} what={t("exchange.what", { code })}>
      {(x) => (
        <article data-testid="exchange-page">
          <header class="page-head">
            <p class="kicker">{t("exchange.title")}</p>
            <h1>
              {x.name} <span class="code">{x.code}</span>
            </h1>
          </header>
          <Section title={t("exchange.facts")} id="facts">
            <Facts
              rows={[
                [t("exchange.code"), x.code],
                [t("exchange.name"), x.name],
                [t("exchange.address"), <code class="wrap">{x.address}</code>],
                [t("exchange.status"), <span class={`badge ${x.status === "active" ? "ok" : "bad"}`}>{term(x.status)}</span>],
                [t("exchange.regulator"), <Addr a={x.regulator} plain />],
                [t("exchange.accredited"), <><Time unix={x.accredited.blockTime} /> <ChainRef e={x.accredited} /></>],
                [
                  t("exchange.terms"),
                  x.registrationTerms ? (
                    <>
                      {t("exchange.termsLine", {
                        notice: x.registrationTerms.noticeDays,
                        term: x.registrationTerms.termDays || "∞",
                        window: x.registrationTerms.renewalWindowDays,
                      })}{" "}
                      <ChainRef e={x.registrationTerms.set} />
                    </>
                  ) : (
                    t("exchange.noTerms")
                  ),
                ],
              ]}
            />
            {x.statusHistory?.length ? (
              <ul class="events">
                {x.statusHistory.map((h) => (
                  <li key={h.event.txHash}>
                    {term(h.status)}: {h.reason} · <Time unix={h.event.blockTime} /> <ChainRef e={h.event} />
                  </li>
                ))}
              </ul>
            ) : null}
          </Section>
          <Section title={t("exchange.recognises")} id="recognises">
            {rec.state === "ok" ? (
              rec.data.recognises.length === 0 ? (
                <p class="muted">{t("none")}</p>
              ) : (
                <ul class="events" data-testid="recognises">
                  {rec.data.recognises.map((r) => (
                    <li key={r.subject}>
                      <Addr a={r.subject} /> — <span class="badge">{r.subjectKind === "exchange" ? t("path.whole-exchange") : t("path.single-merchant")}</span> ·{" "}
                      {t("since")} <Time unix={r.since.blockTime} /> <ChainRef e={r.since} />
                    </li>
                  ))}
                </ul>
              )
            ) : (
              <p class="muted">{t("loading")}</p>
            )}
          </Section>
          <Section title={t("exchange.recognisedBy")} id="recognised-by">
            {rec.state === "ok" ? (
              rec.data.recognisedBy.length === 0 ? (
                <p class="muted">{t("none")}</p>
              ) : (
                <ul class="events" data-testid="recognised-by">
                  {rec.data.recognisedBy.map((r) => (
                    <li key={r.recogniser}>
                      <Addr a={r.recogniser} /> · {t("since")} <Time unix={r.since.blockTime} /> <ChainRef e={r.since} />
                    </li>
                  ))}
                </ul>
              )
            ) : (
              <p class="muted">{t("loading")}</p>
            )}
          </Section>
          <Section title={t("exchange.merchants")} id="merchants">
            {merchants.state === "ok" ? (
              merchants.data.length === 0 ? (
                <p class="muted">{t("none")}</p>
              ) : (
                <ul class="events">
                  {merchants.data.map((m) => (
                    <li key={m.address}>
                      <Addr a={m.address} /> · {term(m.category)} · <span class={`badge ${m.active ? "ok" : "bad"}`}>{term(m.status)}</span>
                    </li>
                  ))}
                </ul>
              )
            ) : (
              <p class="muted">{t("loading")}</p>
            )}
          </Section>
        </article>
      )}
    </Load>
  );
}
