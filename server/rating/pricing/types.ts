import type { Decimal } from '../../lib/money';

/** What a pricing model is applied to: a quantity, or for `percentage` an amount and a count. */
export interface PricingUsage {
  quantity: Decimal;
  /** Only for `percentage`: the summed transaction amount and the number of events. */
  amount?: Decimal;
  count?: Decimal;
}

/**
 * A pricing strategy, prepared once per pricing document (decimals parsed up front) and then
 * applied to many quantities. Returns the unrounded amount: the charge line is rounded once,
 * by the caller, with the tenant's rounding mode (see rules/README.md "Rounding").
 */
export interface Pricer {
  readonly model: string;
  price(usage: PricingUsage): Decimal;
  /** A copy of this pricer with `units` more free units (free_units rules). */
  withFreeUnits(units: Decimal): Pricer;
}

export interface ParsedTier {
  upTo: Decimal | null;
  unitAmount: Decimal;
  flatAmount: Decimal;
}
