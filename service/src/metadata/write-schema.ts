/**
 * Writes docs/metadata.schema.json from the zod schema (the source of truth):
 * `npx ts-node --transpile-only service/src/metadata/write-schema.ts`. A test fails when the file is stale.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { metadataJsonSchema } from "./schema";

/** The published schema file's text. */
export function metadataSchemaText(): string {
  return JSON.stringify(metadataJsonSchema(), null, 2) + "\n";
}

if (require.main === module) {
  const out = path.join(__dirname, "..", "..", "..", "docs", "metadata.schema.json");
  writeFileSync(out, metadataSchemaText());
  console.log(`wrote ${out}`);
}
