/**
 * English wording of rating trace reasons, one per code of server/rating/reasons.ts (the trace
 * carries `code` + `params`; test/unit/web/trace-reasons.test.ts keeps the two in step).
 * Merged into en.ts.
 */
const traceEn = {
  trace: {
    reasons: {
      notMet: 'Conditions not met',
      notValidBefore: 'Not valid before {date}',
      validUntil: 'Valid until {date}',
      currencyOnly: 'Only for {currency} invoices',
      firstCycles: 'Only for the first {cycles} cycles; this is cycle {cycle}',
      couponAbsent: 'Coupon {code} was not presented',
      redemptionsUsed: 'All {max} redemptions are used',
      customerRedeemed: 'The customer already redeemed it {max} times',
      budgetExhausted: 'Budget exhausted',
      exclusiveGroup: 'Exclusive group "{group}" already applied',
      actedOnce: 'Invoice-level rule: applied once, with subscription {subscription}',
      taxes: 'Charges {tax}',
      taxCovered: 'No line left for {tax} (a higher-priority {tax} rule covers them)',
      noComponent: 'The plan has no matching component',
      overridden: 'Component already overridden by a higher-priority rule',
      priceOverridden: 'Price overridden',
      pendingPricing: 'Pending pricing',
      noReduction: 'No reduction',
      nothingOnTarget: 'Nothing left to discount on its target',
      nothingLeft: 'Nothing left to discount',
      freeUnits: '{units} free units',
      reduces: 'Reduces {component} by {amount}',
      budgetShort: 'Budget left {left} is less than the reduction {reduction}',
      tookOff: 'Took off {amount}',
      earns: 'Earns {points} points when paid',
      nothingToActOn: 'Fired, but found nothing to act on',
    },
    minimumTrueUp: '{plan} · minimum {minimum} true-up',
  },
};

export type TraceMessages = typeof traceEn;
export default traceEn;
