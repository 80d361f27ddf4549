/** 청구서 라인의 금액 구성: 단가, 구간, 쿠폰 코드 (청구서 상세). */
import type invoiceLinesEn from './invoice-lines.en';

const invoiceLinesKo: typeof invoiceLinesEn = {
  invoiceLines: {
    unitPrice: '단가',
    tierRow: '구간 {range}: {units} × {price}{flat} = {amount}',
    coupon: '쿠폰 {code}',
    net: '공급가액',
    freeUnits: '무료 {n}',
  },
};
export default invoiceLinesKo;
