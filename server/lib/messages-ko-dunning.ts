/**
 * Korean message templates for dunning's pending late fees (server/dunning/waive-fee.ts). Same
 * conventions as ./messages-ko.ts, which merges these maps into KO_MESSAGES and KO_NOUNS.
 */
export const KO_DUNNING_MESSAGES: Record<string, string> = {
  'The fee is {status}; only a pending fee can be waived (a billed one is credited on its invoice)': '연체료가 {status} 상태입니다. 대기 중인 연체료만 면제할 수 있습니다 (청구된 연체료는 해당 청구서에서 요금 조정하세요)',
  'is {status}': '{status} 상태입니다',
  // Reminder outbox (server/dunning/outbox-send.ts), shown on the timeline.
  'e-mail is not configured (SMTP_HOST, MAIL_FROM)': '메일 발송 설정이 없습니다 (SMTP_HOST, MAIL_FROM)',
  'the invoice is gone': '청구서가 없습니다',
  'the payer has no e-mail address': '납부자의 이메일 주소가 없습니다',
  'the mail server refused {refused}': '메일 서버가 수신을 거부했습니다: {refused}',
  'a sender stopped during the call; not resent': '발송 중 발송기가 중단되었습니다. 다시 보내지 않습니다',
  'the step was stopped': '조치가 중단되었습니다',
};

export const KO_DUNNING_NOUNS: Record<string, string> = {
  'Pending charge': '대기 중인 연체료',
};
