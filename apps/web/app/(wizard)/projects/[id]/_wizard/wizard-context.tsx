'use client';

import type { MigrationSpec } from '@databridge/engine';
import type { ProjectView, SuggestionsView } from '@databridge/queue';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { api } from '../../../../../lib/api-client.ts';
import type { SchemaData } from './schema-names.ts';
import type { StepSlug, StepState } from './steps.ts';
import { type Issue, specIssues, stepStates } from './validation.ts';

/** Something loaded from the API: not yet asked for, loading, there, or failed with a message. */
export type Loadable<T> =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; value: T }
  | { state: 'failed'; message: string };

interface WizardValue {
  readonly project: ProjectView;
  /** The spec being edited; saved with `save()`. */
  readonly spec: MigrationSpec;
  readonly dirty: boolean;
  readonly saving: boolean;
  readonly saveError: string | null;
  readonly savedAt: number | null;
  readonly issues: readonly Issue[];
  /** Fields typed but not valid yet (so not in the spec): they block Save, Next and Start. */
  readonly draftErrors: readonly Issue[];
  /** How the last preview of the saved spec went; forgotten at the next edit. */
  readonly previewStatus: 'clean' | 'issues' | null;
  setPreviewStatus(status: 'clean' | 'issues' | null): void;
  /** A form reports its invalid draft under `key` (null when valid again or gone). */
  reportDraft(key: string, issue: Issue | null): void;
  readonly states: Record<StepSlug, StepState>;
  readonly sourceSchema: Loadable<SchemaData>;
  readonly targetSchema: Loadable<SchemaData>;
  readonly suggestions: Loadable<SuggestionsView>;
  /** Changes the draft spec. */
  edit(change: (spec: MigrationSpec) => MigrationSpec): void;
  /** Saves the draft; resolves false (with `saveError`) when the server refuses it. */
  save(): Promise<boolean>;
  /** Reads both schemas (once; `force` reads again). */
  loadSchemas(force?: boolean): void;
  loadSuggestions(force?: boolean): void;
}

const WizardContext = createContext<WizardValue | null>(null);

export function useWizard(): WizardValue {
  const value = useContext(WizardContext);
  if (!value) throw new Error('useWizard outside WizardProvider');
  return value;
}

async function load<T>(path: string, set: (value: Loadable<T>) => void): Promise<void> {
  set({ state: 'loading' });
  try {
    set({ state: 'ready', value: await api<T>(path) });
  } catch (error) {
    set({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

export function WizardProvider({
  project: initial,
  children,
}: {
  project: ProjectView;
  children: ReactNode;
}) {
  const [project, setProject] = useState(initial);
  const [spec, setSpec] = useState<MigrationSpec>(initial.spec);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [sourceSchema, setSourceSchema] = useState<Loadable<SchemaData>>({ state: 'idle' });
  const [targetSchema, setTargetSchema] = useState<Loadable<SchemaData>>({ state: 'idle' });
  const [suggestions, setSuggestions] = useState<Loadable<SuggestionsView>>({ state: 'idle' });
  const [drafts, setDrafts] = useState<Record<string, Issue>>({});
  const [previewStatus, setPreviewStatus] = useState<'clean' | 'issues' | null>(null);
  const specRef = useRef(spec);
  specRef.current = spec;
  const schemaState = useRef({ source: sourceSchema.state, target: targetSchema.state, suggestions: 'idle' });
  schemaState.current = {
    source: sourceSchema.state,
    target: targetSchema.state,
    suggestions: suggestions.state,
  };

  const edit = useCallback((change: (spec: MigrationSpec) => MigrationSpec) => {
    setSpec((current) => change(current));
    setDirty(true);
    setPreviewStatus(null);
    setSaveError(null);
  }, []);

  const save = useCallback(async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await api<ProjectView>(`/api/projects/${project.id}`, {
        method: 'PATCH',
        body: { spec: specRef.current },
      });
      setProject(saved);
      // Keep edits made while the request was on its way.
      setSpec((current) => (current === specRef.current ? saved.spec : current));
      setDirty(false);
      setSavedAt(Date.now());
      return true;
    } catch (error) {
      setSaveError(error instanceof Error ? error.message : String(error));
      return false;
    } finally {
      setSaving(false);
    }
  }, [project.id]);

  const loadSchemas = useCallback(
    (force = false) => {
      const state = schemaState.current;
      if (project.source && (force || state.source === 'idle' || state.source === 'failed')) {
        void load(`/api/connections/${project.source.id}/schema`, setSourceSchema);
      }
      if (project.target && (force || state.target === 'idle' || state.target === 'failed')) {
        void load(`/api/connections/${project.target.id}/schema`, setTargetSchema);
      }
    },
    [project.source, project.target],
  );

  const loadSuggestions = useCallback(
    (force = false) => {
      const state = schemaState.current.suggestions;
      if (force || state === 'idle' || state === 'failed') {
        void load(`/api/projects/${project.id}/suggestions`, setSuggestions);
      }
    },
    [project.id],
  );

  const reportDraft = useCallback((key: string, issue: Issue | null) => {
    setDrafts((current) => {
      if (issue === null) {
        if (!(key in current)) return current;
        const { [key]: _gone, ...rest } = current;
        return rest;
      }
      return current[key]?.message === issue.message ? current : { ...current, [key]: issue };
    });
  }, []);

  // A reload or a closed tab would lose unsaved edits: ask first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const schemas = useMemo(
    () => ({
      source: sourceSchema.state === 'ready' ? sourceSchema.value : undefined,
      target: targetSchema.state === 'ready' ? targetSchema.value : undefined,
    }),
    [sourceSchema, targetSchema],
  );
  const draftErrors = useMemo(() => Object.values(drafts), [drafts]);
  const issues = useMemo(() => [...specIssues(spec, schemas), ...draftErrors], [spec, schemas, draftErrors]);
  const states = useMemo(
    () => stepStates(spec, issues, project.lastExecution?.status ?? null, previewStatus),
    [spec, issues, project.lastExecution, previewStatus],
  );

  const value: WizardValue = {
    project,
    spec,
    dirty,
    saving,
    saveError,
    savedAt,
    issues,
    draftErrors,
    reportDraft,
    previewStatus,
    setPreviewStatus,
    states,
    sourceSchema,
    targetSchema,
    suggestions,
    edit,
    save,
    loadSchemas,
    loadSuggestions,
  };
  return <WizardContext.Provider value={value}>{children}</WizardContext.Provider>;
}
