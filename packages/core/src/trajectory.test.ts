import { describe, expect, it } from 'vitest';
import { TrajectoryBuilder, discountedReturns } from './trajectory.js';

function build(episodes: { rewards: number[]; terminated: boolean }[]) {
  const b = new TrajectoryBuilder(1, 1);
  for (const ep of episodes) {
    for (const r of ep.rewards) b.push([0], [0], r);
    b.endEpisode(ep.terminated, !ep.terminated);
  }
  return b.build();
}

describe('discountedReturns', () => {
  it('equals the brute-force discounted tail sum within each episode', () => {
    const eps = [
      { rewards: [1, 2, 3, 4], terminated: true },
      { rewards: [5, -1, 0.5], terminated: false },
    ];
    const batch = build(eps);
    const gamma = 0.9;
    const q = discountedReturns(batch, gamma);
    const expected: number[] = [];
    for (const ep of eps) {
      ep.rewards.forEach((_, t) => {
        let s = 0;
        for (let k = t; k < ep.rewards.length; k++) s += gamma ** (k - t) * ep.rewards[k]!;
        expected.push(s);
      });
    }
    expect(Array.from(q)).toHaveLength(expected.length);
    q.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
  });

  it('never bootstraps past a termination, and bootstraps a truncation only when asked', () => {
    const batch = build([
      { rewards: [1, 1], terminated: true },
      { rewards: [1, 1], terminated: false },
    ]);
    const q = discountedReturns(batch, 0.5, () => 100);
    expect(q[1]).toBe(1); // terminated: tail is exactly zero
    expect(q[3]).toBe(1 + 0.5 * 100); // truncated: tail supplied
    expect(discountedReturns(batch, 0.5)[3]).toBe(1);
    expect(batch.episodes.map((e) => [e.terminated, e.truncated])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('hands a truncated episode its final observation, so the tail can be V(s_T)', () => {
    const b = new TrajectoryBuilder(1, 1);
    b.push([0], [0], 1);
    b.endEpisode(true, false, Float64Array.of(7));
    b.push([1], [0], 1);
    b.push([2], [0], 1);
    b.endEpisode(false, true, Float64Array.of(3));
    const batch = b.build();
    const seen: number[][] = [];
    const q = discountedReturns(batch, 0.5, (ep, sT) => {
      seen.push([ep.start, ...sT!]);
      return 10 * sT![0]!; // V(s) = 10 s
    });
    expect(seen).toEqual([[1, 3]]); // only the truncated episode, with s_T = 3
    expect(Array.from(q)).toEqual([1, 1 + 0.5 * (1 + 0.5 * 30), 1 + 0.5 * 30]);
    expect(batch.episodes.map((e) => Array.from(e.finalObservation!))).toEqual([[7], [3]]);
  });

  it('keeps per-episode reward-term sums as given', () => {
    const b = new TrajectoryBuilder(1, 1);
    b.push([0], [0], 1.5);
    b.endEpisode(true, false, Float64Array.of(0), { forward: 0.5, alive: 1 });
    expect(b.build().episodes[0]!.rewardTerms).toEqual({ forward: 0.5, alive: 1 });
  });

  it('rejects malformed use', () => {
    const b = new TrajectoryBuilder(2, 1);
    expect(() => b.push([0], [0], 1)).toThrow(/expected 2 and 1/);
    expect(() => b.endEpisode(true, false)).toThrow(/no steps/);
    b.push([0, 0], [0], 1);
    expect(() => b.build()).toThrow(/not ended/);
    expect(() => b.endEpisode(true, true)).toThrow(/exactly one/);
    expect(() => b.endEpisode(true, false, new Float64Array(3))).toThrow(/final observation has 3/);
    expect(() => discountedReturns(build([{ rewards: [1], terminated: true }]), 1.5)).toThrow(/gamma/);
  });
});

describe('TrajectoryBuilder.discardEpisode', () => {
  it('drops the open episode only: the batch is what it would be had the episode never started', () => {
    const b = new TrajectoryBuilder(2, 1);
    b.push([1, 2], [3], 4);
    b.endEpisode(true, false);
    b.push([5, 6], [7], 8);
    b.push([9, 10], [11], 12);
    b.discardEpisode();
    expect(b.numSteps).toBe(1);
    b.push([13, 14], [15], 16);
    b.endEpisode(false, true);
    const batch = b.build();
    expect(Array.from(batch.observations)).toEqual([1, 2, 13, 14]);
    expect(Array.from(batch.actions)).toEqual([3, 15]);
    expect(Array.from(batch.rewards)).toEqual([4, 16]);
    expect(batch.episodes.map((e) => [e.start, e.length, e.return])).toEqual([
      [0, 1, 4],
      [1, 1, 16],
    ]);
  });
});
