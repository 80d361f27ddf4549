/** A bill run's notes per payer (server/billing/payer-notes.ts codes). */
const billRunNotesEn = {
  billRunNotes: {
    planMissing: 'subscription {subscription}: plan "{plan}" has no published version in effect',
    couponNotApplied: 'subscription {subscription}: coupon {code} not applied ({reason})',
    voidInvoice: 'the invoice of this period ({invoice}) is void: re-bill it from the invoice',
    supplementary: 'supplementary invoice #{sequence} for subscriptions added after the period\'s invoice',
    replacesVoid: 'invoice #{sequence} replaces the void invoice of the period',
    couponReasons: {
      notInEffect: 'its coupon is not in effect',
      expired: 'expired on {date}',
      usedUp: 'already used up',
    },
  },
};
export default billRunNotesEn;
