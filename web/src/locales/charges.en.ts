/** Charge timing: one-time charges, installments, billing in advance, fixed terms (plan builder, preview, invoices). */
const chargesEn = {
  charges: {
    charge: 'Charged',
    every: 'Every cycle',
    once: 'Once (first cycle)',
    installments: 'In installments',
    count: 'Installments',
    countSuffix: 'cycles',
    timing: 'Billing',
    inArrears: 'In arrears (after each period)',
    inAdvance: 'In advance (at the start of each period)',
    timingHint: 'In advance: fixed fees are invoiced for the next period, usage for the period that ended; the first invoice also covers the first period.',
    term: 'Fixed term',
    termOf: 'Term of',
    then: 'then',
    thenEnd: 'end',
    thenRenew: 'renew for another term',
    thenMove: 'move to plan',
    schedule: 'Schedule',
    cycleN: 'Cycle {n}',
    lastInstallment: 'Last installment (cycle {n})',
    installmentsOnCancel: 'If the subscription ends before the last installment, the installments left are billed at once on its final invoice, so the total is always the full price.',
    pickPlan: 'Choose a published plan',
    noPlans: 'No published plan in {currency} with the same billing cycle',
    line: {
      installment: 'installment {k} of {n}',
      accelerated: 'installments {k}-{through} of {n} (accelerated)',
      oneTime: 'one-time',
      service: 'service {start} – {end}',
    },
  },
};
export default chargesEn;
