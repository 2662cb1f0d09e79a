/** An asset: facts, metadata, lineage graph, rights timeline, trades, pledges, freezes, evidence. */
import { useEffect, useState } from "preact/hooks";
import { useApi, type Loaded } from "../api";
import { Timeline } from "../components/timeline";
import { layoutOf } from "../components/graph-layout-client";
import { LicencesTable } from "../components/licences-table";
import { TradesTable } from "../components/trades-table";
import { Addr, AssetLink, ChainRef, Facts, Time, money, short } from "../format";
import { t, term, useLang } from "../i18n";
import { lazy } from "../lazy";
import type { LineageGraph, Provenance } from "../types";
import { Load, Section, useTitle } from "./common";

const loadGraph = () => import("../components/graph");
const Graph = lazy(() => loadGraph().then((m) => m.LineageGraphView));

type Metadata = { cid: string; digest: string; document: unknown };

function MetadataView({ m }: { m: Loaded<Metadata> }) {
  if (m.state === "loading") return <p class="muted">{t("loading")}</p>;
  if (m.state === "error") return <p class="muted">{t("asset.noMetadata")}</p>;
  const doc = m.data.document as { asset?: { name?: unknown; summary?: unknown }; registrant?: { name?: unknown } } | null;
  return (
    <>
      <p>
        CID <code class="wrap">{m.data.cid}</code> · {t("asset.metadataDigest")} <code>{short(m.data.digest, 8)}</code>
      </p>
      {typeof doc?.asset?.name === "string" ? (
        <p>
          <strong>{doc.asset.name}</strong>
          {typeof doc.asset.summary === "string" ? ` — ${doc.asset.summary}` : ""}
          {typeof doc.registrant?.name === "string" ? ` (${doc.registrant.name})` : ""}
        </p>
      ) : null}
      <details>
        <summary>{t("asset.metadataDocument")}</summary>
        <Doc v={m.data.document} />
      </details>
    </>
  );
}

/** A JSON document as nested definition lists. */
function Doc({ v }: { v: unknown }) {
  if (v === null || typeof v !== "object") return <span>{String(v)}</span>;
  if (Array.isArray(v))
    return v.length === 0 ? (
      <span class="muted">—</span>
    ) : (
      <ol class="doc">
        {v.map((x, i) => (
          <li key={i}>
            <Doc v={x} />
          </li>
        ))}
      </ol>
    );
  return (
    <dl class="doc">
      {Object.entries(v as Record<string, unknown>).map(([k, x]) => (
        <div key={k}>
          <dt>{k.replace(/([a-z])([A-Z])/g, "$1 $2")}</dt>
          <dd>
            <Doc v={x} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function LineageSection({ g }: { g: Loaded<LineageGraph> }) {
  const [open, setOpen] = useState(false); // the table is built when opened: hundreds of rows nobody sees cost time
  if (g.state !== "ok") return <p class="muted">{g.state === "error" ? g.error.message : t("loading")}</p>;
  const numbers = new Map(g.data.nodes.map((n) => [n.assetId, n.registrationNumber]));
  if (g.data.edges.length === 0) return <p class="muted">{t("lineage.none")}</p>;
  return (
    <>
      <Graph graph={g.data} />
      <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>{t("lineage.table", { n: g.data.edges.length })}</summary>
        {open ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("lineage.child")}</th>
                <th scope="col">{t("lineage.parent")}</th>
                <th scope="col">{t("lineage.basis")}</th>
                <th scope="col">{t("chain")}</th>
              </tr>
            </thead>
            <tbody>
              {g.data.edges.map((e) => (
                <tr key={e.child + e.parent}>
                  <td>
                    <AssetLink id={e.child} label={numbers.get(e.child)} />
                  </td>
                  <td>
                    <AssetLink id={e.parent} label={numbers.get(e.parent)} />
                  </td>
                  <td>
                    {t(`basis.${e.basis}`)}
                    {e.licence ? (
                      <>
                        {" "}
                        <code title={e.licence.licenceId}>{short(e.licence.licenceId, 4)}</code> (<Addr a={e.licence.grantor} /> →{" "}
                        <Addr a={e.licence.grantee} />, <Time unix={e.licence.start} date />–<Time unix={e.licence.end} date />)
                      </>
                    ) : null}
                  </td>
                  <td>{e.licence ? <ChainRef e={e.licence.granted} /> : e.registered ? <ChainRef e={e.registered} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        ) : null}
      </details>
      {g.data.truncated.up || g.data.truncated.down ? <p class="muted">{t("lineage.truncated")}</p> : null}
    </>
  );
}

export function AssetPage({ id }: { id: string }) {
  useLang();
  // everything the page shows is asked for at once, and the graph's code fetched meanwhile
  const p = useApi<Provenance>(`/v1/assets/${id}/provenance?depth=0`);
  const lineage = useApi<LineageGraph>(`/v1/assets/${id}/lineage?depth=5`);
  const metadata = useApi<Metadata>(`/v1/assets/${id}/metadata`);
  useEffect(() => void loadGraph(), []);
  useEffect(() => {
    if (lineage.state === "ok" && lineage.data.edges.length > 0) void layoutOf(lineage.data).catch(() => undefined); // laid out while the rest renders
  }, [lineage]);
  useTitle(p.state === "ok" ? p.data.asset.registrationNumber : t("asset.title"));
  return (
    <Load s={p} what={t("asset.what", { id })}>
      {(r) => {
        const a = r.asset;
        return (
          <article class="asset" data-testid="asset-page">
            <header class="page-head">
              <p class="kicker">{t("asset.title")}</p>
              <h1>{a.registrationNumber}</h1>
              <p>
                <span class={`badge ${a.status === "registered" ? "ok" : "warn"}`}>{term(a.status)}</span>
                {a.frozen ? <span class="badge bad">{term("frozen")}</span> : null}
                {a.pledged ? <span class="badge warn">{term("pledged")}</span> : null}
              </p>
            </header>
            <Section title={t("asset.facts")} id="facts">
              <Facts
                rows={[
                  [t("asset.number"), a.registrationNumber],
                  [t("asset.kind"), term(a.kind)],
                  [t("asset.source"), term(a.source)],
                  [t("asset.level"), term(a.level)],
                  [t("asset.status"), term(a.status)],
                  [
                    a.registrationStatus === "notice" || a.registrationStatus === "objected" ? t("asset.noticeUntil") : t("asset.validUntil"),
                    a.validUntil ? <Time unix={a.validUntil} date /> : t("asset.noEnd"),
                  ],
                  [t("asset.certificate"), <a href={`/v1/assets/${a.assetId}/certificate?format=html`}>{t("asset.certificateLink")}</a>],
                  [t("asset.exchange"), <Addr a={a.exchange} />],
                  [t("asset.holder"), <Addr a={a.holder} />],
                  [t("asset.registeredHolder"), <Addr a={a.registeredHolder} />],
                  [t("asset.digest"), <code class="wrap">{a.contentDigest}</code>],
                  [t("asset.consent"), a.consentDigest ? <code class="wrap">{a.consentDigest}</code> : "—"],
                  [t("asset.registered"), <><Time unix={a.registered.blockTime} /> <ChainRef e={a.registered} /></>],
                  [
                    t("asset.parents"),
                    a.parents.length ? a.parents.map((x) => <AssetLink key={x} id={x} />) : "—",
                  ],
                ]}
              />
            </Section>
            <Section title={t("asset.lifecycle")} id="lifecycle">
              <ul class="events">
                {r.statusHistory.map((e) => (
                  <li key={e.at.txHash + e.at.logIndex}>
                    {term(e.event)}
                    {e.event === "status" ? <> → {term(e.status)}</> : null}
                    {e.validUntil ? <> ({t("until")} <Time unix={e.validUntil} date />)</> : null}
                    {e.actor ? <> <Addr a={e.actor} /></> : null}
                    {e.ownEarlierRight ? ` (${t("asset.ownEarlierRight")})` : ""}
                    {e.event === "resolution" && e.upheld !== null ? ` · ${term(e.upheld ? "upheld" : "dismissed")}` : ""}
                    {e.reason ? `: ${e.reason}` : ""} · <Time unix={e.at.blockTime} /> <ChainRef e={e.at} />
                  </li>
                ))}
              </ul>
            </Section>
            <Section title={t("asset.metadata")} id="metadata">
              <MetadataView m={metadata} />
            </Section>
            <Section title={t("asset.lineage")} id="lineage">
              <LineageSection g={lineage} />
            </Section>
            <Section title={t("asset.timeline")} id="timeline">
              <Timeline report={r} />
              <h3>{t("asset.holders")}</h3>
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t("asset.holder")}</th>
                      <th scope="col">{t("since")}</th>
                      <th scope="col">{t("until")}</th>
                      <th scope="col">{t("chain")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.rights.holders.map((h) => (
                      <tr key={h.since.txHash + h.since.logIndex}>
                        <td>
                          <Addr a={h.holder} />
                        </td>
                        <td>
                          <Time unix={h.since.blockTime} />
                        </td>
                        <td>{h.until ? <Time unix={h.until.blockTime} /> : t("now")}</td>
                        <td>
                          <ChainRef e={h.since} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <h3>{t("asset.licences")}</h3>
              <LicencesTable licences={r.rights.licences} />
            </Section>
            <Section title={t("asset.trades", { n: r.trades.length })} id="trades">
              <TradesTable trades={r.trades} />
            </Section>
            <Section title={t("asset.pledgesFreezes")} id="pledges">
              {r.pledges.length === 0 && r.freezes.length === 0 ? <p class="muted">{t("none")}</p> : null}
              <ul class="events">
                {r.pledges.map((p) => (
                  <li key={p.pledgeId}>
                    {t("pledge.line", { amount: money(p.amount, p.currency), status: term(p.status) })} <Addr a={p.lender} /> ·{" "}
                    <Time unix={p.start} date /> – <Time unix={p.end} date /> <ChainRef e={p.registered} />
                    {p.closed ? (
                      <>
                        {" "}
                        · {term(p.closed.status)} <ChainRef e={p.closed.event} />
                      </>
                    ) : null}
                  </li>
                ))}
                {r.freezes.map((f) => (
                  <li key={f.event.txHash}>
                    {f.frozen ? t("freeze.frozen") : t("freeze.unfrozen")} <Addr a={f.regulator} />: {f.reason} · <Time unix={f.event.blockTime} />{" "}
                    <ChainRef e={f.event} />
                  </li>
                ))}
              </ul>
            </Section>
            <Section title={t("asset.evidence")} id="evidence">
              {r.evidence.batches.length === 0 && r.evidence.items.length === 0 ? <p class="muted">{t("none")}</p> : null}
              <ul class="events">
                {r.evidence.batches.map((b) => (
                  <li key={b.root}>
                    {t("evidence.batchLine", { n: b.leafCount, status: b.manifestStatus })} <a href={`/batch/${b.root}`}>
                      <code>{short(b.root)}</code>
                    </a>{" "}
                    <Addr a={b.exchange} /> · <Time unix={b.anchored.blockTime} /> <ChainRef e={b.anchored} />
                  </li>
                ))}
                {r.evidence.items.map((i) => (
                  <li key={i.itemDigest + i.batchRoot}>
                    {t("evidence.itemLine")} <a href={`/evidence/${i.itemDigest}`}>{i.label ?? short(i.itemDigest)}</a> ·{" "}
                    <a href={`/batch/${i.batchRoot}`}>
                      <code>{short(i.batchRoot)}</code>
                    </a>{" "}
                    · <Time unix={i.anchored.blockTime} /> <ChainRef e={i.anchored} />
                  </li>
                ))}
              </ul>
            </Section>
          </article>
        );
      }}
    </Load>
  );
}
