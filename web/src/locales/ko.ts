/** 한국어 메시지 (기본 로캘). 용어는 /work/shared/spec/glossary.md 를 따른다. */
import type { Messages } from './en';
import productsKo from './products.ko';
import opsKo from './ops.ko';
import chargesKo from './charges.ko';
import collectionsKo from './collections.ko';
import depositsKo from './deposits.ko';
import gatewaysKo from './gateways.ko';
import walletOpsKo from './wallet-ops.ko';
import billingKo from './billing.ko';
import traceKo from './trace.ko';
import auditKo from './audit.ko';
import formsKo from './forms.ko';
import rulesCouponsKo from './rules-coupons.ko';
import dunningKo from './dunning.ko';
import analyticsKo from './analytics.ko';
import churnKo from './churn.ko';
import churnRealisedKo from './churn-realised.ko';
import analyticsFxKo from './analytics-fx.ko';
import invoiceLinesKo from './invoice-lines.ko';
import invoiceDrillKo from './invoice-drill.ko';
import billRunNotesKo from './bill-run-notes.ko';

const ko: Messages = {
  app: { name: 'Billwise', tagline: '룰 기반 빌링 관리 콘솔' },
  common: {
    save: '저장', cancel: '취소', create: '등록', edit: '수정', refresh: '새로고침',
    search: '조회', reset: '초기화', actions: '작업', confirm: '확인', close: '닫기',
    copy: '복사', copied: '클립보드에 복사했습니다', copyFailed: '복사하지 못했습니다. 텍스트를 선택해 복사하세요',
    yes: '예', no: '아니오', all: '전체', none: '없음', never: '없음', saved: '저장했습니다', created: '등록했습니다',
    total: '총 {n}건', required: '{field}을(를) 입력하세요', invalidEmail: '올바른 이메일 주소를 입력하세요',
    minLength: '{n}자 이상 입력하세요', name: '이름', email: '이메일', code: '코드',
    description: '설명', status: '상태', createdAt: '등록일시', locale: '언어',
    unsavedClose: '변경 사항을 버리시겠습니까?', loadFailed: '불러오지 못했습니다: {msg}',
  },
  areas: {
    common: '공통', products: '상품', customers: '고객', billing: '빌링', statistics: '통계',
  },
  menuGroups: { tenant: '사업자', access: '사용자/권한 관리', history: '이력 관리' },
  routes: {
    overview: '사업자 정보', tenants: '사업자 관리', users: '사용자 관리', groups: '그룹/권한 관리',
    apiKeys: 'API 키 관리', auditLog: '감사 로그', forbidden: '권한 없음', notFound: '페이지 없음',
  },
  auth: {
    tenantCode: '사업자 코드 (선택)', tenantCodeHint: '같은 이메일로 여러 사업자에 가입한 경우에만 입력',
    title: '관리 콘솔 로그인', email: '이메일', password: '비밀번호', submit: '로그인',
    logout: '로그아웃', invalid: '이메일 또는 비밀번호가 올바르지 않습니다.',
    sessionExpired: '세션이 만료되었습니다. 다시 로그인하세요.', loggedOut: '로그아웃했습니다',
  },
  topbar: {
    language: '언어', platformAdmin: '플랫폼 관리자', collapse: '메뉴 접기', expand: '메뉴 펼치기',
    tenant: '사업자',
  },
  locales: { ko: '한국어', en: 'English' },
  tenant: {
    summary: '사업자 요약', settings: '사업자 설정', name: '사업자명', code: '사업자 코드',
    currency: '통화', timezone: '시간대', roundingMode: '반올림 방식', locale: '기본 언어', paymentTermsDays: '결제 기한', days: '{n}일',
    status: '상태', createdAt: '입점일시', readOnly: '설정을 조회만 할 수 있습니다. 변경하려면 "{perm}" 권한이 필요합니다.',
    rounding: {
      half_up: '반올림 (0.5 → 1)', half_even: '오사오입 (은행가 반올림)', down: '절사 (버림)',
      up: '절상 (올림)',
    },
    statusValues: { active: '운영', suspended: '정지', closed: '해지' },
  },
  users: {
    create: '사용자 등록', edit: '사용자 수정', groups: '그룹', lastLogin: '최근 로그인',
    password: '비밀번호', newPassword: '새 비밀번호', newPasswordHint: '비워 두면 기존 비밀번호를 유지합니다',
    status: { active: '사용', disabled: '사용 중지' }, disable: '사용 중지', enable: '사용',
    searchPlaceholder: '이름 또는 이메일 검색', localeDefault: '사업자 기본값',
  },
  groups: {
    roleDescriptions: {
      admin: '사업자의 모든 기능', billing_manager: '요금제, 고객, 빌링 실행, 청구서, 수납',
      marketer: '할인, 프로모션, 쿠폰과 그 성과', executive: '대시보드와 보고서 조회 전용',
      support_agent: '고객 조회와 변경, 청구 문의 응대',
    },
    create: '그룹 등록', edit: '그룹 수정', permissions: '권한', builtIn: '기본 그룹',
    members: '사용자 수', editPermissions: '권한 설정', module: '모듈', selectAll: '전체',
    codeHint: '영문 소문자로 시작, 소문자·숫자·_·- 사용 (2~41자)', builtInNote: '기본 그룹은 코드를 변경할 수 없습니다.',
    count: '권한 {n}개',
    modules: {
      tenant: '사업자', users: '사용자', groups: '그룹', apikeys: 'API 키', audit: '감사',
      catalog: '상품', rules: '룰', customers: '고객', billing: '빌링',
      invoices: '인보이스', payments: '수납', analytics: '통계',
    },
  },
  apiKeys: {
    create: 'API 키 발급', name: '키 이름', prefix: '접두어', group: '권한 그룹',
    groupHint: '선택한 그룹의 권한을 가집니다. 그룹을 지정하지 않으면 사업자의 모든 권한을 가집니다', allPermissions: '전체 권한', lastUsed: '최근 사용', revoked: '폐기됨', revokedAt: '폐기일시',
    active: '사용 중', revoke: '폐기', revokeConfirm: '"{name}" 키를 폐기하시겠습니까? 이 키를 쓰는 시스템은 즉시 호출할 수 없게 됩니다.',
    revokedMsg: '키를 폐기했습니다', keyOnceTitle: '발급된 API 키',
    keyOnceWarning: '지금 키를 복사하세요. 이 화면을 닫으면 다시 볼 수 없습니다.',
  },
  audit: {
    time: '일시', actor: '수행자', action: '작업', entityType: '대상 유형', entityId: '대상 ID',
    requestId: '요청 ID', before: '변경 전', after: '변경 후', field: '항목', changedOnly: '변경 항목만',
    noChanges: '기록된 항목 변경이 없습니다', actorTypes: { user: '사용자', api_key: 'API 키', system: '시스템' },
    filterEntityType: '대상 유형', filterAction: '작업',
  },
  tenants: {
    onboard: '사업자 입점', basic: '사업자 기본 정보', settings: '빌링 기준 설정',
    admin: 'Admin 사용자', adminEmail: 'Admin 이메일', adminName: 'Admin 이름',
    adminPassword: 'Admin 비밀번호', onboarded: '사업자 {name}을(를) 등록했습니다. Admin {email}로 로그인할 수 있습니다.',
    codeHint: '짧은 고유 코드 (예: acme)', codePattern: '영문 소문자로 시작, 소문자·숫자·- 사용 (2~41자)', adminNote: '서버가 기본 사용자 그룹을 만들고 이 사용자를 관리자 그룹에 매핑합니다.',
  },
  errors: {
    forbidden: '이 화면에 대한 권한이 없습니다.', notFound: '페이지를 찾을 수 없습니다.',
    network: '서버에 연결할 수 없습니다.', generic: '오류가 발생했습니다 ({code}).',
    validation: '표시된 항목을 확인하세요.', back: '시작 화면으로',
  },
  ...productsKo,
  ...opsKo,
  ...chargesKo,
  ...collectionsKo,
  ...depositsKo,
  ...gatewaysKo,
  ...walletOpsKo,
  ...billingKo,
  ...traceKo,
  ...auditKo,
  ...formsKo,
  ...rulesCouponsKo,
  ...dunningKo,
  ...analyticsKo,
  ...churnKo,
  ...churnRealisedKo,
  ...analyticsFxKo,
  ...invoiceLinesKo,
  ...invoiceDrillKo,
  ...billRunNotesKo,
};

export default ko;
