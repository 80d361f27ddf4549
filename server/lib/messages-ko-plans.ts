/**
 * Korean message templates for the plan model's edges (issue 15: previewing a cancellation).
 * Same conventions as ./messages-ko.ts, which merges this map into KO_MESSAGES.
 */
export const KO_PLANS_MESSAGES: Record<string, string> = {
  'give endDate or cancelledOn, not both': 'endDate와 cancelledOn 중 하나만 지정하세요',
  'must be after startDate': 'startDate보다 늦어야 합니다',
};
