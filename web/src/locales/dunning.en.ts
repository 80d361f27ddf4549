/** English messages of the dunning area. Merged into en.ts. */
const dunningEn = {
  dunning: {
    placeholders: { template: "e.g. overdue", queue: "e.g. collections", reasonCode: "e.g. budget_cycle" },
    menuGroup: 'Dunning',
    routes: { board: 'Dunning board', policy: 'Policy simulation', exclusions: 'Dunning exclusions' },
    actions: {
      remind: 'Reminder e-mail', retry_payment: 'Retry payment', late_fee: 'Late fee', suspend: 'Suspend', reinstate: 'Reinstate',
      cancel: 'Cancel', write_off: 'Write off', escalate: 'Escalate', exclude: 'Exclusion rule', none: 'No step yet',
    },
    effect: {
      action: 'Action', template: 'E-mail template', repeatEveryDays: 'Repeat every (days)', feeMode: 'Fee', percent: 'Percent per month', flat: 'Flat',
      percentMode: 'Percent per month (prorated)', feeOn: 'Charged on', ownInvoice: 'Its own invoice', nextInvoice: 'The next invoice', amount: 'Amount', cap: 'Cap (required)', at: 'When', periodEnd: 'At period end', now: 'Now',
      reason: 'Reason', queue: 'Hand to', note: 'Note', allowActions: 'Actions still allowed',
    },
    board: {
      runNow: 'Run now', runQueued: 'The dunning run was queued', aging: 'A/R aging', bucket: 'Bucket', current: 'Current',
      days: '{b} days', stages: 'Overdue by stage', recovery: 'Recovery per step', rule: 'Rule', invoices: 'Invoices', paid: 'Paid', rate: 'Recovery rate',
      recovered: 'Recovered', overdue: 'Overdue invoices', number: 'Invoice', customer: 'Customer', amountDue: 'Amount due', dueDate: 'Due date',
      daysOverdue: 'Days overdue', stage: 'Stage', next: 'Next action', why: 'Why', blockedBy: 'Stopped by', manual: 'Manual actions', pause: 'Pause',
      promise: 'Promise to pay', excludePayer: 'Exclude payer', pausedUntil: 'Paused until', promiseDate: 'Promised date', saved: 'Saved',
      escalations: 'Escalations', timeline: 'Dunning timeline', decision: 'Decision', runDate: 'Run date', noNext: 'Nothing scheduled',
    },
    reasons: {
      noRuleFires: 'No rule fires', alreadyDone: 'Already done: {steps}', pausedNote: 'Dunning paused until {date}: {note}', paused: 'Dunning paused until {date}',
      promiseNote: 'Promise to pay by {date}: {note}', promise: 'Promise to pay by {date}', exclusionNote: 'Exclusion {id} ({reasonCode}: {note}, set by {setBy})',
      exclusion: 'Exclusion {id} ({reasonCode}, set by {setBy})', flagExcluded: 'Customer {customer} is excluded from dunning',
      exclusionRule: 'Exclusion rule {rule} v{version}: {reason}', interrupted: 'Step {step} was being sent on {date} when its run stopped; not resent (check the mail log)',
      feeOnFee: 'No late fee is charged on a late-fee invoice', capReached: 'The cap {cap} is reached', feeZero: 'The fee rounds to zero',
      nothingSuspended: 'Nothing is suspended', failedRetry: '{error}; retried on the next run day', paidUp: 'The overdue balance is paid',
      noLongerOverdue: 'The invoice is no longer overdue (payment, credit note or void)', noMailer: 'E-mail is not configured (SMTP_HOST, MAIL_FROM)',
      noEmail: 'The payer has no e-mail address', mailRefused: 'The mail server refused {to}',
      feeWaived: 'Late fee {amount} waived by {by}: {reason}',
    },
    decisions: {
      acted: 'Acted', failed: 'Failed (retried tomorrow)', excluded: 'Excluded', paused: 'Paused', not_due: 'Not due', no_action: 'No action',
      stopped: 'Stopped', reinstated: 'Reinstated', unknown: 'Delivery unknown', waived: 'Fee waived',
    },
    policy: {
      preview: 'Policy preview', previewHint: 'An invoice of {amount} unpaid from day 0 gets:', amount: 'Amount', currency: 'Currency', days: 'Days', customerType: 'Customer type',
      run: 'Preview', simulate: 'Simulation over invoices overdue now (30 days)', simulateRun: 'Simulate', day: 'Day {n}', date: 'Date', noSteps: 'No steps scheduled',
      source: 'Policy', published: 'Published policy', draft: 'With drafts', rules: 'Dunning rules', editRule: 'Edit rule', newRule: 'New dunning rule', stopped: 'Stopped',
    },
    pending: {
      title: 'Late fees for the next invoice', amount: 'Amount', status: 'Status', billedOn: 'Billed on', reason: 'Reason', waive: 'Waive',
      waiveTitle: 'Waive late fee', waivePrompt: 'Why is the {amount} late fee waived? A waived fee is never billed.', waived: 'The late fee is waived', none: 'No late fees',
      reasonRequired: 'Enter a reason', tab: 'Late fees', sourceInvoice: 'Overdue invoice',
      statuses: { pending: 'Pending', billed: 'Billed', reversed: 'Reversed (invoice voided)', waived: 'Waived' },
    },
    exclusions: {
      add: 'Add exclusion', party: 'Excluded', customer: 'Customer', payer: 'Payer', reasonCode: 'Reason code', note: 'Note', setBy: 'Set by', range: 'Dates',
      validFrom: 'From', validTo: 'To', end: 'Lift', ended: 'Lifted', includeEnded: 'Include lifted', always: 'Always', confirmEnd: 'Lift this exclusion?',
    },
  },
};
export type DunningMessages = typeof dunningEn;
export default dunningEn;
