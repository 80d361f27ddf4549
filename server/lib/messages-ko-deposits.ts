/**
 * Korean message templates for bank deposits (server/payments/deposits: bank-statement imports and
 * the unmatched-deposit queue). Same conventions as ./messages-ko.ts, which merges this map into
 * KO_MESSAGES.
 */
export const KO_DEPOSITS_MESSAGES: Record<string, string> = {
  'no header line names a date column and a deposit amount column ({columns})': '거래일자 열과 입금액 열을 가진 머리글 행이 없습니다 ({columns})',
  'the file is empty': '파일이 비어 있습니다',
  'is not a date (2025-05-10, 2025.05.10 or 20250510)': '날짜가 아닙니다 (2025-05-10, 2025.05.10 또는 20250510)',
  'is not an amount': '금액이 아닙니다',
  'give the payer (billTo) or the invoice (invoiceId) the deposit is from': '입금한 납부자(billTo) 또는 청구서(invoiceId)를 지정하세요',
  'is not an invoice of this payer': '이 납부자의 청구서가 아닙니다',
  'no such invoice': '없는 청구서입니다',
  'is in {currency}; the deposit is in {depositCurrency}': '{currency} 청구서입니다. 입금 통화는 {depositCurrency}입니다',
  'is not billed in {currency}': '{currency}로 청구되지 않는 납부자입니다',
  'Deposit is {status}; only an unmatched deposit can be matched or dismissed': '입금이 {status} 상태입니다. 미확인 입금만 매칭하거나 제외할 수 있습니다',
};

/** Nouns of notFound('…') in the deposits area, merged into KO_NOUNS. */
export const KO_DEPOSITS_NOUNS: Record<string, string> = {
  Deposit: '입금',
  'Bank import': '입금 내역 가져오기',
};
