/**
 * Korean message templates for plan documents checked against the tenant (terms that move to
 * another plan, server/catalog/renewal-checks.ts; previewing a cancellation, server/rules/preview.ts). Same conventions as ./messages-ko.ts, which
 * merges this map into KO_MESSAGES.
 */
export const KO_PLANS_MESSAGES: Record<string, string> = {
  'names this plan itself; use "auto" to renew on the same plan': '이 상품 자신을 가리킵니다. 같은 상품으로 갱신하려면 "auto"를 쓰세요',
  'no plan "{code}": create and publish it first': '"{code}" 상품이 없습니다. 먼저 만들고 게시하세요',
  'plan "{code}" has no published version yet: publish it first': '"{code}" 상품은 아직 게시된 버전이 없습니다. 먼저 게시하세요',
  'plan "{code}" is retired from {date}': '"{code}" 상품은 {date}부터 판매 종료되었습니다',
  'plan "{code}" bills in {currency}, this plan in {mine}; a subscription keeps its currency': '"{code}" 상품은 {currency}로, 이 상품은 {mine}로 청구합니다. 구독의 통화는 바뀌지 않습니다',
  'plan "{code}" is billed every {interval}, this plan every {mine}; a term moves between plans billed by months or years, or between plans billed by weeks or days':
    '"{code}" 상품의 청구 주기는 {interval}, 이 상품은 {mine}입니다. 약정은 월·연 단위 상품끼리, 또는 주·일 단위 상품끼리만 이어집니다',
  // ---- the preview's cancelledOn (server/rules/preview.ts) ----
  'give endDate or cancelledOn, not both': 'endDate와 cancelledOn 중 하나만 지정하세요',
  'must be after startDate': 'startDate보다 늦어야 합니다',
};
