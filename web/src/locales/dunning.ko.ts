/** 미납 관리(dunning) 화면의 한국어 메시지. ko.ts 에 합쳐진다. */
import type { DunningMessages } from './dunning.en';

const dunningKo: DunningMessages = {
  dunning: {
    placeholders: { template: '예: overdue', queue: '예: collections', reasonCode: '예: budget_cycle' },
    menuGroup: '미납 관리',
    routes: { board: '미납 현황', policy: '미납 정책 시뮬레이션', exclusions: '미납 제외 대상' },
    actions: {
      remind: '미납 안내 메일', retry_payment: '결제 재시도', late_fee: '연체료 부과', suspend: '서비스 정지', reinstate: '서비스 재개',
      cancel: '해지', write_off: '대손 처리', escalate: '담당자 이관', exclude: '제외 규칙', none: '조치 전',
    },
    effect: {
      action: '조치', template: '메일 템플릿', repeatEveryDays: '반복 주기(일)', feeMode: '연체료 방식', percent: '월 이율(%)', flat: '정액',
      percentMode: '월 이율 (일할)', feeOn: '청구 방식', ownInvoice: '별도 청구서', nextInvoice: '다음 청구서에 합산', amount: '금액', cap: '상한 금액 (필수)', at: '해지 시점', periodEnd: '청구 기간 종료 시', now: '즉시',
      reason: '사유', queue: '이관 대상', note: '메모', allowActions: '허용할 조치',
    },
    board: {
      runNow: '지금 실행', runQueued: '미납 조치 작업을 등록했습니다', aging: '채권 연령 분석', bucket: '구간', current: '기한 내',
      days: '{b}일', stages: '단계별 연체 건수', recovery: '조치별 회수 실적', rule: '룰', invoices: '대상 건수', paid: '완납 건수', rate: '회수율',
      recovered: '회수 금액', overdue: '연체 청구서', number: '청구서 번호', customer: '고객', amountDue: '미납 금액', dueDate: '납부기한',
      daysOverdue: '연체 일수', stage: '현재 단계', next: '다음 조치', why: '근거', blockedBy: '중지 사유', manual: '수동 조치', pause: '조치 보류',
      promise: '납부 약속', excludePayer: '납부자 제외', pausedUntil: '보류 종료일', promiseDate: '납부 약속일', saved: '저장했습니다',
      escalations: '담당자 이관 건', timeline: '미납 조치 이력', decision: '결정', runDate: '실행일', noNext: '예정된 조치 없음',
    },
    reasons: {
      noRuleFires: '해당하는 룰이 없습니다', alreadyDone: '이미 처리됨: {steps}', pausedNote: '{date}까지 조치 보류: {note}', paused: '{date}까지 조치 보류',
      promiseNote: '{date}까지 납부 약속: {note}', promise: '{date}까지 납부 약속', exclusionNote: '미납 제외 {id} ({reasonCode}: {note}, 설정자 {setBy})',
      exclusion: '미납 제외 {id} ({reasonCode}, 설정자 {setBy})', flagExcluded: '고객 {customer}은(는) 미납 관리 제외 대상입니다',
      exclusionRule: '제외 룰 {rule} v{version}: {reason}', interrupted: '{step}단계를 {date}에 발송하던 중 실행이 중단되어 다시 보내지 않았습니다 (메일 기록을 확인하세요)',
      feeOnFee: '연체료 청구서에는 연체료를 부과하지 않습니다', capReached: '상한 {cap}에 도달했습니다', feeZero: '연체료가 0으로 반올림됩니다',
      nothingSuspended: '정지된 서비스가 없습니다', failedRetry: '{error} — 다음 실행일에 다시 시도합니다', paidUp: '연체 잔액이 모두 납부되었습니다',
      noLongerOverdue: '청구서가 더 이상 연체 상태가 아닙니다 (결제, 크레딧 노트 또는 무효)', noMailer: '이메일 발송이 설정되지 않았습니다 (SMTP_HOST, MAIL_FROM)',
      noEmail: '납부자의 이메일 주소가 없습니다', mailRefused: '메일 서버가 {to} 수신을 거부했습니다',
      feeWaived: '{by}님이 연체료 {amount}을(를) 면제했습니다: {reason}',
    },
    decisions: {
      acted: '실행', failed: '실패(다음 날 재시도)', excluded: '제외됨', paused: '보류됨', not_due: '해당 없음', no_action: '조치 없음',
      stopped: '중지됨', reinstated: '재개됨', unknown: '발송 여부 불명', waived: '연체료 면제',
    },
    policy: {
      preview: '정책 미리보기', previewHint: '{amount}이(가) 0일부터 미납되면:', amount: '금액', currency: '통화', days: '기간(일)', customerType: '고객 유형',
      run: '미리보기', simulate: '현재 연체 건 시뮬레이션 (30일)', simulateRun: '시뮬레이션', day: '{n}일차', date: '일자', noSteps: '예정된 조치가 없습니다',
      source: '정책', published: '게시된 정책', draft: '초안 포함', rules: '미납 룰', editRule: '룰 편집', newRule: '새 미납 룰', stopped: '중지',
    },
    pending: {
      title: '다음 청구서에 부과될 연체료', amount: '금액', status: '상태', billedOn: '청구된 청구서', reason: '사유', waive: '면제',
      waiveTitle: '연체료 면제', waivePrompt: '{amount} 연체료를 면제하는 사유를 입력하세요. 면제된 연체료는 청구되지 않습니다.', waived: '연체료를 면제했습니다', none: '연체료가 없습니다',
      reasonRequired: '사유를 입력하세요', tab: '미납 연체료', sourceInvoice: '연체된 청구서',
      statuses: { pending: '청구 대기', billed: '청구됨', reversed: '취소됨(청구서 무효)', waived: '면제됨' },
    },
    exclusions: {
      add: '제외 대상 등록', party: '대상', customer: '고객', payer: '납부자', reasonCode: '사유 코드', note: '메모', setBy: '등록자', range: '적용 기간',
      validFrom: '시작일', validTo: '종료일', end: '해제', ended: '해제됨', includeEnded: '해제된 항목 포함', always: '상시', confirmEnd: '제외를 해제하시겠습니까?',
    },
  },
};
export default dunningKo;
