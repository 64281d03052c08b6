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
import { ApiError, api } from '../../../../../lib/api-client.ts';
import { type ExecutionStatus, isTerminal } from '../../../../_components/monitor/execution-types.ts';
import { useExecutionEvents } from '../../../../_components/monitor/use-execution-events.ts';
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
  /**
   * Why the plan refuses the saved spec, as the last preview found (an unknown SQL function, a
   * table mapped onto itself): Start stays off until the spec is saved changed, or previews clean.
   */
  readonly planBlocker: string | null;
  setPreviewStatus(status: 'clean' | 'issues' | null, planBlocker?: string | null): void;
  /** The project's newest execution as last seen live; the sidebar and the header follow it. */
  readonly lastExecution: { readonly id: string; readonly status: ExecutionStatus } | null;
  /** Tells the wizard of an execution's status (a start, the monitor's stream, the history). */
  noteExecution(id: string, status: ExecutionStatus, newest?: boolean): void;
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
  const [previewStatus, setPreviewState] = useState<'clean' | 'issues' | null>(null);
  const [planBlocker, setPlanBlocker] = useState<string | null>(null);
  const [lastExecution, setLastExecution] = useState<WizardValue['lastExecution']>(
    initial.lastExecution ? { id: initial.lastExecution.id, status: initial.lastExecution.status } : null,
  );
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
    setPreviewState(null);
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
      // The field's path stays in the API's answer for programs; people read the sentence.
      setSaveError(
        error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error),
      );
      return false;
    } finally {
      setSaving(false);
    }
  }, [project.id]);

  const loadSchemas = useCallback(
    (force = false) => {
      const state = schemaState.current;
      // Marked at once: a page and the provider may both ask in the same render.
      if (project.source && (force || state.source === 'idle' || state.source === 'failed')) {
        state.source = 'loading';
        void load(`/api/connections/${project.source.id}/schema`, setSourceSchema);
      }
      if (project.target && (force || state.target === 'idle' || state.target === 'failed')) {
        state.target = 'loading';
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

  // A preview's verdict holds for the saved spec it checked: kept in the browser, so that step 5's
  // mark survives a reload or a visit the next day, and dropped once the spec is saved differently.
  const previewKey = `databridge:preview:${project.id}`;
  useEffect(() => {
    try {
      const stored = JSON.parse(window.localStorage.getItem(previewKey) ?? 'null') as {
        updatedAt: string;
        status: 'clean' | 'issues';
        planBlocker?: string | null;
      } | null;
      if (stored && stored.updatedAt === project.updatedAt) {
        setPreviewState(stored.status);
        setPlanBlocker(stored.planBlocker ?? null);
      } else {
        setPlanBlocker(null); // a refusal of an older spec says nothing of this one
      }
    } catch {
      // storage off or unreadable: the mark waits for the next preview
    }
  }, [previewKey, project.updatedAt]);
  const setPreviewStatus = useCallback(
    (status: 'clean' | 'issues' | null, blocker: string | null = null) => {
      setPreviewState(status);
      setPlanBlocker(blocker);
      try {
        if (status === null) window.localStorage.removeItem(previewKey);
        else
          window.localStorage.setItem(
            previewKey,
            JSON.stringify({ updatedAt: project.updatedAt, status, planBlocker: blocker }),
          );
      } catch {
        // storage off: the mark lasts as long as the page
      }
    },
    [previewKey, project.updatedAt],
  );

  const noteExecution = useCallback((id: string, status: ExecutionStatus, newest = true) => {
    setLastExecution((current) => {
      if (current?.id === id) return current.status === status ? current : { id, status };
      return newest ? { id, status } : current;
    });
  }, []);

  // The newest execution while it runs, followed live wherever the user is in the wizard.
  const followed = lastExecution && !isTerminal(lastExecution.status) ? lastExecution.id : null;
  const followedEvents = useExecutionEvents(followed);
  useEffect(() => {
    const view = followedEvents.view;
    if (view) noteExecution(view.executionId, view.status, false);
  }, [followedEvents.view, noteExecution]);

  // Every step's state needs the schemas (step 2's checks use them): read them on any first page, so
  // that the header's count does not depend on which step was opened first.
  useEffect(() => {
    loadSchemas();
  }, [loadSchemas]);

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
    () => stepStates(spec, issues, lastExecution?.status ?? null, previewStatus),
    [spec, issues, lastExecution, previewStatus],
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
    planBlocker,
    setPreviewStatus,
    lastExecution,
    noteExecution,
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
