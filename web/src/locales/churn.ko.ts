/** 이탈 예측(대시보드 위젯, 고객 탭, 모델 화면, 유지 혜택) 한국어 메시지. ko.ts 에 합쳐진다. */
import type { ChurnMessages } from './churn.en';

const churnKo: ChurnMessages = {
  churn: {
    title: '이탈 위험', widgetTitle: '이탈 위험 (모델 v{v}, {date} 산출)', noModel: '활성 이탈 예측 모델이 없어 점수가 없습니다.',
    noScore: '활성 모델로 아직 점수를 산출하지 않았습니다.', atRiskMrr: '위험 MRR', scoredCustomers: '점수 산출 고객', bands: '위험 등급 분포',
    topAtRisk: '이탈 위험 상위 고객 (위험 MRR 순)', customer: '고객', probability: '위험도', band: '등급', segment: '행동 세그먼트',
    mrr: 'MRR', drivers: '주요 원인', noDrivers: '위험을 높이는 요인 없음', segments: '행동 세그먼트', customers: '고객 수', avgRisk: '평균 위험도',
    highCount: '고위험', modelsLink: '모델', scoreNow: '지금 산출', scored: '{date} 기준 {n}명 산출',
    segmentWords: { high_value: '고액', low_value: '소액', long_tenured: '장기 가입', new: '신규', pays_late: '늦게 납부', pays_on_time: '제때 납부', many_add_ons: '부가상품 많음', few_add_ons: '부가상품 적음', on_a_term_contract: '약정 가입', no_contract: '무약정', card_auto_pay: '카드 자동결제', no_card: '카드 미사용', virtual_account: '가상계좌', no_virtual_account: '가상계좌 미사용', failed_payments: '결제 실패 있음', no_failed_payments: '결제 실패 없음', typical: '일반' },
    band_: { low: '낮음', medium: '보통', high: '높음' },
    trend: '위험도 추이', asOf: '산출일', modelVersion: '모델', driversMethod: '트리 경로 기여도 기준: 클수록 위험을 더 높입니다.',
    traceSource: '이탈 판단 값 출처: 모델 v{v}, {date} 산출 점수',
    raises: '위험 증가', value: '값 {v}',
    offer: {
      button: '유지 혜택', forCustomer: '이 고객 대상', forSegment: '세그먼트 “{s}” 대상', title: '유지 혜택: 룰 초안',
      hint: '이탈 위험 등급이 보통 또는 높음인 동안 적용되는 할인 룰 초안을 만듭니다. 룰 편집기에서 확인한 뒤 게시하세요.',
      percent: '할인율 (%)', months: '기간 (개월)', created: '초안 {code} 을(를) 만들었습니다', name: '유지 혜택: {who}',
    },
    models: {
      title: '이탈 예측 모델', version: '버전', active: '활성', activate: '활성화', rollback: '이 버전으로 되돌리기', activated: '버전 {v} 이(가) 활성 모델입니다',
      confirm: '버전 {v} 을(를) 활성 모델로 바꿀까요? 이후 룰과 화면은 이 버전의 점수를 사용합니다 (점수가 없으면 먼저 산출하세요).',
      algorithm: '알고리즘', trainedAt: '학습 일시', trainingData: '학습 데이터', rows: '{rows}행, 이탈 {pos}건', createdBy: '등록자', note: '메모',
      metrics: '성능 지표 (시간 기준 검증 구간)', model: '모델', baseline: '기준 모델', rocAuc: 'ROC-AUC', prAuc: 'PR-AUC', brier: '브라이어 점수', lift: '상위 10% 리프트',
      calibration: '보정 곡선', predicted: '예측', observed: '실제', importances: '특성 중요도', bands: '등급 기준: 보통 ≥ {m}, 높음 ≥ {h}',
      none: '등록된 모델이 없습니다. npm run churn:train 으로 학습한 뒤 등록하세요 (POST /churn/models).',
    },
    features: {
      tenure_days: '가입 기간 (일)', mrr_ratio: '일반 고객 대비 MRR', mrr_change_3m_ratio: '3개월 MRR 변화', plan_interval_months: '청구 주기 (개월)',
      contract_term_months: '약정 기간 (개월)', contract_months_left: '약정 잔여 개월', addon_count: '부가상품 수', subscription_count: '서비스 수',
      discount_share_90d: '할인 비중 (90일)', invoices_90d: '청구서 수 (90일)', payments_90d: '납부 건수 (90일)', failed_payments_90d: '결제 실패 (90일)',
      days_late_avg_90d: '평균 연체 일수 (90일)', overdue_invoices: '연체 청구서 수', credit_notes_90d: '감액 청구 (90일)',
      method_card: '카드 결제', method_bank_transfer: '계좌 이체', method_virtual_account: '가상계좌 결제', method_prepaid: '선수금 결제',
      autopay: '자동 결제 수단', dunning_step_max_90d: '최고 미납 조치 단계 (90일)',
      usage30d: '{meter} 사용량 (30일)', usageTrend: '{meter} 사용량 추세', attr: '속성 “{key}”',
    },
  },
};

export default churnKo;
