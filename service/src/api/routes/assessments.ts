/**
 * /v1/assessments, /v1/assessors and /v1/assessment-policies: third-party assessments of assets, who may assess, and
 * what each exchange requires before a listing or a pledge (docs/regulated-use.md).
 */
import { z } from "zod";
import { ASSESSMENT_KIND } from "../../digest";
import { notFound } from "../errors";
import { getAssessment, listAssessments, listAssessors, policyOf } from "../queries/assessments";
import { defineRoute, listResult, type RouteDef } from "../route";
import { address, chainId, hex32, pageQuery, uint256Id } from "../validation";

const list = defineRoute({
  method: "get",
  path: "/assessments",
  tag: "assessments",
  summary: "Assessments, newest first; filter by asset, assessor, kind",
  description: "`status` is judged at the indexed chain time: current, failed, expired, withdrawn, or superseded by a later assessment of the same kind.",
  query: z.strictObject({
    asset: hex32.optional(),
    assessor: address.optional(),
    kind: z.enum(ASSESSMENT_KIND).optional(),
    chainId: chainId.optional(),
    ...pageQuery,
  }),
  async handler({ query, isFinal }, ctx) {
    return listResult(await listAssessments(ctx.db, query, isFinal, Date.now()));
  },
});

const byId = defineRoute({
  method: "get",
  path: "/assessments/{assessmentId}",
  tag: "assessments",
  summary: "One assessment by id (decimal or 0x hex), with the holder's responses and any withdrawal",
  params: z.object({ assessmentId: uint256Id }),
  async handler({ params, isFinal }, ctx) {
    const a = await getAssessment(ctx.db, params.assessmentId, isFinal, Date.now());
    if (!a) throw notFound("assessment", params.assessmentId);
    return { data: a };
  },
});

const assessors = defineRoute({
  method: "get",
  path: "/assessors",
  tag: "assessments",
  summary: "Merchants granted assessor categories (latest setting each; empty categories: revoked)",
  async handler({ isFinal }, ctx) {
    return { data: await listAssessors(ctx.db, isFinal) };
  },
});

const policy = defineRoute({
  method: "get",
  path: "/assessment-policies/{exchange}",
  tag: "assessments",
  summary: "An exchange's assessment policy; with ?asset=, whether the asset meets it for a listing and a pledge",
  params: z.object({ exchange: address }),
  query: z.strictObject({ asset: hex32.optional() }),
  async handler({ params, query, isFinal }, ctx) {
    return { data: await policyOf(ctx.db, params.exchange, query.asset, isFinal, Date.now()) };
  },
});

/** Routes of the assessments resource. */
export const assessmentRoutes: readonly RouteDef[] = [list, byId, assessors, policy];
