/**
 * A spec field's path in words and one sentence per schema issue: the engine's helpers (labelled.ts),
 * so the wizard, the API and the CLI word a field the same way. The path itself stays in the API's
 * JSON for programs; it never reaches a sentence.
 */
export { fieldLabel as describeField, issueSentence } from '../../../../../lib/client-safe.ts';
