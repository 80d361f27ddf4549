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
    movePlan: 'Plan code',
    schedule: 'Schedule',
    cycleN: 'Cycle {n}',
    lastInstallment: 'Last installment (cycle {n})',
    line: {
      installment: 'installment {k} of {n}',
      oneTime: 'one-time',
      service: 'service {start} – {end}',
    },
  },
};
export default chargesEn;
