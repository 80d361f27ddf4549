/**
 * Korean message templates for dunning's pending late fees (server/dunning/waive-fee.ts). Same
 * conventions as ./messages-ko.ts, which merges these maps into KO_MESSAGES and KO_NOUNS.
 */
export const KO_DUNNING_MESSAGES: Record<string, string> = {
  'The fee is {status}; only a pending fee can be waived (a billed one is credited on its invoice)': '연체료가 {status} 상태입니다. 대기 중인 연체료만 면제할 수 있습니다 (청구된 연체료는 해당 청구서에서 요금 조정하세요)',
  'is {status}': '{status} 상태입니다',
};

export const KO_DUNNING_NOUNS: Record<string, string> = {
  'Pending charge': '대기 중인 연체료',
};
