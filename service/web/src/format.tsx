/** How values are shown: times in the viewer's zone (named), addresses with exchange names, chain references. */
import type { ComponentChildren } from "preact";
import type { EventRef } from "./api";
import { exchangeAt } from "./directory";
import { currentLang, t } from "./i18n";

/** The viewer's IANA time zone, e.g. Asia/Shanghai. */
export const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

const formats = new Map<string, Intl.DateTimeFormat>();

/** A unix time as text in the viewer's zone, zone named (e.g. "2026年3月1日 08:00 GMT+8"). */
export function formatTime(unix: number, withTime = true): string {
  const key = `${currentLang()}|${withTime}`;
  let f = formats.get(key); // building a formatter costs far more than using one: a page may show thousands of times
  if (!f) {
    // dateStyle/timeStyle cannot be combined with timeZoneName: name the fields instead
    f = new Intl.DateTimeFormat(currentLang(), {
      year: "numeric",
      month: "short",
      day: "numeric",
      ...(withTime ? { hour: "2-digit" as const, minute: "2-digit" as const, timeZoneName: "short" as const } : {}),
    });
    formats.set(key, f);
  }
  return f.format(new Date(unix * 1000));
}

/** A <time> element: local text, UTC ISO in datetime and title. */
export function Time({ unix, date }: { unix: number; date?: boolean }) {
  const iso = new Date(unix * 1000).toISOString();
  return (
    <time dateTime={iso} title={`${iso} (UTC)`}>
      {formatTime(unix, !date)}
    </time>
  );
}

/** `0x1234…abcd`. */
export function short(hex: string, keep = 6): string {
  return hex.length <= 2 + keep * 2 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}

/** An address: an exchange by name and code (linked to its page), anyone else linked to the account page. */
export function Addr({ a, plain }: { a: string; plain?: boolean }) {
  const ex = exchangeAt(a);
  if (ex)
    return (
      <a href={`/exchange/${ex.code}`} title={a}>
        {ex.name} <span class="code">{ex.code}</span>
      </a>
    );
  if (plain) return <code title={a}>{short(a)}</code>;
  return (
    <a href={`/merchant/${a.toLowerCase()}`} title={a}>
      <code>{short(a)}</code>
    </a>
  );
}

/** An asset link, by registration number when known. */
export function AssetLink({ id, label }: { id: string; label?: string | null }) {
  return (
    <a href={`/asset/${id}`} title={id}>
      {label ?? <code>{short(id)}</code>}
    </a>
  );
}

/** Final / not yet final. */
export function Finality({ final }: { final: boolean }) {
  return final ? <span class="badge ok">{t("final")}</span> : <span class="badge warn">{t("notFinal")}</span>;
}

/** Transaction hash (searchable), block, time and finality of an entry. */
export function ChainRef({ e }: { e: EventRef }) {
  return (
    <span class="chainref">
      <a href={`/tx/${e.txHash}`} title={e.txHash}>
        <code>{short(e.txHash, 5)}</code>
      </a>{" "}
      <span class="muted">
        {t("block")} {e.blockNumber}
      </span>{" "}
      <Finality final={e.final} />
    </span>
  );
}

/** A fact list (dl). */
export function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** An amount in minor units (uint128 decimal string) as major units with its currency. */
export function money(minor: string | null, currency: string | null): string {
  if (minor === null || currency === null) return t("confidential");
  const v = BigInt(minor.split(".")[0] ?? "0");
  const major = Number(v / 100n) + Number(v % 100n) / 100;
  const key = `${currentLang()}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) moneyFormats.set(key, (f = new Intl.NumberFormat(currentLang(), { style: "currency", currency, maximumFractionDigits: 2 })));
  return f.format(major);
}
