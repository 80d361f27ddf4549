/** 빌링 트레이스 사유의 한국어 문구 (server/rating/reasons.ts 의 코드별). ko.ts 에 병합된다. */
import type { TraceMessages } from './trace.en';

const traceKo: TraceMessages = {
  trace: {
    reasons: {
      notMet: '조건 불충족',
      notValidBefore: '{date}부터 적용',
      validUntil: '{date}까지만 적용',
      currencyOnly: '{currency} 청구서에만 적용',
      firstCycles: '처음 {cycles}회 청구에만 적용 (이번은 {cycle}회차)',
      couponAbsent: '쿠폰 {code} 미제시',
      redemptionsUsed: '사용 한도 {max}회 소진',
      customerRedeemed: '고객이 이미 {max}회 사용',
      budgetExhausted: '예산 소진',
      exclusiveGroup: '배타 그룹 "{group}"의 다른 룰이 이미 적용됨',
      actedOnce: '청구서 단위 룰: 구독 {subscription}에 한 번 적용됨',
      taxes: '{tax} 부과',
      taxCovered: '{tax}를 부과할 항목 없음 (우선순위가 높은 {tax} 룰이 적용됨)',
      noComponent: '요금제에 해당 구성 요소가 없음',
      overridden: '우선순위가 높은 룰이 이미 가격을 변경함',
      priceOverridden: '가격 변경 적용',
      pendingPricing: '가격 계산 대기',
      noReduction: '감액 없음',
      nothingOnTarget: '대상에 할인할 금액이 남아 있지 않음',
      nothingLeft: '할인할 금액이 남아 있지 않음',
      freeUnits: '무료 {units}단위 제공',
      reduces: '{component} {amount} 감액',
      budgetShort: '남은 예산 {left}이(가) 감액 {reduction}보다 적음',
      tookOff: '{amount} 할인',
      earns: '결제 시 {points}포인트 적립',
      nothingToActOn: '조건은 충족했으나 적용할 대상 없음',
    },
    minimumTrueUp: '{plan} · 최소 금액 {minimum} 보정',
  },
};

export default traceKo;
