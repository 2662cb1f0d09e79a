/**
 * The OpenAPI 3.1 document, generated from the route definitions' zod schemas (z.toJSONSchema), so the document
 * and the validation cannot drift apart.
 */
import { z } from "zod";
import type { RouteDef } from "./route";
import { JSON_BODY_LIMIT } from "./errors";

type JsonSchema = Record<string, unknown>;

/** A group of routes mounted under one prefix. */
export interface RouteGroup {
  prefix: string;
  routes: readonly RouteDef[];
}

function schemaOf(s: z.ZodType, io: "input" | "output"): JsonSchema {
  const js = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  delete js.$schema;
  return js;
}

function parametersOf(s: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!s) return [];
  const js = schemaOf(s, "input");
  const props = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

const errorSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: ["bad_request", "not_found", "method_not_allowed", "payload_too_large", "unsupported_media_type", "headers_too_large", "timeout", "unavailable", "internal"] },
        message: { type: "string" },
        field: { type: "string", description: "the request field at fault, e.g. query.limit" },
      },
    },
  },
};

const metaSchema: JsonSchema = {
  type: "object",
  description: "the indexed head this response reflects, per chain",
  properties: {
    heads: {
      type: "array",
      items: {
        type: "object",
        properties: {
          chainId: { type: "integer" },
          indexedBlock: { type: "integer" },
          chainHead: { type: ["integer", "null"] },
          lag: { type: ["integer", "null"] },
          confirmations: { type: "integer" },
          indexedBlockTime: { type: ["integer", "null"] },
          finalBlock: { type: "integer", description: "entries at or below this block are final: min(indexedBlock, chainHead - confirmations)" },
        },
      },
    },
  },
};

/** Builds the OpenAPI 3.1 document. */
export function buildOpenApi(groups: readonly RouteGroup[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const g of groups) {
    for (const r of g.routes) {
      const path = g.prefix + r.path;
      const data = r.response ? schemaOf(r.response, "output") : {};
      const op: JsonSchema = {
        summary: r.summary,
        ...(r.description ? { description: r.description } : {}),
        tags: [r.tag],
        operationId: `${r.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
        parameters: [...parametersOf(r.params, "path"), ...parametersOf(r.query, "query")],
        ...(r.body
          ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(r.body, "input") } } } }
          : {}),
        responses: {
          "200": {
            description: "OK",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["data", "meta"],
                  properties: {
                    data,
                    page: {
                      type: "object",
                      properties: { nextCursor: { type: ["string", "null"] }, limit: { type: "integer" } },
                    },
                    meta: { $ref: "#/components/schemas/Meta" },
                  },
                },
              },
            },
          },
          "400": { description: "Bad input; `error.field` names the field", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          "404": { description: "Unknown id", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          ...(r.body
            ? {
                "413": { description: `Body over the ${JSON_BODY_LIMIT} limit`, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
                "415": { description: "Body not sent as Content-Type: application/json", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
              }
            : {}),
        },
      };
      (paths[path] ??= {})[r.method] = op;
    }
  }
  paths["/health"] = {
    get: {
      summary: "Indexer health: 200 within bounds, 503 when stalled, lagging, failed, retrying past the stall window or with a stale head",
      tags: ["operations"],
      operationId: "getHealth",
      responses: { "200": { description: "healthy" }, "503": { description: "stalled, lagging, no head, indexer failed/stopped, retrying too long, or head not read too long" } },
    },
  };
  paths["/metrics"] = {
    get: {
      summary: "Prometheus metrics (text exposition format)",
      tags: ["operations"],
      operationId: "getMetrics",
      responses: { "200": { description: "metrics", content: { "text/plain": { schema: { type: "string" } } } } },
    },
  };
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Shuquan (数权) indexing service API",
      version,
      description:
        "Read-only view of the Shuquan contracts as indexed. Every response carries `meta.heads` (indexed head per chain) and every chain entry a `final` flag (block <= indexed head - confirmations).",
    },
    servers: [{ url: "/" }],
    paths,
    components: { schemas: { Error: errorSchema, Meta: metaSchema } },
  };
}
