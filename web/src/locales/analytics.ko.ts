/** 경영 대시보드(통계) 한국어 메시지. ko.ts 에 합쳐진다. */
import type { AnalyticsMessages } from './analytics.en';

const analyticsKo: AnalyticsMessages = {
  analytics: {
    kpi: {
      mrr: 'MRR (월 반복 매출)', arr: 'ARR (연 반복 매출)', customers: '유료 고객 수', churnRate: '고객 이탈률', nrr: '순매출 유지율', collected: '수납액 (당월)', overdue: '연체 채권',
      vsPrev: '전월 대비', live: '실시간', stale: '갱신 중단: 재연결 중…', updatedAt: '{time} 갱신', today: '오늘: 수납 {n}건, {amount} · 사용량 이벤트 {events}건',
    },
    charts: {
      waterfall: 'MRR 변동 ({month})', trend: '변동 유형별 MRR 추이', cohorts: '코호트 유지율', aging: '미수채권 연령 분석', methodMix: '결제 수단 비중',
      heatmap: '일자 × 시간대별 수납', promotions: '프로모션 비용', billedCollected: '청구 대비 수납', rates: '주요 비율',
    },
    movement: { start: '기초', new: '신규', expansion: '확장', reactivation: '재활성', contraction: '축소', churn: '이탈', end: '기말' },
    bucket: { current: '만기 전', '1-30': '1~30일', '31-60': '31~60일', '61-90': '61~90일', '90+': '90일 초과' },
    cohort: { asCustomers: '고객 수', asMrr: 'MRR', cohort: '가입 월', size: '고객 수', month: '+{n}개월' },
    table: {
      rule: '할인 / 프로모션', month: '월', given: '할인 금액', invoices: '청구서 수', customers: '고객 수',
      usersRevenue: '사용 고객당 매출', nonUsersRevenue: '미사용 고객당 매출', usersRetention: '유지율 (사용)', nonUsersRetention: '유지율 (미사용)',
      customer: '고객', date: '일자', kind: '변동 유형', amount: '변동액', before: '변동 전 MRR', after: '변동 후 MRR', plan: '상품',
      invoice: '청구서', dueDate: '납기일', daysPastDue: '경과 일수', open: '미수 금액', method: '결제 수단', count: '건수',
    },
    rates: {
      logoChurn: '고객 이탈률', grossChurn: '총 MRR 이탈률', netChurn: '순 MRR 이탈률', nrr: '순매출 유지율 (NRR)', arpa: '고객당 평균 MRR (ARPA)',
      ltv: '고객 생애 가치 (LTV)', ltvFormula: 'LTV = ARPA ÷ 고객 이탈률', trial: '체험 전환율', collectionRate: '수납률', dso: '매출채권 회수 기간 (일)', onTime: '기한 내 납부 비율',
    },
    filters: { allPlans: '전체 상품', allTypes: '전체 고객 유형', segment: '세그먼트', currency: '통화', range: '기간' },
    exportCsv: 'CSV', savePng: 'PNG 저장', drill: '상세 목록', drillHint: '막대나 칸을 누르면 해당 목록을 봅니다',
    perCurrency: '통화별 수치 ({c}), 환산 없음', noPayments: '아직 수납 내역이 없습니다', noData: '이 기간의 데이터가 없습니다', readOnly: '조회 전용',
    from: '청구서가 아닌 구독 상태 기준: 요금 계산 실행 여부와 무관',
  },
};

export default analyticsKo;
