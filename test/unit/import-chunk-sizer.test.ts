/**
 * Write chunks of the customer import are sized by time (server/customers/import-job.ts): they
 * grow while under the target, shrink when over it, never past double or half per step, and
 * never below the floor where a chunk's fixed cost would dominate.
 */
import { describe, expect, it } from 'vitest';
import { ChunkSizer } from '../../server/customers/import-job';

describe('import chunk sizer', () => {
  it('grows toward the target time, at most doubling per step, up to the cap', () => {
    const s = new ChunkSizer(500, 60, 250, 5000);
    s.took(500, 10); // 50 rows/ms → 3,000 rows would take 60 ms; at most double
    expect(s.rows).toBe(1000);
    s.took(1000, 30);
    expect(s.rows).toBe(2000);
    s.took(2000, 20); s.took(s.rows, 20);
    expect(s.rows).toBe(5000);
  });

  it('shrinks when a chunk takes longer than the target, at most halving, never below the floor', () => {
    const s = new ChunkSizer(2000, 60, 250, 5000);
    s.took(2000, 120);
    expect(s.rows).toBe(1000);
    s.took(1000, 1000);
    expect(s.rows).toBe(500);
    s.took(500, 1000); s.took(s.rows, 1000);
    expect(s.rows).toBe(250);
  });

  it('ignores the last, short chunk and keeps a fixed size fixed', () => {
    const s = new ChunkSizer(500, 60, 250, 5000);
    s.took(80, 1);
    expect(s.rows).toBe(500);
    const fixed = new ChunkSizer(40, 0, 40, 40);
    fixed.took(40, 1);
    fixed.took(40, 10_000);
    expect(fixed.rows).toBe(40);
  });
});
