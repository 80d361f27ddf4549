/** Messages of the console's own form checks (shown next to the field). Merged into en.ts. */
const formsEn = {
  formChecks: {
    groupCode: 'Letters, digits, _ and - only (up to 50), e.g. cycle-1',
    required: 'Required',
    amount: 'Enter an amount of 0 or more, like 1200 or 9.90',
    positive: 'Enter a number greater than 0',
    whole: 'Enter a whole number of 0 or more',
    quantity: 'Enter a quantity of 0 or more',
    percent: 'Enter a percentage from 0 to 100',
    code: 'Letters, digits, _ . and - only, starting with a letter or digit',
    duplicate: 'Another component already uses this code',
    oneComponent: 'Add at least one price component',
    tiersRequired: 'Add at least one tier',
    lastTierOpen: 'Leave the last tier\'s upper bound empty (no limit)',
    tierOrder: 'Must be greater than the previous tier\'s bound ({prev})',
    previewIncomplete: 'Complete the highlighted fields to see the preview.',
    previewFailed: 'The preview could not be calculated. Check the plan\'s fields.',
  },
};

export type FormsMessages = typeof formsEn;
export default formsEn;
