/**
 * Korean message templates for security limits: webhook targets (server/webhooks/url-guard.ts)
 * and the largest entered amount (server/lib/money.ts). Same conventions as ./messages-ko.ts,
 * which merges this map into KO_MESSAGES.
 */
export const KO_SECURITY_MESSAGES: Record<string, string> = {
  'points at a private, loopback or link-local address ({address})': '사설, 루프백 또는 링크 로컬 주소({address})를 가리킵니다',
  'must be less than 10^18 (at most 18 digits before the decimal point)': '10^18보다 작아야 합니다 (정수 부분 최대 18자리)',
};
