/** 감사 로그 문구: 작업 코드(`customer.update`)를 대상과 동작으로 읽는다. ko.ts 에 병합된다. */
import type { AuditMessages } from './audit.en';

const auditKo: AuditMessages = {
  auditWords: {
    action: '{entity} · {verb}',
    entities: {
      api_key: 'API 키', auth: '로그인', bill_run: '빌링 실행', contract: '계약', coupon_codes: '쿠폰 코드',
      customer: '고객', group: '그룹', invoice: '청구서', meter: '미터', metering_error: '미터링 오류',
      order: '주문', payer: '납부자', payment: '수납', plan: '요금제', rule: '룰', plan_relation: '요금제 관계',
      subscription: '구독', tenant: '사업자', usage: '사용량', user: '사용자', wallet: '지갑',
    },
    verbs: {
      create: '등록', update: '변경', delete: '삭제', revoke: '폐기', lockout: '잠금', import: '가져오기',
      credit_note: '요금 조정', payment: '수납 반영', send: '발송', reprocess: '재처리', record: '기록',
      refund: '환불', onboard: '입점', ingest: '수집', rollup: '집계', password_change: '비밀번호 변경',
      draft_create: '초안 생성', draft_discard: '초안 폐기', draft_update: '초안 저장', publish: '게시',
      retire: '종료', finalize: '확정', void: '무효화', pause: '일시 정지', resume: '재개', cancel: '해지',
      change: '요금제 변경', completed: '완료', cancelled: '취소', adjustment: '조정', topup: '충전',
    },
  },
};

export default auditKo;
