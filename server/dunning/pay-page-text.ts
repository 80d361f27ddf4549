/** The pay page's words in Korean and English (pay-page.ts). */
export type PayLang = 'ko' | 'en';

export const PAY_TEXT = {
  ko: {
    title: '청구서 결제', invoice: '청구서 번호', amountDue: '결제할 금액', dueDate: '납부기한', status: '상태', seller: '청구 기관', period: '청구 기간',
    lines: '청구 내역', item: '항목', amount: '금액', total: '합계', pdf: '청구서 PDF 내려받기',
    payByCard: '카드로 결제', cardNumber: '카드 번호', expMonth: '유효기간 (월)', expYear: '유효기간 (연도)', cardName: '카드 소유자 이름', payNow: '결제하기',
    sandboxHint: '테스트 결제 환경입니다. 4242 4242 4242 4242 등 테스트 카드 번호를 사용하세요.',
    transfer: '계좌이체 / 가상계좌', bank: '은행', account: '계좌번호', holder: '예금주',
    transferHint: (number: string) => `이체 시 받는 분 통장 표시(메모)에 청구서 번호 ${number}를 적어 주세요. 입금이 확인되면 자동으로 결제 처리됩니다.`,
    noVirtualAccount: '등록된 가상계좌가 없습니다. 계좌이체를 원하시면 청구 기관에 문의해 주세요.',
    paid: '이 청구서는 결제가 완료되었습니다. 감사합니다.', notPayable: '이 청구서는 지금 결제할 수 없습니다.',
    succeeded: (amount: string) => `${amount} 결제가 완료되었습니다. 감사합니다.`,
    declined: '카드가 거절되었습니다. 다른 카드로 다시 시도해 주세요.', pending: '결제를 처리하고 있습니다. 잠시 후 이 페이지를 새로 고쳐 주세요.',
    inProgress: '이 청구서의 결제가 이미 진행 중입니다. 잠시 후 이 페이지를 새로 고쳐 주세요.', unavailable: '지금은 카드 결제를 받을 수 없습니다. 계좌이체를 이용해 주세요.',
    invalidTitle: '유효하지 않은 결제 링크', invalid: '결제 링크가 올바르지 않습니다. 안내 메일의 링크를 그대로 열었는지 확인해 주세요.',
    expiredTitle: '만료된 결제 링크', expired: '결제 링크의 유효기간이 지났습니다. 청구 기관에 새 링크를 요청해 주세요.',
    notFound: '이 링크의 청구서를 찾을 수 없습니다.',
    badInput: { number: '카드 번호를 입력해 주세요.', expMonth: '유효기간 월은 1에서 12 사이여야 합니다.', expYear: '유효기간 연도를 네 자리로 입력해 주세요.', name: '카드 소유자 이름을 입력해 주세요.' },
    statuses: { finalized: '미결제', payment_failed: '결제 실패', partially_paid: '부분 결제', paid: '결제 완료', void: '취소됨' } as Record<string, string>,
    language: 'English', otherLang: 'en' as PayLang,
  },
  en: {
    title: 'Pay your invoice', invoice: 'Invoice number', amountDue: 'Amount due', dueDate: 'Due date', status: 'Status', seller: 'From', period: 'Period',
    lines: 'Summary', item: 'Item', amount: 'Amount', total: 'Total', pdf: 'Download the invoice PDF',
    payByCard: 'Pay by card', cardNumber: 'Card number', expMonth: 'Expiry month', expYear: 'Expiry year', cardName: 'Name on card', payNow: 'Pay now',
    sandboxHint: 'This is a test payment environment. Use a test card such as 4242 4242 4242 4242.',
    transfer: 'Bank transfer / virtual account', bank: 'Bank', account: 'Account number', holder: 'Account holder',
    transferHint: (number: string) => `Put the invoice number ${number} in the transfer's memo. The payment is recorded automatically once the deposit arrives.`,
    noVirtualAccount: 'No virtual account is set up. To pay by bank transfer, please contact the sender of the invoice.',
    paid: 'This invoice is paid. Thank you.', notPayable: 'This invoice cannot be paid now.',
    succeeded: (amount: string) => `Payment of ${amount} received. Thank you.`,
    declined: 'The card was declined. Please try another card.', pending: 'Your payment is being processed. Please reload this page in a moment.',
    inProgress: 'A payment for this invoice is already in progress. Please reload this page in a moment.', unavailable: 'Card payments are not available right now. Please pay by bank transfer.',
    invalidTitle: 'Invalid payment link', invalid: 'This payment link is not valid. Please open the link exactly as it appears in the e-mail.',
    expiredTitle: 'Expired payment link', expired: 'This payment link has expired. Please ask the sender of the invoice for a new one.',
    notFound: 'The invoice of this link cannot be found.',
    badInput: { number: 'Enter the card number.', expMonth: 'The expiry month must be 1 to 12.', expYear: 'Enter the expiry year as four digits.', name: 'Enter the name on the card.' },
    statuses: { finalized: 'Unpaid', payment_failed: 'Payment failed', partially_paid: 'Partially paid', paid: 'Paid', void: 'Void' } as Record<string, string>,
    language: '한국어', otherLang: 'ko' as PayLang,
  },
};
export type PayTexts = (typeof PAY_TEXT)['ko'];
