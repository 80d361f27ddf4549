/** English messages of the collections area (webhooks, wallets). Merged into en.ts. */
const collectionsEn = {
  collections: {
    routes: { webhooks: 'Webhooks' },
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
