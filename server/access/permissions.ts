/**
 * The closed catalog of permissions (module:action) and the built-in roles every tenant gets.
 * Groups hold a subset of these codes; a user's permissions are the union over their groups.
 */
export interface PermissionDef {
  code: string;
  module: string;
  label: { ko: string; en: string };
}

const P = (code: string, ko: string, en: string): PermissionDef => ({ code, module: code.split(':')[0], label: { ko, en } });

export const PERMISSIONS: PermissionDef[] = [
  P('tenant:read', '사업자 정보 조회', 'View tenant settings'),
  P('tenant:write', '사업자 정보 변경', 'Change tenant settings'),
  P('users:read', '사용자 조회', 'View users'),
  P('users:write', '사용자 관리', 'Manage users'),
  P('groups:write', '그룹/권한 관리', 'Manage groups and permissions'),
  P('apikeys:read', 'API 키 조회', 'View API keys'),
  P('apikeys:write', 'API 키 관리', 'Manage API keys'),
  P('audit:read', '감사 로그 조회', 'View the audit log'),
  P('catalog:read', '상품 조회', 'View plans'),
  P('catalog:write', '상품 관리', 'Manage plans'),
  P('rules:read', '할인/프로모션 규칙 조회', 'View rules'),
  P('rules:write', '할인/프로모션/쿠폰 룰 관리', 'Manage discount, promotion, coupon, free-unit and points rules'),
  // Which rule kind needs which of these: server/catalog/kinds.ts (price overrides need catalog:write).
  P('rules:write_tax', '세금 룰 관리', 'Manage tax rules'),
  P('rules:write_dunning', '미납 조치 룰 관리', 'Manage dunning rules'),
  P('customers:read', '고객 조회', 'View customers'),
  P('customers:write', '고객 관리', 'Manage customers'),
  P('billing:read', '빌링 조회', 'View billing'),
  P('billing:write', '빌링 작업', 'Run billing'),
  P('invoices:read', '청구 조회', 'View invoices'),
  P('invoices:write', '청구 관리', 'Manage invoices'),
  P('payments:read', '수납 조회', 'View payments'),
  P('payments:write', '수납 관리', 'Manage payments'),
  P('analytics:read', '통계 조회', 'View analytics'),
  // Outbound webhooks and dunning had borrowed tenant:* and invoices:*; migration 0016 gave these
  // to every group and key that held the borrowed ones, so nobody lost access.
  P('webhooks:read', '웹훅 조회', 'View webhook endpoints and deliveries'),
  P('webhooks:write', '웹훅 관리', 'Manage webhook endpoints'),
  P('dunning:read', '미납 조치 조회', 'View dunning'),
  P('dunning:write', '미납 조치 실행', 'Run dunning, exclusions and invoice controls'),
  // Gateway settings had borrowed payments:read (reading) and tenant:write (credentials, on/off,
  // connection tests); migration 0024 gave these to every group and key holding the borrowed ones.
  P('gateways:read', 'PG사 설정 조회', 'View payment gateway settings'),
  P('gateways:write', 'PG사 설정 관리', 'Manage payment gateway credentials and settings'),
];

export const PERMISSION_CODES = new Set(PERMISSIONS.map((p) => p.code));

const all = PERMISSIONS.map((p) => p.code);
const reads = all.filter((c) => c.endsWith(':read'));

export interface RoleDef {
  code: string;
  name: { ko: string; en: string };
  description: string;
  permissions: string[];
}

export const BUILT_IN_ROLES: RoleDef[] = [
  { code: 'admin', name: { ko: '관리자', en: 'Administrator' }, description: 'Everything in the tenant', permissions: all },
  {
    code: 'billing_manager', name: { ko: '빌링 관리자', en: 'Billing manager' },
    description: 'Plans, customers, bill runs, invoices and payments',
    permissions: ['tenant:read', 'catalog:read', 'catalog:write', 'rules:read', 'rules:write_tax', 'rules:write_dunning', 'customers:read', 'customers:write',
      'billing:read', 'billing:write', 'invoices:read', 'invoices:write', 'payments:read', 'payments:write', 'analytics:read', 'audit:read',
      'dunning:read', 'dunning:write', 'webhooks:read', 'gateways:read'],
  },
  {
    code: 'marketer', name: { ko: '마케터', en: 'Marketer' },
    description: 'Discounts, promotions, coupons and their results',
    permissions: ['tenant:read', 'catalog:read', 'rules:read', 'rules:write', 'customers:read', 'analytics:read'],
  },
  {
    code: 'executive', name: { ko: '경영진', en: 'Executive' },
    description: 'Read-only dashboards and reports',
    permissions: reads.filter((c) => c !== 'apikeys:read' && c !== 'audit:read' && c !== 'users:read'),
  },
  {
    code: 'support_agent', name: { ko: '상담원', en: 'Support agent' },
    description: 'Customer lookups and changes, invoice questions',
    permissions: ['tenant:read', 'catalog:read', 'rules:read', 'customers:read', 'customers:write', 'billing:read', 'invoices:read', 'payments:read', 'dunning:read'],
  },
];
