/** 입금 처리(입금 내역 가져오기, 미확인 입금) 화면의 한국어 메시지. ko.ts에 합쳐집니다. */
import type depositsEn from './deposits.en';

const depositsKo: typeof depositsEn = {
  deposits: {
    route: '입금 처리',
    import: {
      title: '입금 내역 가져오기', file: 'CSV 파일 선택', currency: '통화가 없는 행의 통화', dryRun: '미리 확인', run: '가져오기',
      hint: '국민, 신한, 우리, 하나, 기업은행 거래내역 파일(거래일자, 입금액, 입금자명/내용, 메모/적요, 가상계좌번호)을 그대로 읽습니다. EUC-KR, UTF-8 모두 됩니다. 같은 거래는 두 번 등록되지 않습니다.',
      progress: '{rows}행 중 {processed}행', status: { queued: '대기', validating: '확인 중', applying: '가져오는 중', done: '완료', invalid: '오류 있음', failed: '실패' },
      counts: '매칭 {matched} · 미확인 {unmatched} · 이미 등록됨 {duplicates} · 출금 제외 {skipped}',
      errorsTitle: '아무것도 저장하지 않았습니다. 아래 행을 고친 뒤 다시 시도하세요', line: '행', field: '열', message: '문제',
      plan: '가져오면 이렇게 처리됩니다', outcome: { matched: '매칭', unmatched: '미확인 입금으로', duplicate: '이미 등록됨' },
      failed: '가져오기에 실패했습니다: {error}', history: '최근 가져오기', none: '가져온 파일이 없습니다',
    },
    field: { date: '거래일자', amount: '금액', depositorName: '입금자', memo: '메모', accountNumber: '가상계좌', currency: '통화' },
    rule: { virtual_account: '가상계좌', invoice_number: '메모의 청구서 번호', amount_and_name: '금액과 입금자명', manual: '수동 매칭' },
    reason: { no_match: '납부자를 찾지 못함', ambiguous: '맞는 청구서가 여러 개', currency: '통화가 다름' },
    status: { unmatched: '미확인', matched: '매칭됨', dismissed: '제외됨' },
    source: { bank_file: '은행 거래내역', sandbox: '샌드박스', toss: '토스페이먼츠' },
    queue: {
      title: '입금', bookedOn: '거래일', depositor: '입금자', memo: '메모', source: '출처', why: '사유', payer: '납부자',
      rule: '매칭 방법', match: '매칭', dismiss: '제외', matchTitle: '입금 매칭', dismissTitle: '입금 제외',
      customer: '납부자 또는 고객', invoice: '청구서 (선택)', invoiceHint: '이 청구서에 먼저 반영하고, 남은 금액은 오래된 미납 청구서, 그다음 선수금으로 갑니다',
      reason: '사유', reasonHint: '예: 송금인에게 반환', matched: '입금을 수납으로 등록했습니다', dismissed: '입금을 제외했습니다',
      empty: '처리할 입금이 없습니다', resolvedBy: '처리자',
    },
  },
};
export default depositsKo;
