/**
 * Licences as a table: on an asset page each with its grantee and grantor; on an account's page each with its asset
 * and the account's side of it. Every row has its window, its state (a revocation named) and its transactions.
 */
import { Addr, AssetLink, ChainRef, Time } from "../format";
import { t, term } from "../i18n";
import type { Licence } from "../types";

export function LicencesTable({ licences, account, numbers }: { licences: readonly Licence[]; account?: string; numbers?: Record<string, string> }) {
  if (licences.length === 0) return <p class="muted">{t("none")}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {account ? <th scope="col">{t("trade.asset")}</th> : null}
            <th scope="col">{t("licence.right")}</th>
            {account ? (
              <th scope="col">{t("licence.role")}</th>
            ) : (
              <>
                <th scope="col">{t("licence.grantee")}</th>
                <th scope="col">{t("licence.grantor")}</th>
              </>
            )}
            <th scope="col">{t("licence.window")}</th>
            <th scope="col">{t("licence.state")}</th>
            <th scope="col">{t("chain")}</th>
          </tr>
        </thead>
        <tbody>
          {licences.map((l) => (
            <tr key={l.granted.txHash + l.granted.logIndex}>
              {account ? (
                <td>
                  <AssetLink id={l.assetId} label={numbers?.[l.assetId]} />
                </td>
              ) : null}
              <td>
                {term(l.right)}
                {l.exclusive ? ` · ${t("licence.exclusive")}` : ""}
                {l.sublicensable ? ` · ${t("licence.sub")}` : ""}
              </td>
              {account ? (
                <td>
                  {l.grantee === account ? t("licence.from") : t("licence.to")} <Addr a={l.grantee === account ? l.grantor : l.grantee} />
                </td>
              ) : (
                <>
                  <td>
                    <Addr a={l.grantee} />
                  </td>
                  <td>
                    <Addr a={l.grantor} />
                  </td>
                </>
              )}
              <td>
                <Time unix={l.start} /> – <Time unix={l.end} />
              </td>
              <td>
                <span class={`badge ${l.state === "in_force" ? "ok" : l.state === "revoked" ? "bad" : ""}`}>{term(l.state)}</span>
                {l.revocation ? (
                  <span class="muted">
                    {" "}
                    {t("licence.revokedBy")} <Addr a={l.revocation.by} /> <Time unix={l.revocation.revokedAt} />: {l.revocation.reason}
                  </span>
                ) : null}
              </td>
              <td>
                <ChainRef e={l.granted} />
                {l.revocation ? (
                  <>
                    <br />
                    <ChainRef e={l.revocation.event} />
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
