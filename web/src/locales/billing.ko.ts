/** 요금 계산 안전장치, 청구서 일괄 작업, 오더 대화상자 한국어 메시지 (이슈 9). ko.ts 에 합쳐진다. */
import type { BillingMessages } from './billing.en';

const billingKo: BillingMessages = {
  billingOps: {
    run: {
      realRun: '요금 계산 실행…', dryRunBtn: '모의 계산 시작', preparing: '모의 계산으로 범위를 확인하는 중…',
      dryDefault: '모의 계산은 청구서를 계산만 하고 저장하지 않습니다. 실제로 청구하려면 체크를 해제하세요. 실행 전에 범위를 먼저 보여 줍니다.',
      confirmTitle: '요금 계산 실행 확인', scope: '다음 범위로 초안 청구서를 만듭니다:',
      group: '배치 그룹', period: '기간', payers: '대상 납부자', due: '청구할 금액이 있는 납부자',
      estimate: '예상 합계 (모의 계산 기준)', noEstimate: '청구할 금액 없음',
      openWarn: '이 기간은 아직 끝나지 않았습니다 (종료일 {end}). 앞으로 들어올 사용량은 이번 청구서에 포함되지 않습니다.',
      openAck: '끝나지 않은 기간이지만 청구합니다', confirm: '청구서 만들기', dryFailed: '모의 계산에 실패했습니다: {msg}',
      dryResult: '모의 계산을 마쳤습니다. 청구 전에 범위를 확인하세요',
    },
    invoice: {
      finalized: '청구서를 확정했습니다', markedPaid: '결제 완료로 처리했습니다', markedFailed: '결제 불가로 처리했습니다', voided: '청구서를 무효 처리했습니다',
      onFinalize: '확정 시 결정',
    },
    order: {
      completed: '오더를 완료했습니다. 서비스가 생성되었습니다',
      couponHint: '쿠폰 코드 (예: WELCOME10, 여러 개는 쉼표로 구분)',
    },
    bulk: {
      finalize: '선택 청구 확정 ({n})', send: '선택 발송 ({n})',
      finalizeConfirm: '초안 청구서 {n}건을 확정할까요? 확정된 청구서는 변경할 수 없고 번호가 매겨집니다.',
      sendConfirm: '청구서 {n}건을 납부자에게 이메일로 발송할까요? 그중 초안 {drafts}건은 먼저 확정됩니다.',
      resultTitle: '처리 결과', finalizedN: '{ok}건 확정, {failed}건 실패', sentN: '{ok}건 발송, {failed}건 실패',
    },
    rebill: {
      button: '다시 청구', confirm: '이 납부자와 기간을 다시 청구할까요? 새 초안 청구서가 만들어지고, 무효 청구서는 그대로 남습니다.',
      done: '새 초안 청구서를 만들었습니다', nothing: '이 납부자와 기간에 청구할 금액이 없습니다',
    },
  },
};

export default billingKo;
