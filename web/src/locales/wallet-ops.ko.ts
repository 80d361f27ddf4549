/** 지갑 작업(충전, 지급, 조정)과 소멸 예정 금액의 한국어 메시지. ko.ts에 합쳐집니다. */
import type walletOpsEn from './wallet-ops.en';

const walletOpsKo: typeof walletOpsEn = {
  walletOps: {
    topUp: '선수금 충전', grant: '무상 지급 (크레딧/포인트)', adjust: '조정',
    kind: '지갑', direction: '구분', credit: '증액', debit: '차감', points: '포인트',
    expiresOn: '소멸일', noExpiry: '소멸 없음', today: '오늘', expiring: '소멸 예정', expiringAmount: '소멸 예정 금액 (먼저 사용하지 않으면)',
    hint: {
      topUp: '선수금으로 보관할 입금액입니다. 결제로 기록되고 선수금 지갑에 적립되며 이후 청구서에서 차감됩니다.',
      grant: '결제 없이 주는 프로모션 크레딧이나 포인트입니다. 소멸일 시작 시점에 남은 금액이 소멸합니다 (먼저 지급된 것부터 사용).',
      adjust: '수동 조정입니다. 사유는 원장과 감사 로그에 남습니다. 차감으로 잔액이 0 미만이 될 수는 없습니다.',
    },
    done: { topUp: '충전을 기록했습니다', grant: '지급했습니다', adjust: '조정을 반영했습니다' },
  },
};
export default walletOpsKo;
