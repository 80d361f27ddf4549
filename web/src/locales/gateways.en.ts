/** English messages of the gateway settings page (PG사). Merged into en.ts. */
const gatewaysEn = {
  gateways: {
    route: 'Payment gateways',
    intro: 'Credentials are stored encrypted and never shown again.',
    on: 'On', off: 'Off', enabledOk: 'Gateway enabled', disabledOk: 'Gateway disabled: no new payment methods or automatic charges; payments in progress still settle',
    source: { builtin: 'Built in', tenant: 'Own credentials', env: 'Server credentials', none: 'Not configured' },
    about: {
      sandbox: 'Test gateway built into Billwise: test cards choose the outcome and virtual-account deposits can be simulated. No account needed.',
      toss: 'Toss Payments: card auto-payment with a billing key, virtual accounts. Use the secret key from the Toss developer center (test_sk_… or live_sk_…).',
      stripe: 'Stripe: off-session card charges on a saved PaymentMethod, refunds. Use the secret key (sk_…) and the webhook signing secret (whsec_…).',
    },
    key: { secretKey: 'Secret key', webhookSecret: 'Webhook signing secret' },
    set: 'Set', notSet: 'Not set', fromEnv: 'From the server environment', updatedAt: 'Changed',
    webhookUrl: 'Webhook URL',
    webhookHint: {
      sandbox: 'The sandbox sends its signed webhooks to this address by itself.',
      toss: 'Paste into the Toss developer center → Webhooks (events DEPOSIT_CALLBACK and PAYMENT_STATUS_CHANGED).',
      stripe: 'Add as an endpoint in the Stripe Dashboard → Developers → Webhooks (payment_intent.* events); paste its signing secret here.',
    },
    setKeys: 'Enter credentials', replace: 'Replace credentials', remove: 'Remove credentials', test: 'Test connection',
    removeConfirm: 'Remove the stored {name} credentials? The server\'s own credentials apply again, if any.',
    dialogTitle: '{name} credentials', writeOnly: 'Saving replaces every stored key of this gateway. Values cannot be shown after saving.',
    keepHint: 'Stored: enter it again to keep it',
    outcome: {
      ok: 'Connected: the gateway accepted the credentials', not_configured: 'No credentials are set',
      rejected: 'The gateway refused the credentials', unavailable: 'The gateway did not answer; try again later',
    },
    unreadable: 'The stored credentials cannot be decrypted (the server\'s BILLWISE_SECRET_KEY changed). Enter them again.',
  },
};
export default gatewaysEn;
