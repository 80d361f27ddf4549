/**
 * Korean message templates for the gateway settings (server/payments/gateways/settings.ts and the
 * checks it adds). Same conventions as ./messages-ko.ts, which merges this map into KO_MESSAGES.
 */
export const KO_GATEWAY_SETTINGS_MESSAGES: Record<string, string> = {
  'is disabled for this tenant (gateway settings)': '이 사업자에서 사용 중지된 PG사입니다 (PG사 설정)',
};
