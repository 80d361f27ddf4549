/** 대시보드: 보고 통화 환산과 환율표 (한국어). ko.ts 에 합쳐진다. */
import type { AnalyticsFxMessages } from './analytics-fx.en';

const analyticsFxKo: AnalyticsFxMessages = {
  analyticsFx: {
    title: '{c} 환산 합계 (보고 통화)',
    rule: '각 월은 월말 환율로 환산: 그 달 마지막 날(이번 달은 오늘) 이전의 가장 최근 환율.',
    month: '월', mrr: 'MRR', billed: '청구액', collected: '수납액', outstanding: '미수 잔액',
    incomplete: '{list} 제외: 환율 없음', perCurrency: '통화별', rate: '환율', rateDate: '환율 일자', noRate: '환율 없음',
    manage: '환율표', rates: '환율표', date: '일자', base: '기준 통화', quote: '환산 통화', add: '환율 추가', importCsv: 'CSV 가져오기',
    csvHint: 'date,base,quote,rate 머리글이 있는 CSV 파일 (기준 통화 1 = 환율 × 환산 통화).', imported: '환율 {n}건을 가져왔습니다', saved: '저장했습니다',
    mixTitle: '유형별 청구 매출 (세전)', mixTotal: '합계',
    mix: { recurring: '정기 요금', usage: '사용량 요금', oneTime: '일회성 요금', discounts: '청구서 할인' },
    recovery: { title: '자동 수납 실패 회수', none: '이 기간에 실패한 자동 수납이 없습니다', failed: '실패 (청구서 수)', retry: '재시도로 회수', dunning: '미납 독촉 후 회수', manual: '기타 납부', rate: '회수율', days: '회수 소요 일수' },
    deleted: '삭제했습니다', remove: '삭제', none: '등록된 환율이 없습니다',
    weekly: {
      menu: '주간 요약 메일', title: '주간 요약 메일', toggle: '주간 경영 요약을 메일로 받기',
      hint: '매주 월요일 {at}(테넌트 시간대)에 지난주 MRR, 고객 수, 수납액, 연체 금액과 차트 PDF를 {email}(으)로 보냅니다.',
      on: '주간 요약을 받습니다', off: '주간 요약 수신을 해제했습니다', failed: '설정을 바꾸지 못했습니다: {msg}',
    },
  },
};
export default analyticsFxKo;
