import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { connectorOf } from '../connectors/registry.ts';
import type { MappingSuggestions } from '../mapping/auto-map.ts';
import { CONFIDENT } from '../mapping/auto-map.ts';
import type { DialectName, TableInfo } from '../schema/model.ts';
import { words } from '../schema/similarity.ts';
import type { MigrationSpecInput } from './spec-schema.ts';

export interface SpecDraft {
  readonly name: string;
  readonly sourceUrl: string;
  readonly targetUrl: string;
  readonly targetDialect: DialectName;
  readonly suggestions: MappingSuggestions;
  readonly sourceDefaultSchema: string;
  readonly targetDefaultSchema: string;
}

/**
 * Writes a runnable spec from auto-mapping suggestions: every confident pair becomes a mapping, with
 * its score as a comment; weaker and unmatched tables and columns are listed as comments, not guessed.
 * When the target has no tables at all, source tables map to new tables (`createTables: true`).
 */
export function renderSpecYaml(draft: SpecDraft): string {
  const { suggestions } = draft;
  const emptyTarget = suggestions.tables.length === 0 && suggestions.unmatchedTargetTables.length === 0;
  const name = (t: TableInfo, defaultSchema: string) =>
    t.schema === defaultSchema ? t.name : `${t.schema}.${t.name}`;
  const confident = suggestions.tables.filter((t) => t.score >= CONFIDENT);
  const weak = suggestions.tables.filter((t) => t.score < CONFIDENT);

  const mappings: MigrationSpecInput['mappings'] = emptyTarget
    ? suggestions.unmatchedSourceTables.map((t) => ({
        source: name(t, draft.sourceDefaultSchema),
        target: newName(t.name, draft.targetDialect),
        columns: t.columns.map((c) => ({ source: c.name, target: newName(c.name, draft.targetDialect) })),
      }))
    : confident.map((t) => ({
        source: name(t.source, draft.sourceDefaultSchema),
        target: name(t.target, draft.targetDefaultSchema),
        columns: t.columns
          .filter((c) => c.score >= CONFIDENT)
          .map((c) => ({ source: c.source.name, target: c.target.name })),
      }));
  const spec: MigrationSpecInput = {
    version: 1,
    name: draft.name,
    source: { url: draft.sourceUrl },
    target: { url: draft.targetUrl },
    pipeline: {
      batchSize: 5000,
      parallelism: 4,
      errorPolicy: 'fail_fast',
      createTables: emptyTarget,
      validation: { rowCount: true, checksum: true },
    },
    mappings,
  };
  const doc = new Document(spec);
  doc.commentBefore = ` DataBridge migration spec, written by \`databridge init\`. Run it with: databridge run <this file>\n Reference: docs/spec.md. Passwords can stay out of this file: url: postgres://user:\${PGPASSWORD}@host/db`;
  const seq = doc.get('mappings') as YAMLSeq;
  // One line per column pair reads like the mapping it is.
  for (const item of seq.items) {
    const columns = isMap(item) ? ((item as YAMLMap).get('columns') as YAMLSeq) : undefined;
    for (const c of columns?.items ?? []) if (isMap(c)) c.flow = true;
  }
  if (!emptyTarget) {
    confident.forEach((t, i) => {
      const item = seq.items[i];
      if (!isMap(item)) return;
      (item as YAMLMap).commentBefore =
        ` ${t.source.name} -> ${t.target.name} (table similarity ${t.score.toFixed(2)})`;
      const columnSeq = (item as YAMLMap).get('columns') as YAMLSeq;
      const confidentColumns = t.columns.filter((c) => c.score >= CONFIDENT);
      confidentColumns.forEach((c, j) => {
        const node = columnSeq.items[j];
        if (isMap(node) && c.score < 1) (node as YAMLMap).comment = ` similarity ${c.score.toFixed(2)}`;
      });
      const notes = [
        ...t.columns
          .filter((c) => c.score < CONFIDENT)
          .map((c) => `maybe ${c.source.name} -> ${c.target.name} (similarity ${c.score.toFixed(2)})`),
        ...t.unmatchedSourceColumns.map(
          (c) => `source column ${c.name} (${c.nativeType}) has no match: not copied`,
        ),
        ...t.unmatchedTargetColumns.map(
          (c) => `target column ${c.name} (${c.nativeType}${c.nullable ? '' : ', NOT NULL'}) has no match`,
        ),
      ];
      if (notes.length > 0 && isSeq(columnSeq)) columnSeq.comment = notes.map((n) => ` ${n}`).join('\n');
    });
  }
  const tail = [
    ...weak.map(
      (t) =>
        `maybe ${t.source.name} -> ${t.target.name} (similarity ${t.score.toFixed(2)}): not mapped, check and add it`,
    ),
    ...(emptyTarget
      ? []
      : suggestions.unmatchedSourceTables.map(
          (t) => `source table ${name(t, draft.sourceDefaultSchema)} has no match in the target`,
        )),
    ...suggestions.unmatchedTargetTables.map(
      (t) => `target table ${name(t, draft.targetDefaultSchema)} has no match in the source`,
    ),
  ];
  if (tail.length > 0) doc.comment = tail.map((n) => ` ${n}`).join('\n');
  const text = doc.toString({ lineWidth: 0 });
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** A new table or column name in the target's style (its descriptor's): snake_case, or as is. */
function newName(name: string, dialect: DialectName): string {
  return connectorOf(dialect).newNames === 'snake_case' ? words(name).join('_') : name;
}
