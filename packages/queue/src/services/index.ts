// What the web app (route handlers, server actions, pages) calls. The package index re-exports this.
export {
  getServiceContext,
  openServiceContext,
  type ServiceContext,
  setServiceContext,
} from '../context.ts';
export * from './airflow-service.ts';
export { hideAlertSecrets } from './alert-secrets.ts';
export * from './alerts-service.ts';
export * from './artefact-files.ts';
export * from './connections-service.ts';
export * from './dag-service.ts';
export * from './grid-service.ts';
export * from './health-service.ts';
export * from './preview-service.ts';
export * from './projects-service.ts';
export * from './report-files.ts';
export { ServiceError, type ServiceErrorCode, toServiceError } from './service-error.ts';
export * from './sqlite-files.ts';
export * from './staging-service.ts';
export * from './sync-state-service.ts';
