/** PG사 설정 화면의 한국어 메시지. ko.ts에 합쳐집니다. */
import type gatewaysEn from './gateways.en';

const gatewaysKo: typeof gatewaysEn = {
  gateways: {
    route: 'PG사 설정',
    intro: '인증 정보는 암호화하여 저장하며 저장 후에는 다시 표시하지 않습니다.',
    on: '사용', off: '사용 안 함', enabledOk: 'PG사를 사용합니다', disabledOk: 'PG사 사용을 중지했습니다. 새 결제수단 등록과 자동 청구는 하지 않으며 진행 중인 결제는 마저 처리됩니다',
    source: { builtin: '내장', tenant: '자체 인증 정보', env: '서버 인증 정보', none: '설정 안 됨' },
    about: {
      sandbox: 'Billwise에 내장된 테스트용 PG사입니다. 테스트 카드 번호로 결과를 정하고 가상계좌 입금을 시뮬레이션할 수 있습니다. 계정이 필요 없습니다.',
      toss: '토스페이먼츠: 빌링키 카드 자동결제, 가상계좌. 토스페이먼츠 개발자센터의 시크릿 키(test_sk_… 또는 live_sk_…)를 입력하세요.',
      stripe: 'Stripe: 저장된 결제수단(PaymentMethod)으로 오프세션 카드 결제, 환불. 시크릿 키(sk_…)와 웹훅 서명 시크릿(whsec_…)을 입력하세요.',
    },
    key: { secretKey: '시크릿 키', webhookSecret: '웹훅 서명 시크릿' },
    set: '설정됨', notSet: '설정 안 됨', fromEnv: '서버 환경 변수 사용', updatedAt: '변경일시',
    webhookUrl: '웹훅 수신 주소',
    webhookHint: {
      sandbox: '샌드박스가 서명된 웹훅을 이 주소로 직접 보냅니다.',
      toss: '토스페이먼츠 개발자센터 → 웹훅에 붙여 넣으세요 (DEPOSIT_CALLBACK, PAYMENT_STATUS_CHANGED 이벤트).',
      stripe: 'Stripe 대시보드 → 개발자 → 웹훅에서 엔드포인트로 추가하고(payment_intent.* 이벤트) 서명 시크릿을 여기에 입력하세요.',
    },
    setKeys: '인증 정보 입력', replace: '인증 정보 교체', remove: '인증 정보 삭제', test: '연결 테스트',
    removeConfirm: '저장된 {name} 인증 정보를 삭제할까요? 서버 자체 인증 정보가 있으면 그것을 사용합니다.',
    dialogTitle: '{name} 인증 정보', writeOnly: '저장하면 이 PG사의 인증 정보 전체가 교체됩니다. 저장한 값은 다시 볼 수 없습니다.',
    keepHint: '저장되어 있음: 유지하려면 다시 입력하세요',
    outcome: {
      ok: '연결됨: PG사가 인증 정보를 확인했습니다', not_configured: '인증 정보가 설정되지 않았습니다',
      rejected: 'PG사가 인증 정보를 거부했습니다', unavailable: 'PG사가 응답하지 않습니다. 잠시 후 다시 시도하세요',
    },
    unreadable: '저장된 인증 정보를 복호화할 수 없습니다(서버의 BILLWISE_SECRET_KEY가 바뀜). 다시 입력하세요.',
  },
};
export default gatewaysKo;
