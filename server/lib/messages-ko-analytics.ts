/**
 * Korean message templates for analytics (FX rates, reporting currency, weekly summary). Same
 * conventions as ./messages-ko.ts, which merges this map into KO_MESSAGES.
 */
export const KO_ANALYTICS_MESSAGES: Record<string, string> = {
  'must differ from base': '기준 통화(base)와 달라야 합니다',
  'must be a decimal string greater than 0 and less than 10^18, at most 12 decimals': '0보다 크고 10^18보다 작은 10진수 문자열이어야 하며 소수점 이하는 12자리까지입니다',
  'the first line must be the header date,base,quote,rate': '첫 줄은 date,base,quote,rate 머리글이어야 합니다',
  'has no rates after the header': '머리글 다음에 환율이 없습니다',
  'at most 5000 rates at a time': '한 번에 환율 5000개까지 가능합니다',
  'FX rate not found': '환율을 찾을 수 없습니다',
  // the invoice list's issue-date filter (the revenue charts' drill-down)
  'must not be before issuedFrom': 'issuedFrom 이전일 수 없습니다',
  // the weekly summary e-mail (server/analytics/weekly-summary.ts)
  "The weekly summary is a console user's own setting; an API key has no e-mail address": '주간 요약은 콘솔 사용자 본인의 설정입니다. API 키에는 이메일 주소가 없습니다',
};
