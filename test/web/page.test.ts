/**
 * The web page in a real browser (headless Chromium through playwright-core) against `npm start -- --demo` running
 * as a separate process: search by every key, the asset page with its lineage graph and rights timeline, merchant and
 * exchange pages, the market charts, drop-to-verify of a registered file, an anchored evidence file, a dataset folder
 * and a file never registered (checked against the chain, and said to rest on the API when the chain is out of
 * reach), ownership statements valid and tampered, the language switch, phone width, keyboard use, and axe-core.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { devAccounts } from "../../service/src/devnet/accounts";
import { DEV } from "../../service/src/devnet/bootstrap";
import { canonicalJson, datasetDigest, sha256Hex } from "../../service/src/digest";
import { cli, launchBrowser, newPage, seriousViolations, startDemo, type Service } from "./harness";

interface ApiAsset {
  assetId: string;
  registrationNumber: string;
  kind: string;
  parents: string[];
  holder: string;
  registered: { txHash: string };
}

describe("web page in a browser, against npm start -- --demo", function () {
  this.timeout(300_000);
  let svc: Service;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let assets: ApiAsset[];
  const alice = devAccounts()[DEV.alice];
  const shde = devAccounts()[DEV.shde];
  const api = async <T>(p: string): Promise<T> => ((await (await fetch(svc.apiUrl + p)).json()) as { data: T }).data;
  const open = async (p: string): Promise<void> => {
    await page.goto(svc.apiUrl + p);
  };
  const throughputFiles = { "throughput/2025-q1.csv": "month,teu\n2025-01,4120000\n", "throughput/2025-q2.csv": "month,teu\n2025-04,4310000\n" };
  const throughputRoot = datasetDigest(Object.entries(throughputFiles).map(([p, text]) => ({ path: p, digest: sha256Hex(text) }))).root;

  before(async function () {
    svc = await startDemo();
    browser = await launchBrowser();
    assets = await api<ApiAsset[]>("/v1/assets?limit=50");
  });

  beforeEach(async function () {
    ({ page, errors } = await newPage(browser));
  });

  afterEach(async function () {
    await page.context().close();
    expect(errors, "uncaught errors in the page").to.deep.equal([]);
  });

  after(async function () {
    await browser?.close();
    await svc?.stop();
  });

  describe("search", () => {
    const searchFor = async (q: string): Promise<void> => {
      await open("/");
      await page.getByRole("searchbox", { name: /search the registry/i }).fill(q);
      await page.getByRole("button", { name: "Search" }).click();
    };

    it("should open an asset by registration number, content digest (with or without 0x) and transaction hash", async () => {
      const product = assets.find((a) => a.kind === "product")!;
      for (const q of [product.registrationNumber.toLowerCase(), product.assetId, product.assetId.slice(2), product.registered.txHash]) {
        await searchFor(q);
        if (q === product.registered.txHash) {
          await page.waitForURL(`**/tx/${q}`);
          await page.getByRole("link", { name: /0x/ }).first().click();
        }
        await page.waitForURL(`**/asset/${product.assetId}`);
        await page.getByRole("heading", { level: 1, name: product.registrationNumber }).waitFor();
      }
    });

    it("should check a registration number's check character as it is typed", async () => {
      const n = assets[0]!.registrationNumber;
      await open("/");
      const box = page.getByRole("searchbox", { name: /search the registry/i });
      await box.fill(n);
      expect(await page.locator("#q-big-hint").textContent()).to.match(/check character is right/);
      const wrong = n.slice(0, -1) + (n.endsWith("0") ? "1" : "0");
      await box.fill(wrong);
      expect(await page.locator("#q-big-hint").textContent()).to.match(/check character . is wrong \(expected .\)/);
      expect(await box.getAttribute("aria-invalid")).to.equal("true");
    });

    it("should open a merchant by address, an exchange by code or name, and say clearly when nothing matches", async () => {
      await searchFor(alice.address);
      await page.waitForURL(`**/merchant/${alice.address.toLowerCase()}`);
      await searchFor("gzde");
      await page.waitForURL("**/exchange/GZDE");
      await searchFor("Shanghai");
      await page.waitForURL("**/exchange/SHDE");
      await searchFor("no such asset anywhere");
      await page.getByTestId("not-found").waitFor();
      expect(await page.getByTestId("not-found").textContent()).to.include("Not found");
      await open(`/asset/0x${"ab".repeat(32)}`);
      await page.getByTestId("not-found").waitFor();
    });

    it("should list several hits when a query names more than one thing", async () => {
      await searchFor("Data Exchange");
      await page.locator(".hits li").first().waitFor();
      expect(await page.locator(".hits li").count()).to.equal(2);
    });
  });

  describe("asset, merchant and exchange pages", () => {
    it("should show an asset's facts, metadata, lineage graph with the authorising licence, timeline, linked trades and evidence", async () => {
      const product = assets.find((a) => a.kind === "product")!;
      await open(`/asset/${product.assetId}`);
      await page.getByTestId("lineage-graph").waitFor();
      const facts = await page.locator("#facts").textContent();
      expect(facts).to.include("Shanghai Data Exchange").and.include("SHDE").and.include(product.assetId);
      expect(await page.locator("#metadata").textContent()).to.match(/CID bafkrei/);
      // the parent is one level up, and the derivation names its processing licence
      const parent = assets.find((a) => a.assetId === product.parents[0])!;
      await page.getByRole("link", { name: new RegExp(parent.registrationNumber) }).first().waitFor();
      expect(await page.locator(".graph path.edge.licence").count()).to.equal(1);
      await page.getByTestId("timeline").waitFor();
      expect(await page.locator(".timeline .bar.licence").count()).to.be.at.least(1);
      // the linked on-/off-exchange pair: the off-exchange trade follows the one it links to, its price confidential
      const rows = page.getByTestId("trade-row");
      expect(await rows.count()).to.equal(2);
      expect(await rows.nth(1).getAttribute("class")).to.include("linked");
      expect(await rows.nth(1).textContent()).to.include("confidential");
      expect(await page.locator("#evidence li").count()).to.be.at.least(5);
      expect(await page.locator("#trades .chainref .badge").first().textContent()).to.equal("final");
      // the status bar names the head this answer reflects
      expect(await page.getByTestId("answer-head").textContent()).to.match(/reflects block \d+/);
      // clicking a graph node opens that asset
      await page.locator(`.graph a[href="/asset/${parent.assetId}"]`).click();
      await page.waitForURL(`**/asset/${parent.assetId}`);
      await page.getByRole("heading", { level: 1, name: parent.registrationNumber }).waitFor();
    });

    it("should show an asset's registration history: notice, an objection claiming an earlier right, and the certificate link", async () => {
      const [objected] = await api<{ assetId: string; validUntil: number }[]>("/v1/assets?status=objected");
      await open(`/asset/${objected!.assetId}`);
      await page.locator("#lifecycle li").first().waitFor();
      const history = await page.locator("#lifecycle").textContent();
      expect(history).to.include("Registration history").and.include("under public notice").and.include("objection lodged");
      expect(history).to.include("claims an earlier right of its own");
      const facts = await page.locator("#facts").textContent();
      expect(facts).to.include("Public notice until").and.include("objection open");
      const href = await page.getByRole("link", { name: /printable certificate/ }).getAttribute("href");
      expect(href).to.equal(`/v1/assets/${objected!.assetId}/certificate?format=html`);
      const cert = await fetch(svc.apiUrl + href!);
      expect(cert.headers.get("content-type")).to.match(/text\/html/);
      expect(await cert.text()).to.include("数据资产登记证书");
    });

    it("should show a merchant's home exchange, where it is recognised and by which path, its assets and licences", async () => {
      await open(`/merchant/${alice.address.toLowerCase()}`);
      await page.getByTestId("recognised-at").getByText("Guiyang Global Big Data Exchange").waitFor(); // named once the directory is in
      const rec = await page.getByTestId("recognised-at").textContent();
      expect(rec).to.include("Shanghai Data Exchange").and.include("home exchange");
      expect(rec).to.match(/Guiyang Global Big Data Exchange.*single-merchant recognition/);
      await page.locator("#assets li").first().waitFor();
      expect(await page.locator("#assets li").count()).to.equal(2);
      await page.locator("#licences tbody tr").first().waitFor();
      expect(await page.locator("#licences").textContent()).to.include("revoked");
    });

    it("should show the exchange directory and an exchange's recognitions both ways", async () => {
      await open("/exchanges");
      await page.getByTestId("exchange-directory").waitFor();
      expect(await page.locator("[data-testid=exchange-directory] tbody tr").count()).to.equal(2);
      // the demo: SHDE recognises GZDE's onboarding as a whole; GZDE recognises SHDE's alice singly
      await page.getByRole("link", { name: "GZDE" }).click();
      await page.getByTestId("recognises").waitFor();
      expect(await page.getByTestId("recognises").textContent()).to.match(/0x15d34a.*single-merchant recognition/);
      await page.getByTestId("recognised-by").getByText("Shanghai Data Exchange").waitFor();
      await open("/exchange/SHDE");
      await page.getByTestId("recognises").getByText("Guiyang Global Big Data Exchange").waitFor(); // named once the directory is in
      expect(await page.getByTestId("recognises").textContent()).to.match(/Guiyang Global Big Data Exchange.*whole-exchange recognition/);
    });
  });

  describe("market page", () => {
    it("should draw price and activity charts, with confidential trades counted and never priced", async () => {
      await open("/market");
      for (const id of ["price-chart", "count-chart", "activity-chart"]) await page.getByTestId(id).waitFor();
      const table = await page.getByTestId("price-table").textContent();
      expect(table).to.include("data product / service");
      const productRow = page.locator("[data-testid=price-table] tbody tr", { hasText: "data product / service" });
      expect(await productRow.locator("td").nth(1).textContent()).to.equal("1"); // one confidential trade, counted
      expect(await page.getByTestId("activity-table").textContent()).to.match(/\d{4}-\d{2}/);
      // the quartiles are estimates (a per-day sketch): the page says how close, from the answer
      expect(await page.getByTestId("quantile-note").textContent()).to.match(/median and upper quartile are estimates within 1 %/);
      await page.getByLabel("Group prices by").selectOption("exchange");
      await page.locator("[data-testid=price-table] tbody tr", { hasText: "GZDE" }).waitFor();
    });

    it("should say why a report is unavailable (a new store's first backfill) and load it once the API answers", async () => {
      // the API's answer while a first backfill is under way (docs/api.md), twice, then the real one
      let refused = 0;
      await page.route("**/v1/stats/activity*", async (route) => {
        if (refused >= 2) return route.continue();
        refused++;
        await route.fulfill({
          status: 503,
          headers: { "Content-Type": "application/json", "Retry-After": "1" },
          body: JSON.stringify({ error: { code: "unavailable", message: "the activity report unavailable: first backfill under way (computed once every chain reaches its head); retry after 1 s" } }),
        });
      });
      await open("/market");
      await page.getByText("first backfill under way", { exact: false }).first().waitFor();
      await page.getByTestId("activity-chart").waitFor({ timeout: 15_000 });
      expect(refused).to.equal(2);
      expect(await page.getByTestId("activity-table").textContent()).to.match(/\d{4}-\d{2}/);
      expect(await page.getByText("first backfill under way", { exact: false }).count()).to.equal(0);
    });
  });

  describe("drop to verify", () => {
    const chooseFiles = async (files: string[] | string, testid = "file-input"): Promise<Page> => {
      await open("/verify");
      await page.getByTestId(testid).setInputFiles(files);
      await page.getByTestId("verdict").waitFor({ timeout: 30_000 });
      return page;
    };

    it("should find a registered file, reading the registration from the chain", async () => {
      const hello = path.join(svc.work, "hello.txt");
      fs.writeFileSync(hello, "hello 数权 from the web test\n");
      const application = `${hello}.application.json`;
      const applied = cli(svc, ["asset", "apply", hello, "--exchange", shde.address, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", "docs/examples/metadata.json", "--out", application], alice.privateKey);
      expect(applied.status, applied.stderr).to.equal(0);
      const reg = cli(svc, ["asset", "register", "--application", application], shde.privateKey);
      expect(reg.status, reg.stderr).to.equal(0);
      await chooseFiles(hello);
      const v = page.getByTestId("verdict");
      expect(await v.getAttribute("data-outcome")).to.equal("registered");
      expect(await v.getAttribute("data-chain")).to.equal("checked");
      expect(await page.getByTestId("digest").textContent()).to.equal(sha256Hex(fs.readFileSync(hello)));
      expect(await v.textContent()).to.include(reg.json.registrationNumber as string).and.include("does not rest on the service's word");
    });

    it("should find an anchored evidence file: proof checked in the browser, root read from the chain", async () => {
      const receipt = path.join(svc.work, "receipt-2.json");
      fs.writeFileSync(receipt, canonicalJson({ type: "delivery-receipt", order: "SHDE-2026-0002", asset: "weather", to: "alice" }));
      await chooseFiles(receipt);
      const v = page.getByTestId("verdict");
      expect(await v.getAttribute("data-outcome")).to.equal("anchored");
      const checks = await page.getByTestId("evidence-check").textContent();
      expect(checks).to.include("Merkle proof checked in this browser").and.include("root is anchored on chain");
      expect(checks).to.include("Shanghai Data Exchange");
    });

    it("should compute a dropped folder's dataset root as the CLI does and find the registered dataset", async () => {
      const dir = path.join(svc.work, "port-data");
      for (const [rel, text] of Object.entries(throughputFiles)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      await chooseFiles(dir, "folder-input");
      expect(await page.getByTestId("digest").textContent()).to.equal(throughputRoot);
      expect(await page.getByTestId("verdict").getAttribute("data-outcome")).to.equal("registered");
      expect(await page.getByTestId("verdict").textContent()).to.include("Folder (dataset root)");
    });

    it("should say a file was never registered, and say when the verdict rests on the API because the chain is out of reach", async () => {
      // 20 MiB and a few bytes: hashed in several streamed slices
      const stranger = path.join(svc.work, "never.bin");
      const bytes = Buffer.alloc(20 * 1024 * 1024 + 5, 7);
      bytes.write(`never registered ${Date.now()}`);
      fs.writeFileSync(stranger, bytes);
      await chooseFiles(stranger);
      expect(await page.getByTestId("verdict").getAttribute("data-outcome")).to.equal("not-found");
      expect(await page.getByTestId("digest").textContent()).to.equal(sha256Hex(bytes));
      expect(await page.getByTestId("chain-note").textContent()).to.include("does not rest on the service's word");
      // point the page at a node that is not there: the same verdict, said to rest on the API
      await page.getByTestId("chain-settings").locator("summary").click();
      await page.getByLabel("JSON-RPC URL the page reads the chain from").fill("http://127.0.0.1:9");
      await page.getByRole("button", { name: "Use this node" }).click();
      await page.getByTestId("file-input").setInputFiles(stranger);
      await page.locator("[data-testid=verdict][data-chain=api-only]").waitFor();
      expect(await page.getByTestId("chain-note").textContent()).to.include("this verdict rests on the API's word");
    });

    it("should take a file dropped on the drop zone", async () => {
      await open("/verify");
      const text = canonicalJson({ type: "audit-record", scope: "onboarding review", merchant: "bob" });
      const dt = await page.evaluateHandle((t) => {
        const d = new DataTransfer();
        d.items.add(new File([t], "audit-bob.json", { type: "application/json" }));
        return d;
      }, text);
      await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: dt });
      await page.getByTestId("verdict").waitFor();
      expect(await page.getByTestId("verdict").getAttribute("data-outcome")).to.equal("anchored");
      expect(await page.getByTestId("digest").textContent()).to.equal(sha256Hex(text));
    });

    it("should check a pasted evidence record by its canonical JSON", async () => {
      await open("/verify");
      await page.getByLabel(/paste an evidence record/).fill('{ "to": "carol", "asset": "congestion", "order": "SHDE-2026-0001", "type": "delivery-receipt" }');
      await page.getByRole("button", { name: "Check", exact: true }).click();
      await page.getByTestId("verdict").waitFor();
      expect(await page.getByTestId("verdict").getAttribute("data-outcome")).to.equal("anchored");
    });
  });

  describe("ownership check", () => {
    let statementText = "";
    before(function () {
      const weather = assets.find((a) => a.holder === alice.address.toLowerCase() && a.kind === "resource" && !a.parents.length && a.registrationNumber.startsWith("GZDE"))!;
      const out = path.join(svc.work, "statement.json");
      const r = cli(svc, ["ownership", "prove", weather.registrationNumber, "--nonce", "web-test", "--out", out], alice.privateKey);
      expect(r.status, r.stderr).to.equal(0);
      statementText = fs.readFileSync(out, "utf8");
    });

    const check = async (text: string): Promise<Page> => {
      await open("/ownership");
      await page.getByLabel("Ownership statement (JSON)").fill(text);
      await page.getByRole("button", { name: "Check", exact: true }).click();
      await page.getByTestId("ownership-verdict").waitFor();
      return page;
    };

    it("should accept a statement from shuquan ownership prove, checking the holder on chain", async () => {
      await check(statementText);
      const v = page.getByTestId("ownership-verdict");
      expect(await v.getAttribute("data-valid")).to.equal("true");
      expect(await v.getAttribute("data-source")).to.equal("chain");
    });

    it("should reject a tampered statement", async () => {
      const s = JSON.parse(statementText) as { holder: string; statement: string };
      const bob = devAccounts()[DEV.bob].address.toLowerCase();
      const tampered = { ...s, holder: bob, statement: s.statement.replace(`Holder: ${s.holder}`, `Holder: ${bob}`) };
      await check(JSON.stringify(tampered));
      expect(await page.getByTestId("ownership-verdict").getAttribute("data-valid")).to.equal("false");
      expect(await page.getByTestId("ownership-problems").textContent()).to.match(/not by the claimed holder/);
      // a statement about another block, signature left as it was
      const s2 = JSON.parse(statementText) as { block: number; statement: string };
      await check(JSON.stringify({ ...s2, block: 1, statement: s2.statement.replace(/Block: \d+/, "Block: 1") }));
      expect(await page.getByTestId("ownership-verdict").getAttribute("data-valid")).to.equal("false");
      // not a statement at all: a clear error, no verdict
      await page.getByLabel("Ownership statement (JSON)").fill("{ not json");
      await page.getByRole("button", { name: "Check", exact: true }).click();
      expect(await page.getByTestId("ownership-error").textContent()).to.match(/not JSON/);
    }).timeout(60_000);
  });

  describe("language, phone width, keyboard, accessibility", () => {
    it("should switch to 简体中文 and remember it", async () => {
      await open("/market");
      await page.getByRole("heading", { level: 1, name: "Market disclosure" }).waitFor();
      await page.getByRole("button", { name: "简体中文" }).click();
      await page.getByRole("heading", { level: 1, name: "市场信息披露" }).waitFor();
      expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
      await page.reload();
      await page.getByRole("heading", { level: 1, name: "市场信息披露" }).waitFor();
      expect(await page.getByTestId("status").textContent()).to.include("时间按 Asia/Shanghai 显示");
      await page.getByRole("button", { name: "English" }).click();
      await page.getByRole("heading", { level: 1, name: "Market disclosure" }).waitFor();
    });

    it("should fit a phone's width without sideways scrolling", async () => {
      await page.context().close();
      ({ page, errors } = await newPage(browser, { width: 390, height: 844 }));
      const product = assets.find((a) => a.kind === "product")!;
      for (const p of ["/", `/asset/${product.assetId}`, "/market", "/verify"]) {
        await open(p);
        await page.locator("main h1").first().waitFor();
        await page.waitForTimeout(300);
        const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        expect(scroll, `${p} is ${scroll}px wide at a 390px viewport`).to.be.at.most(client + 1);
      }
    });

    it("should be usable by keyboard: skip link, search by Enter, links reachable", async () => {
      await open("/");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal("Skip to content");
      await page.getByRole("searchbox", { name: /search the registry/i }).focus();
      await page.keyboard.type("SHDE");
      await page.keyboard.press("Enter");
      await page.waitForURL("**/exchange/SHDE");
    });

    it("should have no serious accessibility violations (axe-core) on the main pages", async () => {
      const product = assets.find((a) => a.kind === "product")!;
      for (const p of ["/", `/asset/${product.assetId}`, `/merchant/${alice.address.toLowerCase()}`, "/exchange/SHDE", "/market", "/verify", "/ownership"]) {
        await open(p);
        await page.locator("main h1").first().waitFor();
        await page.waitForLoadState("networkidle");
        expect(await seriousViolations(page), p).to.deep.equal([]);
      }
    });
  });
});
