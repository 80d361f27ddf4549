/**
 * Typed service errors with a closed set of stable codes. Services throw these; the HTTP edge
 * (server/app.ts onError) maps them to RFC 9457 problem+json. Codes are grouped by module in
 * numeric ranges (as Kill Bill does) so logs and clients can branch on them without parsing text.
 * Titles and messages are written in English here; the edge answers in Korean when the request
 * asks for it (`titleKo` below, message templates in server/lib/messages-ko.ts).
 */

/**
 * Where a field issue made from a zod issue keeps that issue (its code and parameters), so the
 * HTTP edge can word it in the request's language (server/lib/i18n.ts). A symbol key: never
 * serialised into the JSON body.
 */
export const ZOD_ISSUE: unique symbol = Symbol('billwise.zodIssue');

/** A zod 4 issue (`$ZodIssue`): its code, message and the code's parameters. */
export interface ZodIssueLike {
  readonly code: string;
  readonly message: string;
}

/** One problem with one field of the input, named by its JSON path (`a.b[2].c`). */
export interface FieldIssue {
  path: string;
  message: string;
  code?: string;
  [ZOD_ISSUE]?: ZodIssueLike;
}

export const ErrorCodes = {
  // 1xxx: generic request problems
  VALIDATION_FAILED: { status: 422, num: 1001, title: 'The request has invalid fields', titleKo: '요청에 올바르지 않은 항목이 있습니다' },
  BAD_REQUEST: { status: 400, num: 1002, title: 'The request could not be read', titleKo: '요청을 읽을 수 없습니다' },
  NOT_FOUND: { status: 404, num: 1004, title: 'Not found', titleKo: '찾을 수 없습니다' },
  CONFLICT: { status: 409, num: 1009, title: 'Conflict with the current state', titleKo: '현재 상태와 충돌합니다' },
  PAYLOAD_TOO_LARGE: { status: 413, num: 1013, title: 'The request body is too large', titleKo: '요청 본문이 너무 큽니다' },
  // 2xxx: authentication and authorisation
  UNAUTHENTICATED: { status: 401, num: 2001, title: 'Authentication required', titleKo: '로그인이 필요합니다' },
  INVALID_CREDENTIALS: { status: 401, num: 2002, title: 'Invalid e-mail or password', titleKo: '이메일 또는 비밀번호가 올바르지 않습니다' },
  FORBIDDEN: { status: 403, num: 2003, title: 'Permission denied', titleKo: '권한이 없습니다' },
  TOO_MANY_ATTEMPTS: { status: 429, num: 2004, title: 'Too many attempts', titleKo: '시도가 너무 많습니다' },
  CROSS_SITE_REQUEST: { status: 403, num: 2010, title: 'Cross-site request refused', titleKo: '다른 사이트에서 보낸 요청은 거부됩니다' },
  // 3xxx: catalog and rating
  PLAN_INVALID: { status: 422, num: 3001, title: 'The plan document is invalid', titleKo: '상품 문서가 올바르지 않습니다' },
  RULE_INVALID: { status: 422, num: 3002, title: 'The rule document is invalid', titleKo: '룰 문서가 올바르지 않습니다' },
  VERSION_IMMUTABLE: { status: 409, num: 3003, title: 'A published version cannot be changed', titleKo: '게시된 버전은 변경할 수 없습니다' },
  NOT_ELIGIBLE: { status: 422, num: 3004, title: 'The customer is not eligible for this plan', titleKo: '고객이 이 상품의 가입 조건을 충족하지 않습니다' },
  // 5xxx: invoices and delivery
  EMAIL_NOT_CONFIGURED: { status: 409, num: 5001, title: 'E-mail is not configured on this server', titleKo: '이 서버에는 이메일 발송이 설정되어 있지 않습니다' },
  EMAIL_FAILED: { status: 502, num: 5002, title: 'The mail server did not accept the message', titleKo: '메일 서버가 메시지를 받지 않았습니다' },
  // 6xxx: collections
  GATEWAY_UNAVAILABLE: { status: 503, num: 6001, title: 'The payment provider did not answer', titleKo: '결제대행사가 응답하지 않았습니다' },
  WEBHOOK_NOT_STORED: { status: 503, num: 6002, title: 'The webhook could not be stored; deliver it again', titleKo: '웹훅을 저장하지 못했습니다. 다시 보내 주세요' },
  // 9xxx: server
  INTERNAL: { status: 500, num: 9000, title: 'Internal error', titleKo: '서버 내부 오류가 발생했습니다' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];
  readonly detail?: string;
  /** Seconds until a retry may succeed: sent as Retry-After (429). */
  retryAfter?: number;
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
