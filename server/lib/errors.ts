/**
 * Typed service errors with a closed set of stable codes. Services throw these; the HTTP edge
 * (server/app.ts onError) maps them to RFC 9457 problem+json. Codes are grouped by module in
 * numeric ranges (as Kill Bill does) so logs and clients can branch on them without parsing text.
 */

/** One problem with one field of the input, named by its JSON path (`a.b[2].c`). */
export interface FieldIssue {
  path: string;
  message: string;
  code?: string;
}

export const ErrorCodes = {
  // 1xxx: generic request problems
  VALIDATION_FAILED: { status: 422, num: 1001, title: 'The request has invalid fields' },
  BAD_REQUEST: { status: 400, num: 1002, title: 'The request could not be read' },
  NOT_FOUND: { status: 404, num: 1004, title: 'Not found' },
  CONFLICT: { status: 409, num: 1009, title: 'Conflict with the current state' },
  // 2xxx: authentication and authorisation
  UNAUTHENTICATED: { status: 401, num: 2001, title: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, num: 2002, title: 'Invalid e-mail or password' },
  FORBIDDEN: { status: 403, num: 2003, title: 'Permission denied' },
  // 3xxx: catalog and rating
  PLAN_INVALID: { status: 422, num: 3001, title: 'The plan document is invalid' },
  RULE_INVALID: { status: 422, num: 3002, title: 'The rule document is invalid' },
  VERSION_IMMUTABLE: { status: 409, num: 3003, title: 'A published version cannot be changed' },
  NOT_ELIGIBLE: { status: 422, num: 3004, title: 'The customer is not eligible for this plan' },
  // 5xxx: invoices and delivery
  EMAIL_NOT_CONFIGURED: { status: 409, num: 5001, title: 'E-mail is not configured on this server' },
  EMAIL_FAILED: { status: 502, num: 5002, title: 'The mail server did not accept the message' },
  // 9xxx: server
  INTERNAL: { status: 500, num: 9000, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];
  readonly detail?: string;
  constructor(code: ErrorCode, detail?: string, issues: FieldIssue[] = []) {
    super(detail ?? ErrorCodes[code].title);
    this.code = code;
    this.detail = detail;
    this.issues = issues;
  }
  get status(): number {
    return ErrorCodes[this.code].status;
  }
}

export const notFound = (what: string) => new ServiceError('NOT_FOUND', `${what} not found`);
export const forbidden = (permission: string) =>
  new ServiceError('FORBIDDEN', `This action needs the permission "${permission}"`);
export const conflict = (detail: string, issues: FieldIssue[] = []) =>
  new ServiceError('CONFLICT', detail, issues);
export const invalid = (issues: FieldIssue[], detail?: string) =>
  new ServiceError('VALIDATION_FAILED', detail ?? issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);

/** Formats a path array (from zod or a validator) as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '$';
}
