import { z } from 'zod';

/** An execution id as the routes accept it. */
export const ExecutionId = z.string().trim().min(1, 'is required').max(100, 'is too long');
