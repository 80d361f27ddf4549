/**
 * Pricing models as strategies chosen by a factory (as Lago's charge_models do). A pricer is
 * prepared once per pricing document and cached by object identity, so rating 100,000
 * subscriptions of one plan parses its decimals once.
 */
import type { Pricing } from '../../rules/schema';
import { graduatedPricer } from './graduated';
import { packagePricer } from './package';
import { percentagePricer } from './percentage';
import { standardPricer } from './standard';
import { volumePricer } from './volume';
import type { Decimal } from '../../lib/money';
import type { LinePricing, Pricer } from './types';

export type { LinePricing, Pricer, PricingUsage, TierUse } from './types';

const cache = new WeakMap<object, Pricer>();

export function createPricer(pricing: Pricing): Pricer {
  const hit = cache.get(pricing);
  if (hit) return hit;
  let pricer: Pricer;
  switch (pricing.model) {
    case 'standard':
      pricer = standardPricer(pricing);
      break;
    case 'package':
      pricer = packagePricer(pricing);
      break;
    case 'graduated':
      pricer = graduatedPricer(pricing);
      break;
    case 'volume':
      pricer = volumePricer(pricing);
      break;
    case 'percentage':
      pricer = percentagePricer(pricing);
      break;
    default:
      throw new TypeError(`unknown pricing model ${JSON.stringify((pricing as { model?: unknown }).model)}`);
  }
  cache.set(pricing, pricer);
  return pricer;
}

/** A flat component's line price (one unit at the component's amount). */
const flatCache = new WeakMap<Decimal, LinePricing>();
export function flatPricing(amount: Decimal): LinePricing {
  let p = flatCache.get(amount);
  if (!p) flatCache.set(amount, (p = { model: 'flat', unitAmount: amount.toString() }));
  return p;
}
