/**
 * The regulator's market page: price disclosure from /v1/stats/prices as charts by kind, exchange or period
 * (confidential trades counted, never priced), and registrations, trades, pledges and evidence over time.
 * Every chart has its numbers in a table beside it.
 */
import { useState } from "preact/hooks";
import { useApi } from "../api";
import { ChartCanvas } from "../components/chart";
import { useExchanges } from "../directory";
import { money } from "../format";
import { t, term, useLang } from "../i18n";
import { Section, useTitle } from "./common";

interface CurrencyStats {
  currency: string;
  count: number;
  volume: string;
  min: string;
  q1: string;
  median: string;
  q3: string;
  max: string;
}
interface Group {
  group: string;
  tradeCount: number;
  confidentialCount: number;
  currencies: CurrencyStats[];
}
interface ActivityPeriod {
  period: string;
  registrations: number;
  trades: number;
  confidentialTrades: number;
  pledges: number;
  evidenceBatches: number;
  evidenceItems: number;
}

const PERIODS = ["day", "week", "month", "quarter", "year"] as const;
const major = (minor: string): number => Number(minor) / 100;

export function MarketPage() {
  useLang();
  useTitle(t("market.title"));
  const exchanges = useExchanges();
  const [groupBy, setGroupBy] = useState<"kind" | "exchange" | "period">("kind");
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>("month");
  const prices = useApi<{ groups: Group[]; quantileRelativeAccuracy: number }>(`/v1/stats/prices?groupBy=${groupBy}${groupBy === "period" ? `&period=${period}` : ""}`);
  const activity = useApi<{ periods: ActivityPeriod[] }>(`/v1/stats/activity?period=${period}`);
  const groups = prices.state === "ok" ? prices.data.groups : [];
  const currencies = [...new Set(groups.flatMap((g) => g.currencies.map((c) => c.currency)))].sort();
  const [chosen, setCurrency] = useState<string>("");
  const currency = currencies.includes(chosen) ? chosen : (currencies[0] ?? "");
  const label = (g: string): string => (groupBy === "kind" ? term(g) : groupBy === "exchange" ? (exchanges.get(g)?.code ?? g.slice(0, 10)) : g);
  const labels = groups.map((g) => label(g.group));
  const stat = (g: Group): CurrencyStats | undefined => g.currencies.find((c) => c.currency === currency);
  return (
    <>
      <h1>{t("market.title")}</h1>
      <p class="muted">{t("market.lead")}</p>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t("market.groupBy")}{" "}
          <select value={groupBy} onChange={(e) => setGroupBy((e.target as HTMLSelectElement).value as typeof groupBy)}>
            <option value="kind">{t("market.byKind")}</option>
            <option value="exchange">{t("market.byExchange")}</option>
            <option value="period">{t("market.byPeriod")}</option>
          </select>
        </label>
        <label>
          {t("market.period")}{" "}
          <select value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value as typeof period)}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`period.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("market.currency")}{" "}
          <select value={currency} onChange={(e) => setCurrency((e.target as HTMLSelectElement).value)} disabled={currencies.length < 2}>
            {currencies.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      </form>
      <Section title={t("market.prices", { currency })} id="prices">
        {prices.state !== "ok" ? (
          <p class="muted">{prices.state === "error" ? prices.error.message : t("loading")}</p>
        ) : groups.length === 0 ? (
          <p class="muted">{t("market.noTrades")}</p>
        ) : (
          <>
            <div class="chart-pair">
              <ChartCanvas
                testid="price-chart"
                label={t("market.priceChartAria", { currency })}
                config={{
                  type: "bar",
                  data: {
                    labels,
                    datasets: [
                      { label: t("market.range"), data: groups.map((g) => { const s = stat(g); return s ? [major(s.min), major(s.max)] : null; }), backgroundColor: "rgba(11,92,173,0.18)" },
                      { label: t("market.iqr"), data: groups.map((g) => { const s = stat(g); return s ? [major(s.q1), major(s.q3)] : null; }), backgroundColor: "rgba(11,92,173,0.55)" },
                      { type: "line", label: t("market.median"), data: groups.map((g) => { const s = stat(g); return s ? major(s.median) : null; }), showLine: false, pointRadius: 6, pointStyle: "rectRot", backgroundColor: "#c0392b", borderColor: "#c0392b" },
                    ],
                  },
                  options: { scales: { x: { stacked: true }, y: { beginAtZero: true } } },
                }}
              />
              <ChartCanvas
                testid="count-chart"
                label={t("market.countChartAria")}
                config={{
                  type: "bar",
                  data: {
                    labels,
                    datasets: [
                      { label: t("market.disclosed"), data: groups.map((g) => g.tradeCount - g.confidentialCount), backgroundColor: "#0b5cad" },
                      { label: t("market.confidentialCount"), data: groups.map((g) => g.confidentialCount), backgroundColor: "#9aa5b1" },
                    ],
                  },
                  options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
                }}
              />
            </div>
            <div class="table-wrap">
              <table data-testid="price-table">
                <caption class="sr-only">{t("market.prices", { currency })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("market.group")}</th>
                    <th scope="col">{t("market.trades")}</th>
                    <th scope="col">{t("market.confidentialCount")}</th>
                    <th scope="col">{t("market.currency")}</th>
                    <th scope="col">{t("market.volume")}</th>
                    <th scope="col">{t("market.min")}</th>
                    <th scope="col">{t("market.median")}</th>
                    <th scope="col">{t("market.max")}</th>
                  </tr>
                </thead>
                <tbody>
                  {groups.flatMap((g) =>
                    (g.currencies.length ? g.currencies : [null]).map((c, i) => (
                      <tr key={g.group + (c?.currency ?? "")}>
                        <th scope="row">{i === 0 ? label(g.group) : ""}</th>
                        <td>{i === 0 ? g.tradeCount : ""}</td>
                        <td>{i === 0 ? g.confidentialCount : ""}</td>
                        <td>{c?.currency ?? "—"}</td>
                        <td>{c ? money(c.volume, c.currency) : "—"}</td>
                        <td>{c ? money(c.min, c.currency) : "—"}</td>
                        <td>{c ? money(c.median, c.currency) : "—"}</td>
                        <td>{c ? money(c.max, c.currency) : "—"}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
            <p class="muted small">{t("market.confidentialNote")}</p>
            <p class="muted small" data-testid="quantile-note">{t("market.quantileNote", { pct: String(prices.data.quantileRelativeAccuracy * 100) })}</p>
          </>
        )}
      </Section>
      <Section title={t("market.activity", { period: t(`period.${period}`) })} id="activity">
        {activity.state !== "ok" ? (
          <p class="muted">{activity.state === "error" ? activity.error.message : t("loading")}</p>
        ) : (
          <>
            <ChartCanvas
              testid="activity-chart"
              label={t("market.activityAria")}
              config={{
                type: "bar",
                data: {
                  labels: activity.data.periods.map((p) => p.period),
                  datasets: (
                    [
                      ["registrations", "#0b5cad"],
                      ["trades", "#16a085"],
                      ["pledges", "#d35400"],
                      ["evidenceBatches", "#8e44ad"],
                    ] as const
                  ).map(([k, color]) => ({ label: t(`activity.${k}`), data: activity.data.periods.map((p) => p[k]), borderColor: color, backgroundColor: color })),
                },
                options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
              }}
            />
            <div class="table-wrap">
              <table data-testid="activity-table">
                <thead>
                  <tr>
                    <th scope="col">{t("market.period")}</th>
                    <th scope="col">{t("activity.registrations")}</th>
                    <th scope="col">{t("activity.trades")}</th>
                    <th scope="col">{t("activity.confidentialTrades")}</th>
                    <th scope="col">{t("activity.pledges")}</th>
                    <th scope="col">{t("activity.evidenceBatches")}</th>
                    <th scope="col">{t("activity.evidenceItems")}</th>
                  </tr>
                </thead>
                <tbody>
                  {activity.data.periods.map((p) => (
                    <tr key={p.period}>
                      <th scope="row">{p.period}</th>
                      <td>{p.registrations}</td>
                      <td>{p.trades}</td>
                      <td>{p.confidentialTrades}</td>
                      <td>{p.pledges}</td>
                      <td>{p.evidenceBatches}</td>
                      <td>{p.evidenceItems}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Section>
    </>
  );
}
