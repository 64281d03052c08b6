/**
 * The catalog queries behind introspection: each reads every table of the chosen schemas at once,
 * so a database with hundreds of tables costs the same few round trips as one with two.
 */

/** Schemas a user can see, without PostgreSQL's own (`pg_catalog`, `pg_toast`, `pg_temp_*`...). */
export const SCHEMAS_SQL = `
SELECT nspname AS name
FROM pg_namespace
WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%'
  AND has_schema_privilege(oid, 'USAGE')
ORDER BY nspname`;

/**
 * One row per column of every ordinary and partitioned table (partitions are read through their
 * parent). A domain column is typed by its base type. `pages` is the relation's size now, where
 * `relpages` is its size at the last VACUUM or ANALYZE.
 */
export const COLUMNS_SQL = `
SELECT c.oid, n.nspname AS schema, c.relname AS table, c.relkind AS kind,
  c.reltuples AS reltuples, c.relpages AS relpages,
  pg_relation_size(c.oid) / current_setting('block_size')::int AS pages,
  a.attname AS column, format_type(a.atttypid, a.atttypmod) AS native_type,
  COALESCE(bt.typname, t.typname) AS typname,
  CASE WHEN t.typtype = 'd' AND a.atttypmod < 0 THEN t.typtypmod ELSE a.atttypmod END AS typmod,
  a.attnotnull AS not_null, a.attidentity AS identity,
  CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS default_value
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY($1::text[]) AND c.relname <> $2
ORDER BY n.nspname, c.relname, a.attnum`;

const columnNames = (keys: string, relation: string, filter = '') => `array_to_json(ARRAY(
    SELECT a.attname FROM unnest(${keys}) WITH ORDINALITY k(num, pos)
    JOIN pg_attribute a ON a.attrelid = ${relation} AND a.attnum = k.num ${filter}
    ORDER BY k.pos))::text`;

/**
 * Primary keys (`p`), unique constraints (`u`) and foreign keys (`f`) with their columns in key
 * order, plus unique indexes that back no constraint (`i`), as users often declare uniqueness that way.
 * Partial and expression indexes are left out: they cannot serve as a conflict key.
 */
export const KEYS_SQL = `
SELECT con.conrelid AS oid, con.conname AS name, con.contype AS kind,
  ${columnNames('con.conkey', 'con.conrelid')} AS columns,
  rn.nspname AS ref_schema, rc.relname AS ref_table,
  ${columnNames('con.confkey', 'con.confrelid')} AS ref_columns
FROM pg_constraint con
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype IN ('p', 'u', 'f') AND con.conrelid = ANY($1::oid[])
UNION ALL
SELECT i.indrelid, ic.relname, 'i',
  ${columnNames('i.indkey::int2[]', 'i.indrelid', 'WHERE k.pos <= i.indnkeyatts')},
  NULL, NULL, NULL
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL AND i.indexprs IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
  AND i.indrelid = ANY($1::oid[])
ORDER BY 1, 2`;

/**
 * Every index but the primary key's, with its columns in key order (an empty name for an expression),
 * whether it is unique, partial, and its access method.
 */
export const INDEXES_SQL = `
SELECT i.indrelid AS oid, ic.relname AS name, i.indisunique AS unique, i.indpred IS NOT NULL AS partial,
  am.amname AS method,
  array_to_json(ARRAY(
    SELECT COALESCE(a.attname, '') FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, pos)
    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
    WHERE k.pos <= i.indnkeyatts ORDER BY k.pos))::text AS columns
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE NOT i.indisprimary AND i.indrelid = ANY($1::oid[])
ORDER BY 1, 2`;

/** Table and column comments, and the labels of enum-typed columns, in declared order. */
export const COLUMN_EXTRAS_SQL = `
SELECT c.oid, obj_description(c.oid, 'pg_class') AS table_comment, a.attname AS column,
  col_description(c.oid, a.attnum) AS comment,
  CASE WHEN t.typtype = 'e' THEN array_to_json(ARRAY(
    SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder))::text END AS labels
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.oid = ANY($1::oid[])
ORDER BY 1, a.attnum`;

/** Views, triggers and routines of the schemas: not migrated, listed by the plan. */
export const OTHER_OBJECTS_SQL = `
SELECT 'view' AS kind, n.nspname AS schema, c.relname AS name FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1::text[])
UNION ALL
SELECT 'trigger', n.nspname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = ANY($1::text[])
UNION ALL
SELECT 'routine', n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2, 3`;

/** CHECK constraints as PostgreSQL prints them (`CHECK ((price > (0)::numeric))`), NOT NULL ones aside. */
export const CHECKS_SQL = `
SELECT con.conrelid AS oid, con.conname AS name, pg_get_constraintdef(con.oid) AS def
FROM pg_constraint con
WHERE con.contype = 'c' AND con.conrelid = ANY($1::oid[])
ORDER BY 1, 2`;
