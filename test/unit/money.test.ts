import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, currencyDecimals, parseDecimal, roundMoney, toMoneyString, isDecimalString, amountProblem, AMOUNT_TOO_LARGE } from '../../server/lib/money';

describe('currencyDecimals (ISO 4217 minor units)', () => {
  it.each([
    ['KRW', 0], ['JPY', 0], ['USD', 2], ['EUR', 2], ['BHD', 3], ['KWD', 3], ['OMR', 3], ['JOD', 3], ['TND', 3], ['XYZ', 2], ['krw', 0],
  ])('%s has %i decimals', (code, n) => expect(currencyDecimals(code)).toBe(n));
});

describe('roundMoney', () => {
  const r = (x: string, c: string, m: 'half_up' | 'half_even' | 'down' | 'up') => toMoneyString(roundMoney(new Decimal(x), c, m), c);
  it('half_up rounds ties away from zero', () => {
    expect(r('2.345', 'USD', 'half_up')).toBe('2.35');
    expect(r('-2.345', 'USD', 'half_up')).toBe('-2.35');
    expect(r('1500.5', 'KRW', 'half_up')).toBe('1501');
  });
  it('half_even rounds ties to the even neighbour', () => {
    expect(r('2.345', 'USD', 'half_even')).toBe('2.34');
    expect(r('2.355', 'USD', 'half_even')).toBe('2.36');
    expect(r('1500.5', 'KRW', 'half_even')).toBe('1500');
  });
  it('down truncates toward zero (절사) and up goes away from zero (절상)', () => {
    expect(r('1999.99', 'KRW', 'down')).toBe('1999');
    expect(r('-1.019', 'USD', 'down')).toBe('-1.01');
    expect(r('1999.01', 'KRW', 'up')).toBe('2000');
    expect(r('1.001', 'USD', 'up')).toBe('1.01');
  });
  it('uses 3 decimals for BHD', () => expect(r('1.23456', 'BHD', 'half_up')).toBe('1.235'));
  it('rounds to the currency in every mode (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 }), fc.constantFrom('USD', 'KRW', 'BHD'), fc.constantFrom('half_up', 'half_even', 'down', 'up' as const), (n, scale, cur, mode) => {
        const d = new Decimal(n).dividedBy(new Decimal(10).toPower(scale));
        const rounded = roundMoney(d, cur, mode);
        expect(rounded.decimalPlaces()).toBeLessThanOrEqual(currencyDecimals(cur));
        expect(rounded.minus(d).abs().lessThan(new Decimal(1).dividedBy(new Decimal(10).toPower(currencyDecimals(cur))))).toBe(true);
        if (mode === 'down') expect(rounded.abs().lessThanOrEqualTo(d.abs())).toBe(true);
        if (mode === 'up') expect(rounded.abs().greaterThanOrEqualTo(d.abs())).toBe(true);
      }),
    );
  });
});

describe('toMoneyString and parseDecimal', () => {
  it('prints the minor units and never -0', () => {
    expect(toMoneyString(new Decimal('19.8'), 'USD')).toBe('19.80');
    expect(toMoneyString(new Decimal('33000'), 'KRW')).toBe('33000');
    expect(toMoneyString(new Decimal('-0'), 'USD')).toBe('0.00');
    expect(toMoneyString(new Decimal('1e21'), 'KRW')).toBe('1000000000000000000000');
  });
  it('parses plain decimal strings and finite numbers only', () => {
    expect(parseDecimal('0.1').plus(parseDecimal('0.2')).toString()).toBe('0.3');
    expect(parseDecimal(3).toString()).toBe('3');
    for (const bad of ['1e3', ' 1', '1,000', '', '.5', '1.', 'NaN', '+1', '0x10']) expect(() => parseDecimal(bad)).toThrow();
    expect(() => parseDecimal(Number.NaN)).toThrow();
    expect(() => parseDecimal(Infinity)).toThrow();
    expect(isDecimalString('-12.30')).toBe(true);
  });
});

describe('amountProblem: the largest entered amount', () => {
  it('accepts up to 18 digits before the point and refuses 10^18 and more, either sign', () => {
    expect(amountProblem('999999999999999999.99', 'USD')).toBeNull();
    expect(amountProblem('-999999999999999999', 'KRW', { signed: true })).toBeNull();
    for (const s of ['1000000000000000000', '1'.repeat(64), '9'.repeat(25) + '.5']) expect(amountProblem(s, 'USD'), s).toBe(AMOUNT_TOO_LARGE);
    expect(amountProblem('-1' + '0'.repeat(18), 'KRW', { signed: true })).toBe(AMOUNT_TOO_LARGE);
  });
});
