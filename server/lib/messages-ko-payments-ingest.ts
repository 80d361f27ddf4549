/**
 * Korean message templates for the payment ingest paths (inbound gateway webhooks' inbox, bulk
 * payments). Same conventions as ./messages-ko.ts, which merges this map into KO_MESSAGES.
 */
export const KO_PAYMENTS_INGEST_MESSAGES: Record<string, string> = {
  'The webhook could not be stored; deliver it again': '웹훅을 저장하지 못했습니다. 다시 보내 주세요',
};
