/** 이슈 9 C: 룰 테스트 자동 채움, 쿠폰 배치, 상품 폼의 미터, 버전. */
import type en from './rules-coupons.en';

const rulesCouponsKo: typeof en = {
  couponBatch: {
    noExpiry: '만료 없음', namePlaceholder: '기본값: 생성 일시', allBatches: '전체 배치', exportCsv: 'CSV 내보내기',
  },
  meterPick: {
    placeholder: '미터 선택', create: '미터 등록', unknown: '활성 미터 "{code}"가 없습니다. 게시할 수 없습니다.',
  },
  versionState: {
    column: '적용 버전 (예정)',
    inEffect: '적용 중: v{v} ({from}부터)', scheduled: '예정: v{v} ({from}부터)', none: '적용 전',
    pricedWith: '{from}부터 적용되는 v{v}로 계산했습니다', noneInMonth: '{month}에 적용되는 게시 버전이 없어 폼의 내용으로 계산했습니다.',
  },
  versionDiff: {
    tier: '{n}구간', wholeComponent: '구성 요소 전체', author: '작성자',
    fields: {
      amount: '금액', unitAmount: '단가', flatAmount: '고정 금액', upTo: '상한', model: '요금 방식', name: '이름',
      code: '코드', meter: '미터', quantityKey: '수량 키', type: '유형', freeUnits: '무료 수량', packageSize: '패키지 크기',
      packageAmount: '패키지 금액', rate: '요율', percent: '할인율', currency: '통화', interval: '주기',
      intervalCount: '주기 수', trialDays: '체험 일수', minimumAmount: '최소 금액', prorate: '일할 계산',
      priority: '우선순위', validFrom: '시작일', validTo: '종료일', conditions: '조건', maxAmount: '최대 금액',
      cycles: '적용 횟수', units: '수량', budget: '예산', maxRedemptions: '최대 사용 횟수', perCustomer: '고객당 횟수',
      exclusiveGroup: '배타 그룹', description: '설명', eligibility: '가입 조건', tiers: '구간', components: '구성 요소',
    },
  },
  sellerInfo: { businessRegNo: '사업자등록번호 (청구서 표시)', address: '주소 (청구서 표시)' },
  ruleFacts: {
    loading: '고객의 이번 기간 정보를 불러오는 중…',
    fromCustomer: '{name} 고객의 {month} 구독과 현재까지의 사용량으로 채웠습니다.',
    noSubscription: '{month}에 이 고객의 구독이 없습니다. 상품을 선택하세요.',
    why: { expired: '{date}에 만료되었습니다', used_up: '사용 한도를 모두 썼습니다', not_in_effect: '쿠폰 룰이 적용 기간이 아닙니다' },
    subscription: '구독',
    rejectedCoupon: '코드 {code}는 적용되지 않았습니다: {reason}',
  },
};

export default rulesCouponsKo;
