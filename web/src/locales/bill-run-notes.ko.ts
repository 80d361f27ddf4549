/** 정기 청구 작업의 납부자별 메모 (server/billing/payer-notes.ts 코드). */
import type billRunNotesEn from './bill-run-notes.en';

const billRunNotesKo: typeof billRunNotesEn = {
  billRunNotes: {
    planMissing: '서비스 {subscription}: 상품 "{plan}"에 현재 유효한 게시 버전이 없습니다',
    couponNotApplied: '서비스 {subscription}: 쿠폰 {code} 미적용 ({reason})',
    voidInvoice: '이 기간의 청구서({invoice})가 무효 처리되었습니다. 청구서에서 재청구하세요',
    supplementary: '기간 청구서 이후 추가된 서비스의 추가 청구서 #{sequence}',
    replacesVoid: '무효 처리된 기간 청구서를 대체하는 청구서 #{sequence}',
    couponReasons: {
      notInEffect: '쿠폰이 유효하지 않음',
      expired: '{date}에 만료됨',
      usedUp: '사용 한도 소진',
    },
  },
};
export default billRunNotesKo;
