/** 청구 시점: 일회성 요금, 할부, 선불 청구, 약정 기간 (상품 편집기, 미리보기, 인보이스). */
import type chargesEn from './charges.en';
const chargesKo: typeof chargesEn = {
  charges: {
    charge: '청구 방식',
    every: '매 회차',
    once: '1회 (첫 회차)',
    installments: '할부',
    count: '할부 회차',
    countSuffix: '회',
    timing: '청구 시점',
    inArrears: '후불 (기간 종료 후)',
    inAdvance: '선불 (기간 시작 시)',
    timingHint: '선불: 고정 요금은 다음 기간분을, 사용량은 끝난 기간분을 청구합니다. 첫 청구서에는 첫 기간분도 포함됩니다.',
    term: '약정 기간',
    termOf: '약정',
    then: '종료 후',
    thenEnd: '해지',
    thenRenew: '같은 약정으로 자동 갱신',
    thenMove: '다른 상품으로 전환',
    schedule: '청구 일정',
    cycleN: '{n}회차',
    lastInstallment: '마지막 할부 ({n}회차)',
    cancelledInCycle: '{n}회차에 해지하면',
    cancelledHint: '그 회차 15일에 해지하는 경우: 남은 할부금을 마지막 청구서에 한 번에 청구하므로 합계는 전체 금액과 같습니다.',
    installmentsOnCancel: '마지막 할부 전에 구독이 끝나면 남은 할부금은 마지막 청구서에 한 번에 청구되어, 합계는 언제나 전체 금액과 같습니다.',
    pickPlan: '게시된 상품을 선택하세요',
    noPlans: '{currency} 통화에 같은 청구 주기를 가진 게시된 상품이 없습니다',
    line: {
      installment: '할부 {k}/{n}회차',
      accelerated: '할부 {k}~{through}/{n}회차 (잔여 일시 청구)',
      oneTime: '일회성',
      service: '서비스 기간 {start} ~ {end}',
    },
  },
};
export default chargesKo;
