/** 수납 영역(웹훅, 선수금/포인트) 한국어 메시지. ko.ts 에 병합된다. */
import type collectionsEn from './collections.en';

const collectionsKo: typeof collectionsEn = {
  collections: {
    routes: { webhooks: '웹훅' },
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
