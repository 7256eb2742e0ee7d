import { describe, expect, it } from 'vitest';
import { MAX_RESUME_ATTEMPTS, RESUME_ATTEMPT_MS, resumeDelayMs } from '../../../lib/client/resume-policy';

describe('resume policy', () => {
  it('starts the first attempt at once, backs off after, and bounds the whole window to about a minute', () => {
    const delays = Array.from({ length: MAX_RESUME_ATTEMPTS }, (_, i) => resumeDelayMs(i + 1));
    expect(delays).toEqual([0, 500, 1_000, 2_000, 4_000]);
    const window = delays.reduce((sum, d) => sum + d + RESUME_ATTEMPT_MS, 0);
    expect(window).toBeGreaterThanOrEqual(30_000);
    expect(window).toBeLessThanOrEqual(90_000);
  });
});
