/** Billing safety, invoice actions and order dialog strings (issue 9). Merged into en.ts. */
const billingEn = {
  billingOps: {
    run: {
      realRun: 'Run billing…', dryRunBtn: 'Start dry run', preparing: 'Checking the scope with a dry run…',
      dryDefault: 'A dry run computes the invoices without storing anything. Untick it to bill for real: you will see the scope first.',
      confirmTitle: 'Confirm the bill run', scope: 'This run will create draft invoices for:',
      group: 'Bill-run group', period: 'Period', payers: 'Payers in scope', due: 'Payers with something to bill',
      estimate: 'Estimated total (from the dry run)', noEstimate: 'Nothing to bill',
      openWarn: 'This period has not ended yet (it ends on {end}). Usage still arriving will not be on these invoices.',
      openAck: 'Bill the open period anyway', confirm: 'Create invoices', dryFailed: 'The dry run failed: {msg}',
      dryResult: 'Dry run finished: check the scope before billing',
    },
    invoice: {
      finalized: 'Invoice finalized', markedPaid: 'Marked as paid', markedFailed: 'Marked as payment failed', voided: 'Invoice voided',
      onFinalize: 'Set on finalize',
    },
    order: {
      completed: 'Order completed: subscriptions created',
      couponHint: 'Coupon codes, e.g. WELCOME10 (several: separate with commas)',
    },
    bulk: {
      finalize: 'Finalize selected ({n})', send: 'Send selected ({n})',
      finalizeConfirm: 'Finalize {n} draft invoices? Each becomes immutable and gets its number.',
      sendConfirm: 'E-mail {n} invoices to their payers? {drafts} of them are drafts and are finalized first.',
      resultTitle: 'Result', finalizedN: '{ok} finalized, {failed} failed', sentN: '{ok} sent, {failed} failed',
    },
    rebill: {
      button: 'Bill again', confirm: 'Bill this payer and period again? A new draft invoice is created; this void invoice stays as it is.',
      done: 'New draft invoice created', nothing: 'Nothing was due for this payer and period',
    },
  },
};

export type BillingMessages = typeof billingEn;
export default billingEn;
