/**
 * Audit log words: an action code (`customer.update`, `plan.draft.update`) reads as its entity and
 * its verb; a code made of words not listed here is shown as it is. Merged into en.ts.
 */
const auditEn = {
  auditWords: {
    action: '{entity} · {verb}',
    entities: {
      api_key: 'API key', auth: 'Sign-in', bill_run: 'Bill run', contract: 'Contract', coupon_codes: 'Coupon codes',
      customer: 'Customer', group: 'Group', invoice: 'Invoice', meter: 'Meter', metering_error: 'Metering error',
      order: 'Order', payer: 'Payer', payment: 'Payment', plan: 'Plan', rule: 'Rule', plan_relation: 'Plan relation',
      subscription: 'Subscription', tenant: 'Tenant', usage: 'Usage', user: 'User', wallet: 'Wallet',
    },
    verbs: {
      create: 'Created', update: 'Changed', delete: 'Deleted', revoke: 'Revoked', lockout: 'Locked out', import: 'Imported',
      credit_note: 'Credit note', payment: 'Payment applied', send: 'Sent', reprocess: 'Reprocessed', record: 'Recorded',
      refund: 'Refunded', onboard: 'Onboarded', ingest: 'Ingested', rollup: 'Rolled up', password_change: 'Password changed',
      draft_create: 'Draft created', draft_discard: 'Draft discarded', draft_update: 'Draft saved', publish: 'Published',
      retire: 'Retired', finalize: 'Finalized', void: 'Voided', pause: 'Paused', resume: 'Resumed', cancel: 'Cancelled',
      change: 'Plan changed', completed: 'Completed', cancelled: 'Cancelled', adjustment: 'Adjusted', topup: 'Topped up',
    },
  },
};

export type AuditMessages = typeof auditEn;
export default auditEn;
