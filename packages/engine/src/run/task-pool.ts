/**
 * Runs jobs with at most `limit` at a time. On the first failure no further job starts and `onFailure`
 * is called (the runner aborts the others at their next batch boundary); the first error is rethrown
 * once every started job has settled.
 */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  job: (item: T) => Promise<void>,
  onFailure: (error: unknown) => void,
): Promise<void> {
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !firstError) {
      const item = items[next++]!;
      try {
        await job(item);
      } catch (error) {
        if (!firstError) {
          firstError = { error };
          onFailure(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (firstError) throw firstError.error;
}
