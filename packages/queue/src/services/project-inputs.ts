import { z } from 'zod';

// The inputs of the project services: plain zod, no server imports, so that the browser's forms
// validate with the very schemas the API uses.

export const ProjectId = z.string().trim().min(1, 'is required').max(100, 'is not a project id');

const projectName = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'a project needs a name')
  .max(120, 'at most 120 characters');
const description = z.string().trim().max(2000, 'at most 2000 characters');
const connectionId = z.string({ error: 'choose a connection' }).trim().min(1, 'choose a connection');

/**
 * Body of `POST /api/projects`. Without a spec, the project starts with the auto-mapped tables and
 * columns of its two databases (the same draft `databridge init` writes).
 */
export const CreateProjectInput = z
  .object({
    name: projectName,
    description: description.optional(),
    sourceConnectionId: connectionId,
    targetConnectionId: connectionId,
    /** A migration spec (parsed JSON/YAML); its URLs are replaced by the two connections. */
    spec: z.record(z.string(), z.unknown(), { error: 'must be a spec object' }).optional(),
  })
  .strict();
export type CreateProjectInput = z.input<typeof CreateProjectInput>;

/** Body of `PATCH /api/projects/[id]`: any of the fields; the spec is validated again. */
export const UpdateProjectInput = z
  .object({
    name: projectName.optional(),
    description: description.optional(),
    sourceConnectionId: connectionId.optional(),
    targetConnectionId: connectionId.optional(),
    spec: z.record(z.string(), z.unknown(), { error: 'must be a spec object' }).optional(),
  })
  .strict()
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message: 'give at least one of name, description, sourceConnectionId, targetConnectionId, spec',
    path: ['body'],
  });
export type UpdateProjectInput = z.input<typeof UpdateProjectInput>;

export const SpecFormat = z.enum(['yaml', 'json'], { error: 'must be yaml or json' });
export type SpecFormat = z.infer<typeof SpecFormat>;

/**
 * Body of `POST /api/projects/import`: a spec document (YAML or JSON) as text. Its source and target
 * URLs pick the saved connections with the same server, user and database unless the ids are given.
 * With `projectId` the document replaces that project's spec; otherwise a new project is created.
 */
export const ImportProjectInput = z
  .object({
    text: z
      .string({ error: 'is required' })
      .min(1, 'the file is empty')
      .max(2_000_000, 'the file is larger than 2 MB'),
    fileName: z.string().trim().max(255).optional(),
    name: projectName.optional(),
    description: description.optional(),
    sourceConnectionId: connectionId.optional(),
    targetConnectionId: connectionId.optional(),
    projectId: z.string().trim().min(1).optional(),
  })
  .strict();
export type ImportProjectInput = z.input<typeof ImportProjectInput>;
