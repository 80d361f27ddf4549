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
  /**
   * How the amount of `price(usage)` is made up, for the invoice and the PDF to show (unit price,
   * and the tiers of graduated and volume lines). Undefined for `percentage`.
   */
  breakdown(usage: PricingUsage): LinePricing | undefined;
}

/**
 * One tier a graduated (Tier 요율) or volume (Step 요율) line used: units in (`from`, `upTo`]
 * (`upTo` null = no upper bound), at `unitAmount` each plus `flatAmount`; `amount` is exact,
 * unrounded (the line's amount is their sum rounded once). Decimal strings.
 */
export interface TierUse {
  from: string;
  upTo: string | null;
  units: string;
  unitAmount: string;
  flatAmount?: string;
  amount: string;
}

/**
 * A charge line's price as people read it (rating/types.ts RatedLine.pricing): `flat` and
 * `standard` carry the unit price, `package` the price of one package of `packageSize` units,
 * `graduated` every tier with units in it, `volume` the one tier all units were priced at.
 * `freeUnits`: units not charged (the plan's own free units plus free_units rules). Quantities of
 * prorated lines are priced for the whole period; the line's description says the days.
 */
export interface LinePricing {
  model: 'flat' | 'standard' | 'package' | 'graduated' | 'volume';
  unitAmount?: string;
  packageSize?: string;
  freeUnits?: string;
  tiers?: TierUse[];
}

export interface ParsedTier {
  upTo: Decimal | null;
  unitAmount: Decimal;
  flatAmount: Decimal;
}
