// What a browser may import from the queue: the plain-zod inputs of the services and pure helpers,
// none of which loads BullMQ, Redis or the store (the package index does).

export { alertDeliveryProblems, type SmtpStatus } from './alerts/delivery-problems.ts';
export { endOfSkippedTime, instantsAtWallClock, wallClockAt } from './schedule/time-zone.ts';
export {
  CONNECTION_KINDS,
  type ConnectionFormKind,
  CreateConnectionInput,
  DEFAULT_PORTS,
  kindFacts,
  UpdateConnectionInput,
} from './services/connection-inputs.ts';
export { CreateProjectInput } from './services/project-inputs.ts';
