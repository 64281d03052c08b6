export { type Actor, auditActor } from './actor.ts';
export * from './admin-service.ts';
export { audit } from './audit.ts';
export * from './auth-service.ts';
export { authenticate, type Credentials } from './authenticate.ts';
export { authorize } from './authorize.ts';
export * from './client-address.ts';
export { can, PERMISSIONS, type Permission } from './permissions.ts';
export * from './session-cookie.ts';
