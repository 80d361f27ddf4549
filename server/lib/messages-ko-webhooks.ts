/**
 * Korean message templates for webhook endpoint URLs (server/webhooks/url-guard.ts). Same
 * conventions as ./messages-ko.ts, which merges this map into KO_MESSAGES.
 */
export const KO_WEBHOOKS_MESSAGES: Record<string, string> = {
  'points at a private, loopback or link-local address ({address})': '사설, 루프백 또는 링크 로컬 주소({address})를 가리킵니다',
};
