/** The page's shell: header (search, navigation, language), status bar, and the page for the current path. */
import { StatusBar } from "./components/status-bar";
import { useDirectoryLoaded } from "./directory";
import { SearchBox } from "./components/search-box";
import { setLang, t, useLang } from "./i18n";
import { lazy } from "./lazy";
import { useLocation } from "./router";
import { AssetPage } from "./pages/asset";
import { ExchangePage, ExchangesPage } from "./pages/exchange";
import { HomePage } from "./pages/home";
import { MerchantPage } from "./pages/merchant";
import { SearchPage } from "./pages/search";
import { TxPage, TradePage, EvidencePage, BatchPage } from "./pages/records";

const MarketPage = lazy(() => import("./pages/market").then((m) => m.MarketPage));
const VerifyPage = lazy(() => import("./pages/verify").then((m) => m.VerifyPage));
const OwnershipPage = lazy(() => import("./pages/ownership").then((m) => m.OwnershipPage));

function route(path: string, query: URLSearchParams) {
  const [, first, second] = path.split("/");
  switch (first) {
    case "":
      return <HomePage />;
    case "search":
      return <SearchPage q={query.get("q") ?? ""} />;
    case "asset":
      return second ? <AssetPage id={second} /> : null;
    case "merchant":
      return second ? <MerchantPage address={second} /> : null;
    case "exchange":
      return second ? <ExchangePage code={second} /> : null;
    case "exchanges":
      return <ExchangesPage />;
    case "market":
      return <MarketPage />;
    case "verify":
      return <VerifyPage />;
    case "ownership":
      return <OwnershipPage />;
    case "tx":
      return second ? <TxPage hash={second} /> : null;
    case "trade":
      return second ? <TradePage id={second} /> : null;
    case "evidence":
      return second ? <EvidencePage digest={second} /> : null;
    case "batch":
      return second ? <BatchPage root={second} /> : null;
    default:
      return null;
  }
}

const NAV: [string, Parameters<typeof t>[0]][] = [
  ["/", "nav.home"],
  ["/exchanges", "nav.exchanges"],
  ["/market", "nav.market"],
  ["/verify", "nav.verify"],
  ["/ownership", "nav.ownership"],
];

export function App() {
  const lang = useLang();
  useDirectoryLoaded(); // addresses are named once the exchanges directory has arrived
  const { path, query } = useLocation();
  const page = route(path, query);
  const top = `/${path.split("/")[1] ?? ""}`;
  return (
    <>
      <a class="skip" href="#main">
        {t("skip")}
      </a>
      <header class="top">
        <a class="brand" href="/" title={t("brand.home")}>
          <span aria-hidden="true">数权</span> Shuquan
        </a>
        <nav aria-label={t("nav.label")}>
          <ul>
            {NAV.map(([href, key]) => (
              <li key={href}>
                <a href={href} aria-current={top === href ? "page" : undefined}>
                  {t(key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="lang" role="group" aria-label={t("lang.label")}>
          <button type="button" aria-pressed={lang === "zh-CN"} onClick={() => setLang("zh-CN")} lang="zh-CN">
            简体中文
          </button>
          <button type="button" aria-pressed={lang === "en"} onClick={() => setLang("en")} lang="en">
            English
          </button>
        </div>
        {path !== "/" ? <SearchBox key={path + query.toString()} initial={query.get("q") ?? ""} /> : null}
      </header>
      <StatusBar />
      <main id="main" tabIndex={-1}>
        {page ?? (
          <section>
            <h1>{t("notFound.title")}</h1>
            <p>{t("notFound.page", { path })}</p>
          </section>
        )}
      </main>
      <footer>
        <p>
          {t("footer.api")} <a href="/v1/openapi.json">/v1/openapi.json</a> · <a href="/health">/health</a>
        </p>
      </footer>
    </>
  );
}
