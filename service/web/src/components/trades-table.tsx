/**
 * Trades, with a linked on-/off-exchange pair shown together (the linking trade right under the one it links to).
 * A long list shows its first 50 rows and grows on request: a thousand rows are ~45,000 DOM nodes, which would
 * cost the asset page seconds.
 */
import { useState } from "preact/hooks";
import { Addr, AssetLink, ChainRef, Time, money, short } from "../format";
import { t, term } from "../i18n";
import type { Trade } from "../types";

/** Orders trades so each trade that links to another listed one follows it; returns [trade, linked?]. */
export function pairTrades(trades: readonly Trade[]): { trade: Trade; linkedTo: Trade | null }[] {
  const byId = new Map(trades.map((x) => [x.tradeId, x]));
  const followers = new Map<string, Trade[]>();
  for (const x of trades) {
    if (x.linkedTradeId && byId.has(x.linkedTradeId)) {
      const list = followers.get(x.linkedTradeId) ?? [];
      list.push(x);
      followers.set(x.linkedTradeId, list);
    }
  }
  const out: { trade: Trade; linkedTo: Trade | null }[] = [];
  const placed = new Set<string>();
  const place = (x: Trade, linkedTo: Trade | null): void => {
    if (placed.has(x.tradeId)) return;
    placed.add(x.tradeId);
    out.push({ trade: x, linkedTo });
    for (const f of followers.get(x.tradeId) ?? []) place(f, x);
  };
  for (const x of trades) if (!(x.linkedTradeId && byId.has(x.linkedTradeId))) place(x, null);
  for (const x of trades) place(x, x.linkedTradeId ? (byId.get(x.linkedTradeId) ?? null) : null);
  return out;
}

/** Rows shown at first, and added per "show more". */
export const TRADE_PAGE = 50;

export function TradesTable({ trades, showAsset }: { trades: readonly Trade[]; showAsset?: boolean }) {
  const [shown, setShown] = useState(TRADE_PAGE);
  if (trades.length === 0) return <p class="muted">{t("none")}</p>;
  const rows = pairTrades(trades);
  return (
    <>
    <div class="table-wrap">
      <table class="trades">
        <thead>
          <tr>
            <th scope="col">{t("trade.time")}</th>
            {showAsset ? <th scope="col">{t("trade.asset")}</th> : null}
            <th scope="col">{t("trade.right")}</th>
            <th scope="col">{t("trade.parties")}</th>
            <th scope="col">{t("trade.venue")}</th>
            <th scope="col">{t("trade.price")}</th>
            <th scope="col">{t("chain")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, shown).map(({ trade: x, linkedTo }) => (
            <tr key={x.tradeId} class={linkedTo ? "linked" : undefined} data-testid="trade-row">
              <td>
                {linkedTo ? (
                  <span class="link-mark" title={t("trade.linkedTo", { id: short(linkedTo.tradeId) })}>
                    ↳{" "}
                  </span>
                ) : null}
                <a href={`/trade/${x.tradeId}`}>
                  <Time unix={x.event.blockTime} />
                </a>
                {linkedTo ? <div class="muted small">{t("trade.linkedTo", { id: short(linkedTo.tradeId) })}</div> : null}
              </td>
              {showAsset ? (
                <td>
                  <AssetLink id={x.assetId} />
                </td>
              ) : null}
              <td>{term(x.right)}</td>
              <td>
                <Addr a={x.seller} /> → <Addr a={x.buyer} />
                <div class="muted small">
                  {t("trade.at")} <Addr a={x.exchange} />
                </div>
              </td>
              <td>{term(x.venue)}</td>
              <td>
                {x.confidential ? (
                  <span class="badge" title={x.priceCommitment ?? ""}>
                    {t("confidential")}
                  </span>
                ) : (
                  money(x.price, x.currency)
                )}
              </td>
              <td>
                <ChainRef e={x.event} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {rows.length > shown ? (
      <p class="more" data-testid="trades-more">
        {t("trade.shown", { shown, total: rows.length })}{" "}
        <button type="button" onClick={() => setShown((n) => n + TRADE_PAGE)}>
          {t("trade.showMore", { n: Math.min(TRADE_PAGE, rows.length - shown) })}
        </button>{" "}
        <button type="button" onClick={() => setShown(rows.length)}>
          {t("trade.showAll", { total: rows.length })}
        </button>
      </p>
    ) : null}
    </>
  );
}
