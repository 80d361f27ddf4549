/**
 * Job kinds, registered by the domains that own them at start-up (server/job-kinds.ts). The queue
 * and the worker know no domain: a lower layer importing billing to find its handler is what this
 * registry replaces (README.md in this folder).
 */
import type { Db, DbOrTx } from '../db/client';
import type { jobs } from '../db/schema';

export type Job = typeof jobs.$inferSelect;

export interface JobRunEnv {
  db: Db;
  workerId: string;
  /** Clock for the rows the handler writes; leases always use the wall clock. */
  now: () => Date;
  /**
   * Aborted when this worker lost the job's lease (another worker may be running it now): the
   * handler must stop before writing anything else.
   */
  signal: AbortSignal;
  /**
   * Call first thing in the handler's write transaction: locks the job row and throws unless this
   * worker still holds it, so the transaction commits only while nobody else can run the job.
   */
  holdLease(tx: DbOrTx): Promise<void>;
}

export interface Backoff {
  /** Delay before the first retry; each further retry doubles it. */
  baseMs: number;
  /** The delay never grows beyond this. */
  capMs: number;
}

export interface JobKind {
  kind: string;
  run(job: Job, env: JobRunEnv): Promise<void>;
  /** Called once when the last attempt failed (e.g. mark the domain's own row failed). */
  onFinalFailure?(db: Db, job: Job, err: unknown): Promise<void>;
  retry?: { maxAttempts?: number; backoff?: Backoff };
}

export const DEFAULT_MAX_ATTEMPTS = 5;
/** 1 s, 2 s, 4 s ... capped at a minute: what every kind had before kinds could choose. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, capMs: 60_000 };

const kinds = new Map<string, JobKind>();

/**
 * Registers a kind. Registering the same definition again is a no-op (start-up code and test
 * helpers may both call a domain's register function); a second, different definition of one
 * kind is a programming error, since the worker could only ever run one of them.
 */
export function registerJobKind(def: JobKind): void {
  const had = kinds.get(def.kind);
  if (had && had !== def) throw new Error(`job kind "${def.kind}" is registered twice`);
  kinds.set(def.kind, def);
}

/** Removes a kind (tests put back the registry as they found it). */
export function unregisterJobKind(kind: string): void {
  kinds.delete(kind);
}

export function jobKind(kind: string): JobKind | undefined {
  return kinds.get(kind);
}

export function registeredKinds(): string[] {
  return [...kinds.keys()];
}

/** Delay before retry number `attempt` (1 = the retry after the first failure). */
export function backoffDelay(attempt: number, b: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(b.capMs, b.baseMs * 2 ** Math.max(0, attempt - 1));
}
