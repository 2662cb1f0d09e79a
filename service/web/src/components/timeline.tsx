/**
 * The rights timeline: holders over time, licences as bars over their windows (cut at a revocation), pledges and
 * freezes, on one time axis in the viewer's zone. Drawn as SVG; the tables beside it carry the same facts in text.
 */
import { formatTime } from "../format";
import { t, term } from "../i18n";
import type { Provenance } from "../types";

interface Bar {
  lane: string;
  label: string;
  from: number;
  to: number;
  cls: string;
  cut?: number;
}

const ROW = 26;
const LABEL_W = 230;
const WIDTH = 900;

export function Timeline({ report }: { report: Provenance }) {
  const r = report;
  const now = r.asOf;
  const bars: Bar[] = [];
  r.rights.holders.forEach((h) =>
    bars.push({ lane: t("timeline.holders"), label: h.holder.slice(0, 10), from: h.since.blockTime, to: h.until?.blockTime ?? now, cls: "holder" }),
  );
  for (const l of r.rights.licences)
    bars.push({
      lane: `${term(l.right)} · ${l.grantee.slice(0, 8)}`,
      label: term(l.state),
      from: l.start,
      to: l.end,
      cls: `licence ${l.state}`,
      cut: l.revocation ? l.revocation.revokedAt : undefined,
    });
  for (const p of r.pledges)
    bars.push({ lane: t("timeline.pledges"), label: term(p.status), from: p.start, to: p.closed ? p.closed.event.blockTime : p.end, cls: "pledge" });
  let frozenSince: number | undefined;
  for (const f of r.freezes) {
    if (f.frozen) frozenSince = f.event.blockTime;
    else if (frozenSince !== undefined) (bars.push({ lane: t("timeline.freezes"), label: "", from: frozenSince, to: f.event.blockTime, cls: "freeze" }), (frozenSince = undefined));
  }
  if (frozenSince !== undefined) bars.push({ lane: t("timeline.freezes"), label: term("frozen"), from: frozenSince, to: now, cls: "freeze" });
  if (bars.length === 0) return null;
  const start = Math.min(r.asset.registered.blockTime, ...bars.map((b) => b.from));
  const end = Math.max(now, ...bars.map((b) => Math.min(b.to, now + 400 * 86400))) + 1;
  const lanes = [...new Set(bars.map((b) => b.lane))];
  const x = (v: number): number => LABEL_W + ((Math.min(Math.max(v, start), end) - start) / (end - start)) * (WIDTH - LABEL_W - 10);
  const height = lanes.length * ROW + 30;
  return (
    <figure class="timeline" data-testid="timeline">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={t("timeline.aria", { from: formatTime(start, false), to: formatTime(end, false) })}>
        {lanes.map((lane, i) => (
          <g key={lane}>
            <text x={4} y={i * ROW + 17} class="lane">
              {lane}
            </text>
            <line x1={LABEL_W} x2={WIDTH - 10} y1={i * ROW + ROW - 2} y2={i * ROW + ROW - 2} class="grid" />
          </g>
        ))}
        {bars.map((b, i) => {
          const y = lanes.indexOf(b.lane) * ROW + 4;
          const x1 = x(b.from);
          const x2 = Math.max(x1 + 3, x(b.to));
          return (
            <g key={i} class={`bar ${b.cls}`}>
              <title>{`${b.lane}: ${b.label} ${formatTime(b.from)} – ${formatTime(b.to)}`}</title>
              <rect x={x1} y={y} width={x2 - x1} height={ROW - 10} rx={3} />
              {b.cut !== undefined ? <line x1={x(b.cut)} x2={x(b.cut)} y1={y - 2} y2={y + ROW - 8} class="cut" /> : null}
              {x2 - x1 > 60 ? (
                <text x={x1 + 4} y={y + 12} class="bar-label">
                  {b.label}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={x(now)} x2={x(now)} y1={0} y2={height - 24} class="now" />
        <text x={LABEL_W} y={height - 8} class="axis">
          {formatTime(start, false)}
        </text>
        <text x={WIDTH - 10} y={height - 8} class="axis" text-anchor="end">
          {formatTime(end, false)}
        </text>
        <text x={x(now)} y={x(now) - LABEL_W < 110 || WIDTH - x(now) < 110 ? height - 20 : height - 8} class="axis" text-anchor="middle">
          {t("timeline.now")}
        </text>
      </svg>
      <figcaption class="muted small">{t("timeline.caption")}</figcaption>
    </figure>
  );
}
