/** The schema of a store (tables, columns, indexes) in a comparable form: the migration and store tests compare stores by it. */
import type { Db } from "../../service/src/store";

/** Tables, columns (type, collation, not null, default, key) and indexes of the current schema, in a comparable form. */
export async function catalogue(db: Db): Promise<string[]> {
  if (db.dialect === "sqlite") {
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    const out: string[] = [];
    for (const { name } of tables) {
      for (const c of await db.all<Record<string, unknown>>(`PRAGMA table_info(${name})`)) {
        out.push(`${name}.${c.name} ${c.type} notnull=${c.notnull} default=${c.dflt_value} pk=${c.pk}`);
      }
      for (const i of await db.all<{ name: string }>(`PRAGMA index_list(${name})`)) {
        const cols = await db.all<{ name: string }>(`PRAGMA index_info(${i.name})`);
        out.push(`${name} index ${i.name} (${cols.map((c) => c.name).join(", ")})`);
      }
    }
    return out.sort();
  }
  const cols = await db.all<Record<string, unknown>>(
    `SELECT table_name, column_name, data_type, collation_name, is_nullable, column_default, ordinal_position FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const idx = await db.all<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()");
  return [
    ...cols.map((c) => `${c.table_name}.${c.column_name} #${c.ordinal_position} ${c.data_type}${c.collation_name ? ` collate=${c.collation_name}` : ""} nullable=${c.is_nullable} default=${c.column_default}`),
    ...idx.map((i) => i.indexdef.replace(/ ON \w+\./, " ON ")),
  ].sort();
}
