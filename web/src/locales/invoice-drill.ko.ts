/** 발행일로 거른 청구 내역 (대시보드 매출 차트에서 이동). ko.ts 에 합쳐진다. */
import type invoiceDrillEn from './invoice-drill.en';

const invoiceDrillKo: typeof invoiceDrillEn = {
  invoiceDrill: {
    issued: '발행일 {from} ~ {to}',
    clear: '발행일 조건 해제',
  },
};
export default invoiceDrillKo;
