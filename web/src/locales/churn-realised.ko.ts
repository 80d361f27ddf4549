/** 월별 실제 이탈 대 예측 이탈 차트(이탈 예측 모델 화면) 한국어 메시지. ko.ts 에 합쳐진다. */
import type { ChurnRealisedMessages } from './churn-realised.en';

const churnRealisedKo: ChurnRealisedMessages = {
  churnRealised: {
    title: '월별 실제 이탈 대 예측 이탈',
    churned: '실제 이탈', expected: '예상 이탈 (예측 위험도 합계)', inProgress: '현재까지 (진행 중인 달)',
    empty: '아직 이 기간의 월초 시점 점수가 없습니다. 각 달은 그달 1일 이전 31일 안에 점수가 산출된 가입 고객으로 집계합니다.',
    scored: '가입 고객 {subscribers}명 중 {scored}명 점수 산출', unscored: '점수 없음: {n}명 (이탈 {c}명)', models: '모델 {list}',
    bandsOf: '{month} 월초 위험 등급별 결과', bandsHint: '차트에서 달을 누르면 그달의 등급별 결과를 봅니다.',
    customers: '고객 수', churnedCol: '이탈', precision: '이탈률 (정밀도)', recall: '이탈자 중 비중 (재현율)', avgProbability: '평균 예측 위험도',
    noBand: '이 달 초에 점수가 산출된 고객이 없습니다.',
  },
};

export default churnRealisedKo;
