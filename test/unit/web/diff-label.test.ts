import { describe, expect, it } from 'vitest';
import { describeDiffPath, pathSegments } from '@/composables/catalog/diffLabel';

const doc = { components: [{ code: 'base', name: 'Base fee' }, { code: 'api', name: 'API calls' }] };

describe('readable diff paths (issue 9)', () => {
  it('splits a path into keys and indexes', () => {
    expect(pathSegments('components[1].pricing.tiers[1].unitAmount')).toEqual(['components', 1, 'pricing', 'tiers', 1, 'unitAmount']);
  });

  it('names the component, the 1-based tier and the field', () => {
    expect(describeDiffPath('components[1].pricing.tiers[1].unitAmount', doc)).toEqual({ component: 'API calls', tier: 2, field: 'unitAmount', within: ['pricing'] });
  });

  it('uses the older document for a removed component, and a number when neither has it', () => {
    expect(describeDiffPath('components[2]', doc, { components: [{}, {}, { code: 'old' }] })).toMatchObject({ component: 'old', field: '' });
    expect(describeDiffPath('components[5].amount', doc).component).toBe('#6');
  });

  it('keeps plain fields and nested rule params', () => {
    expect(describeDiffPath('name', doc)).toEqual({ field: 'name', within: [] });
    expect(describeDiffPath('event.params.percent', {})).toEqual({ field: 'percent', within: ['event', 'params'] });
    expect(describeDiffPath('customer.tags[0]', {})).toEqual({ field: 'tags', within: ['customer'] });
  });
});
