/** English messages of collections (payments, refunds, payment methods). Merged into en.ts. */
const collectionsEn = {
  collections: {
    routes: { payments: 'Payments', webhooks: 'Webhooks' },
    method: { card: 'Card', bank_transfer: 'Bank transfer / auto-debit', virtual_account: 'Virtual account', cash: 'Cash', prepaid: 'Prepaid balance', points: 'Points' },
    status: { pending: 'Pending', succeeded: 'Succeeded', failed: 'Failed', refunded: 'Refunded', partially_refunded: 'Partly refunded' },
    provider: { manual: 'Manual', sandbox: 'Sandbox', toss: 'Toss Payments', stripe: 'Stripe', bank: 'Bank deposit' },
    decline: {
      insufficient_funds: 'Insufficient funds', expired_card: 'Expired card', processing_error: 'Processing error', card_declined: 'Card declined',
      incorrect_number: 'Incorrect card number', authentication_required: 'Authentication required', other: 'Declined',
    },
    payments: {
      billTo: 'Payer / customer', method: 'Method', amount: 'Amount', receivedOn: 'Received', provider: 'Provider', reference: 'Reference',
      allocated: 'Allocated', toWallet: 'To prepaid', refunded: 'Refunded', refundable: 'Refundable', decline: 'Decline', note: 'Note',
      from: 'From', to: 'To', record: 'Record payment', refund: 'Refund', detail: 'Payment', allocations: 'Allocated to invoices',
      refunds: 'Refunds', invoice: 'Invoice', reason: 'Reason', destination: 'Refund to', noAllocations: 'Not allocated',
      destinations: { original: 'Original method', prepaid: 'Prepaid balance' }, refunded_ok: 'Refund recorded', recorded: 'Payment recorded',
      billToHint: 'Payer or customer ID (UUID)', currency: 'Currency',
    },
    methods: {
      title: 'Payment methods', add: 'Add payment method', none: 'No payment method yet', type: 'Type', details: 'Details', default: 'Default',
      makeDefault: 'Make default', autoCollect: 'Automatic collection', auto: 'Automatic', manual: 'Manual', remove: 'Remove',
      removeConfirm: 'Remove this payment method? Payments made with it stay.', removed: 'Removed',
      cardNumber: 'Card number', expMonth: 'Expiry month', expYear: 'Expiry year', sandboxHint: 'Sandbox test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 9995 insufficient funds, 4000 0000 0000 0069 expired, 4000 0000 0000 0119 processing error. The number is not stored.',
      bankName: 'Bank', accountNumber: 'Account number', accountHolder: 'Account holder', expires: 'Expires {m}/{y}',
      simulateDeposit: 'Simulate deposit', depositAmount: 'Amount', depositor: 'Depositor', depositSent: 'Deposit sent; the sandbox webhook records it shortly',
    },
    webhooks: {
      create: 'New endpoint', url: 'URL', events: 'Event types', secret: 'Signing secret', secretOnce: 'Copy the signing secret now: it is not shown again.',
      active: 'Active', disabled: 'Disabled', enable: 'Enable', disable: 'Disable', deliveries: 'Deliveries', replay: 'Replay',
      replayed: 'Queued for delivery', attempt: 'Attempt', statusCode: 'Response', duration: 'Time (ms)', error: 'Error', event: 'Event',
      noAnswer: 'No answer', disabledReason: 'Why disabled', urlHint: 'Receives POST requests signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).',
    },
    wallets: {
      title: 'Wallets', kind: { prepaid: 'Prepaid balance', points: 'Points' }, balance: 'Balance', threshold: 'Low-balance alert below',
      ledger: 'Ledger', none: 'No wallet yet: one is created when money or points first land.',
      type: {
        top_up_paid: 'Top-up (paid)', top_up_granted: 'Granted', consumption: 'Used', expiry: 'Expired', adjustment: 'Adjustment',
        reversal: 'Reversal', overpayment: 'Overpayment', refund: 'Refund',
      },
      amount: 'Amount', balanceAfter: 'Balance after', reason: 'Reason', expiresAt: 'Expires', invoice: 'Invoice',
    },
  },
};
export default collectionsEn;
