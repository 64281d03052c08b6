import { checkNewTableName, type NamingDialect } from '@databridge/engine';
import { ServiceError } from './service-error.ts';

/**
 * Refuses a spec whose target table names the target database would refuse or silently cut (too
 * long, control characters, …): `bad_input` naming the mapping. Names that are merely unusual
 * (spaces, another style) are the wizard's to ask about, not the API's to refuse.
 */
export function checkTargetTableNames(spec: { readonly mappings?: unknown }, dialect: NamingDialect): void {
  // Read before the spec's own schema runs (the store checks the rest): only string names matter here.
  const mappings = Array.isArray(spec.mappings)
    ? (spec.mappings as { source?: unknown; target?: unknown }[])
    : [];
  mappings.forEach((mapping, index) => {
    if (typeof mapping?.target !== 'string') return;
    const verdict = checkNewTableName(mapping.target, dialect);
    if (verdict.verdict === 'invalid') {
      throw new ServiceError(
        'bad_input',
        `Table mapping ${index + 1}: the target table “${mapping.target}” of ${String(mapping.source)} cannot be created: ${verdict.message}; choose a shorter or plainer name.`,
        { field: `mappings.${index}.target` },
      );
    }
  });
}
