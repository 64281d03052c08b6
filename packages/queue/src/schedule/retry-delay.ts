// The engine owns the backoff so that the CLI's retries wait exactly as the executors' do.
export { retryDelayMs } from '@databridge/engine';
