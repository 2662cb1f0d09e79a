import { useApi } from "../api";
import { SearchBox } from "../components/search-box";
import { Addr, AssetLink, ChainRef, Time } from "../format";
import { t, term, useLang } from "../i18n";
import { useTitle } from "./common";

interface AssetRow {
  assetId: string;
  registrationNumber: string;
  kind: string;
  exchange: string;
  holder: string;
  status: string;
  registered: import("../api").EventRef;
}

export function HomePage() {
  useLang();
  useTitle(t("home.title"));
  const recent = useApi<AssetRow[]>("/v1/assets?limit=10");
  return (
    <>
      <section class="hero">
        <h1>{t("home.title")}</h1>
        <p>{t("home.lead")}</p>
        <SearchBox big />
        <ul class="quick">
          <li>
            <a href="/verify">{t("home.verify")}</a>
          </li>
          <li>
            <a href="/market">{t("home.market")}</a>
          </li>
          <li>
            <a href="/exchanges">{t("home.exchanges")}</a>
          </li>
        </ul>
      </section>
      <section>
        <h2>{t("home.recent")}</h2>
        {recent.state === "ok" ? (
          recent.data.length === 0 ? (
            <p class="muted">{t("home.none")}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("asset.number")}</th>
                    <th scope="col">{t("asset.kind")}</th>
                    <th scope="col">{t("asset.exchange")}</th>
                    <th scope="col">{t("asset.holder")}</th>
                    <th scope="col">{t("asset.registered")}</th>
                    <th scope="col">{t("chain")}</th>
                  </tr>
                </thead>
                <tbody>
                  {recent.data.map((a) => (
                    <tr key={a.assetId}>
                      <td>
                        <AssetLink id={a.assetId} label={a.registrationNumber} />
                      </td>
                      <td>{term(a.kind)}</td>
                      <td>
                        <Addr a={a.exchange} />
                      </td>
                      <td>
                        <Addr a={a.holder} />
                      </td>
                      <td>
                        <Time unix={a.registered.blockTime} />
                      </td>
                      <td>
                        <ChainRef e={a.registered} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : (
          <p class="muted">{recent.state === "error" ? recent.error.message : t("loading")}</p>
        )}
      </section>
    </>
  );
}
