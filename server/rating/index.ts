/** Public surface of the pure rating engine. */
export { rate } from './rate';
export { prepareRules, preparePlan, type PreparedRules } from './prepare';
export { checkEligibility } from './eligibility';
export { subscriptionFacts } from './subscription-facts';
export { billableDays } from './proration';
export { allocateProportionally } from './allocate';
export { createPricer } from './pricing';
export type * from './types';
