/**
 * The printable certificate page (Chinese and English): every fact in a table, a QR code and link to the public
 * lookup page, and the certificate's JSON embedded for `shuquan certificate verify`.
 */
import QRCode from "qrcode";
import type { Certificate, CertificateParty, CertificateRight } from "./model";

/** The id of the script element that carries the certificate's JSON. */
const CERTIFICATE_SCRIPT_ID = "shuquan-certificate";

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

const date = (t: number | null): string => (t === null ? "—" : new Date(t * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"));

const STATUS: Record<string, string> = {
  registered: "有效 / In force",
  notice: "公示中 / Under public notice",
  objected: "异议处理中 / Objection open",
  refused: "不予登记 / Refused",
  cancelled: "已注销 / Cancelled",
  expired: "已过期 / Expired",
};
const RIGHTS: Record<string, string> = {
  holding: "数据资源持有权 / Holding",
  processing: "数据加工使用权 / Processing and use",
  operating: "数据产品经营权 / Product operating",
  "product-use": "数据产品使用 / Product use",
};

function party(p: CertificateParty): string {
  const code = p.code ? ` · ${esc(p.code)}` : "";
  return `${esc(p.name ?? "—")}${code}<br><code>${esc(p.address)}</code>`;
}

function rights(list: readonly CertificateRight[]): string {
  return list
    .map((r) => `${esc(RIGHTS[r.right] ?? r.right)} — ${esc(r.scope)} (${date(r.start)} – ${r.end === null ? "—" : date(r.end)})`)
    .join("<br>");
}

function row(zh: string, en: string, value: string): string {
  return `<tr><th>${zh}<br><small>${en}</small></th><td>${value}</td></tr>`;
}

/** The HTML page of a certificate. */
export async function renderCertificateHtml(c: Certificate): Promise<string> {
  const qr = await QRCode.toString(c.link, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  const isReg = c.type === "shuquan/registration-certificate";
  const title = isReg ? "数据资产登记证书 / Data Asset Registration Certificate" : "数据交易凭证 / Data Trade Certificate";
  const rows: string[] = [
    row("证书编号", "Certificate number", `<code>${esc(c.certificateNumber)}</code>`),
    row("登记编号", "Registration number", `<code>${esc(c.registrationNumber)}</code>`),
    row("数据资产", "Asset", `${esc(c.asset.name ?? "—")}<br><code>${esc(c.asset.assetId)}</code><br>${esc(c.asset.kind)} · ${esc(c.asset.source)} · ${esc(c.asset.level)}`),
  ];
  if (c.type === "shuquan/registration-certificate") {
    rows.push(
      row("持有人", "Holder", party(c.holder)),
      row("登记机构", "Registering exchange", party(c.exchange)),
      row("权利", "Rights, scope and term", rights(c.rights)),
      row("登记日期", "Registered", date(c.registeredAt)),
      row("有效期至", "Valid until", c.status === "cancelled" || c.status === "refused" ? "—" : c.validUntil === null ? "长期 / No end" : date(c.validUntil)),
      row("状态", "Status", `${esc(STATUS[c.status] ?? c.status)}${c.frozen ? " · 已冻结 / frozen" : ""}${c.pledged ? " · 已质押 / pledged" : ""}`),
    );
  } else {
    rows.push(
      row("交易编号", "Trade id", `<code>${esc(c.tradeId)}</code>`),
      row("卖方", "Seller", party(c.seller)),
      row("买方", "Buyer", party(c.buyer)),
      row("交易机构", "Recording exchange", party(c.exchange)),
      row("权利", "Right, scope and term", rights(c.rights)),
      row("价格", "Price", c.confidential ? "保密（承诺值上链）/ Confidential (commitment on chain)" : `${esc(c.price ?? "—")} ${esc(c.currency ?? "")} (minor unit)`),
      row("合同摘要", "Contract digest", `<code>${esc(c.contractDigest)}</code>`),
      row("交易场所", "Venue", c.venue === "on-exchange" ? "场内 / On exchange" : "场外 / Off exchange (reported)"),
      row("交易时间", "Recorded", date(c.recordedAt)),
    );
  }
  rows.push(
    row("链上交易", "Transaction", `<code>${esc(c.chain.txHash)}</code><br>block ${c.chain.blockNumber} · chain ${c.chain.chainId}`),
    row("签发时间", "Issued", `${date(c.issuedAt)} (block ${c.asOfBlock})`),
  );
  const json = JSON.stringify(c).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(c.certificateNumber)}</title>
<style>
body{font-family:"Noto Serif SC","Songti SC",serif;max-width:800px;margin:2em auto;color:#111}
h1{text-align:center;font-size:1.4em;border-bottom:3px double #a00;padding-bottom:.4em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.45em;vertical-align:top;text-align:left}
th{width:28%;background:#f7f2ea}code{font-size:.8em;word-break:break-all}
.foot{display:flex;gap:1.5em;align-items:center;margin-top:1.2em}.foot svg{width:120px;height:120px}
@media print{body{margin:0}a{color:#111}}
</style></head><body>
<h1>${title}</h1>
<table>${rows.join("\n")}</table>
<div class="foot">${qr}<p>扫码或访问查验 / Scan or visit to check:<br><a href="${esc(c.link)}">${esc(c.link)}</a><br>
<small>核验 / Verify: <code>shuquan certificate verify &lt;this file&gt;</code></small></p></div>
<script type="application/json" id="${CERTIFICATE_SCRIPT_ID}">${json}</script>
</body></html>
`;
}

/** The certificate JSON embedded in a certificate page (or the JSON document itself). Throws when there is none. */
export function extractCertificate(text: string): Certificate {
  const trimmed = text.trim();
  let json = trimmed;
  if (!trimmed.startsWith("{")) {
    const m = new RegExp(`<script type="application/json" id="${CERTIFICATE_SCRIPT_ID}">([\\s\\S]*?)</script>`).exec(text);
    if (!m) throw new Error("no Shuquan certificate data in this file (expected a certificate page or its JSON)");
    json = m[1] as string;
  }
  const parsed = JSON.parse(json) as { data?: unknown; type?: unknown };
  const doc = (parsed.type === undefined && parsed.data ? parsed.data : parsed) as Certificate;
  if (doc.type !== "shuquan/registration-certificate" && doc.type !== "shuquan/trade-certificate") {
    throw new Error("not a Shuquan certificate (type must be shuquan/registration-certificate or shuquan/trade-certificate)");
  }
  return doc;
}
