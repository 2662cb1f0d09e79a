/**
 * Certificates: /v1/assets/{id}/certificate (登记证书) and /v1/trades/{tradeId}/certificate (交易凭证), as JSON or,
 * with ?format=html, as a printable bilingual page with a QR code to the public lookup.
 */
import { z } from "zod";
import { renderCertificateHtml, type Certificate } from "../../certificates";
import { notFound } from "../errors";
import { registrationCertificate, tradeCertificate } from "../queries/certificates";
import { defineRoute, type RouteDef, type RouteResult } from "../route";
import { hex32, uint256Id } from "../validation";

const format = z.strictObject({ format: z.enum(["json", "html"]).optional().describe("json (default) or html (printable page)") });

async function answer(cert: Certificate, asHtml: boolean): Promise<RouteResult> {
  return asHtml ? { data: null, html: await renderCertificateHtml(cert) } : { data: cert };
}

const registration = defineRoute({
  method: "get",
  path: "/assets/{id}/certificate",
  tag: "certificates",
  summary: "The asset's registration certificate (登记证书): number with check character, holder and exchange by name and code, rights, validity, status, transaction",
  params: z.object({ id: hex32 }),
  query: format,
  async handler({ params, query, isFinal }, ctx) {
    const cert = await registrationCertificate(params.id, { db: ctx.db, isFinal, contentStore: ctx.contentStore, publicUrl: ctx.publicUrl, now: Math.floor(ctx.now() / 1000) });
    if (!cert) throw notFound("asset", params.id);
    return answer(cert, query.format === "html");
  },
});

const trade = defineRoute({
  method: "get",
  path: "/trades/{tradeId}/certificate",
  tag: "certificates",
  summary: "A trade certificate (交易凭证): parties, right with scope and term, price, contract digest, venue, transaction",
  params: z.object({ tradeId: uint256Id }),
  query: format,
  async handler({ params, query, isFinal }, ctx) {
    const cert = await tradeCertificate(params.tradeId, { db: ctx.db, isFinal, contentStore: ctx.contentStore, publicUrl: ctx.publicUrl, now: Math.floor(ctx.now() / 1000) });
    if (!cert) throw notFound("trade", params.tradeId);
    return answer(cert, query.format === "html");
  },
});

/** Routes of the certificates. */
export const certificateRoutes: readonly RouteDef[] = [registration, trade];
