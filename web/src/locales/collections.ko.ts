/** 수납(결제, 환불, 결제수단) 화면의 한국어 메시지. ko.ts에 합쳐집니다. */
import type collectionsEn from './collections.en';

const collectionsKo: typeof collectionsEn = {
  collections: {
    routes: { payments: '수납 내역', webhooks: '웹훅' },
    method: { card: '신용카드', bank_transfer: '계좌이체 / 자동이체', virtual_account: '가상계좌', cash: '현금', prepaid: '선수금', points: '포인트' },
    status: { pending: '처리 중', succeeded: '수납 완료', failed: '실패', refunded: '환불됨', partially_refunded: '부분 환불' },
    provider: { manual: '수기', sandbox: '샌드박스', toss: '토스페이먼츠', stripe: 'Stripe', bank: '은행 입금' },
    decline: {
      insufficient_funds: '잔액 부족', expired_card: '유효기간 만료', processing_error: '처리 오류', card_declined: '카드 거절',
      incorrect_number: '카드 번호 오류', authentication_required: '본인 인증 필요', other: '거절',
    },
    payments: {
      billTo: '납부자 / 고객', method: '수납 방법', amount: '금액', receivedOn: '수납일', provider: '결제대행사', reference: '거래 번호',
      allocated: '청구서 반영', toWallet: '선수금 적립', refunded: '환불액', refundable: '환불 가능액', decline: '거절 사유', note: '메모',
      from: '시작일', to: '종료일', record: '수납 등록', refund: '환불', detail: '수납 상세', allocations: '반영된 청구서',
      refunds: '환불 내역', invoice: '청구서', reason: '사유', destination: '환불 대상', noAllocations: '반영 없음',
      destinations: { original: '원래 결제수단', prepaid: '선수금' }, refunded_ok: '환불이 등록되었습니다', recorded: '수납이 등록되었습니다',
      billToHint: '납부자 또는 고객 ID (UUID)', currency: '통화',
    },
    methods: {
      title: '결제수단', add: '결제수단 추가', none: '등록된 결제수단이 없습니다', type: '종류', details: '정보', default: '기본',
      makeDefault: '기본으로 지정', autoCollect: '자동 수납', auto: '자동', manual: '수동', remove: '삭제',
      removeConfirm: '이 결제수단을 삭제할까요? 이 수단으로 받은 수납 내역은 남습니다.', removed: '삭제되었습니다',
      cardNumber: '카드 번호', expMonth: '유효기간 월', expYear: '유효기간 연도', sandboxHint: '샌드박스 테스트 카드: 4242 4242 4242 4242 승인, 4000 0000 0000 9995 잔액 부족, 4000 0000 0000 0069 유효기간 만료, 4000 0000 0000 0119 처리 오류. 카드 번호는 저장되지 않습니다.',
      bankName: '은행', accountNumber: '계좌번호', accountHolder: '예금주', expires: '유효기간 {m}/{y}',
      simulateDeposit: '입금 시뮬레이션', depositAmount: '입금액', depositor: '입금자명', depositSent: '입금을 보냈습니다. 샌드박스 웹훅이 곧 수납으로 등록합니다',
    },
    webhooks: {
      create: '엔드포인트 등록', url: '수신 주소', events: '이벤트 유형', secret: '서명 키', secretOnce: '서명 키를 지금 복사하세요. 다시 표시되지 않습니다.',
      active: '사용', disabled: '중지', enable: '사용', disable: '중지', deliveries: '전송 이력', replay: '재전송',
      replayed: '재전송을 예약했습니다', attempt: '시도', statusCode: '응답 코드', duration: '소요 시간(ms)', error: '오류', event: '이벤트',
      noAnswer: '응답 없음', disabledReason: '중지 사유', urlHint: 'Standard Webhooks 방식으로 서명된 POST 요청을 받습니다 (webhook-id, webhook-timestamp, webhook-signature).',
    },
    wallets: {
      title: '선수금/포인트', kind: { prepaid: '선수금', points: '포인트' }, balance: '잔액', threshold: '잔액 부족 알림 기준',
      ledger: '원장', none: '아직 지갑이 없습니다. 처음 입금되거나 포인트가 적립될 때 만들어집니다.',
      type: {
        top_up_paid: '충전(유상)', top_up_granted: '지급(무상)', consumption: '사용', expiry: '소멸', adjustment: '조정',
        reversal: '취소 환원', overpayment: '초과 입금', refund: '환불',
      },
      amount: '금액', balanceAfter: '잔액', reason: '사유', expiresAt: '소멸일', invoice: '청구서',
    },
  },
};
export default collectionsKo;
