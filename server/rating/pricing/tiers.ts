import { parseDecimal, ZERO } from '../../lib/money';
import type { ParsedTier } from './types';

export function parseTiers(tiers: ReadonlyArray<{ upTo: string | number | null; unitAmount: string; flatAmount?: string }>): ParsedTier[] {
  return tiers.map((t) => ({
    upTo: t.upTo === null ? null : parseDecimal(t.upTo),
    unitAmount: parseDecimal(t.unitAmount),
    flatAmount: t.flatAmount === undefined ? ZERO : parseDecimal(t.flatAmount),
  }));
}
