/** Issue 9 part C: rule test prefill, coupon batches, meters in the plan form, versions. */
const rulesCouponsEn = {
  couponBatch: {
    noExpiry: 'No expiry', namePlaceholder: 'Default: date and time', allBatches: 'All batches', exportCsv: 'Export CSV',
  },
  meterPick: {
    placeholder: 'Pick a meter', create: 'New meter', unknown: 'No active meter "{code}": publishing will refuse it.',
  },
  versionState: {
    column: 'In effect (scheduled)',
    inEffect: 'In effect: v{v} since {from}', scheduled: 'Scheduled: v{v} from {from}', none: 'Not in effect',
    pricedWith: 'Priced with v{v}, in effect from {from}', noneInMonth: 'No published version is in effect in {month}: priced with the form.',
  },
  versionDiff: {
    tier: 'tier {n}', wholeComponent: 'whole component', author: 'By',
    fields: {
      amount: 'amount', unitAmount: 'unit price', flatAmount: 'flat fee', upTo: 'up to', model: 'pricing model', name: 'name',
      code: 'code', meter: 'meter', quantityKey: 'quantity key', type: 'type', freeUnits: 'free units', packageSize: 'package size',
      packageAmount: 'package price', rate: 'rate', percent: 'percent', currency: 'currency', interval: 'interval',
      intervalCount: 'interval count', trialDays: 'trial days', minimumAmount: 'minimum amount', prorate: 'prorate',
      priority: 'priority', validFrom: 'valid from', validTo: 'valid to', conditions: 'conditions', maxAmount: 'max amount',
      cycles: 'cycles', units: 'units', budget: 'budget', maxRedemptions: 'max redemptions', perCustomer: 'per customer',
      exclusiveGroup: 'exclusive group', description: 'description', eligibility: 'eligibility', tiers: 'tiers', components: 'components',
    },
  },
  sellerInfo: { businessRegNo: 'Business registration no. (on invoices)', address: 'Address (on invoices)' },
  ruleFacts: {
    loading: 'Loading the customer\'s period…',
    fromCustomer: 'Filled from {name}\'s subscriptions and usage so far in {month}.',
    noSubscription: 'The customer has no subscription in {month}: pick a plan.',
    why: { expired: 'it expired on {date}', used_up: 'it is used up', not_in_effect: 'its coupon is not in effect' },
    subscription: 'Subscription',
    rejectedCoupon: 'Code {code} was not applied: {reason}',
  },
};

export default rulesCouponsEn;
