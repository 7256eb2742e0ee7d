import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../lib/cli/progress-line';

describe('progressLine', () => {
  it('shows the bar, bytes, speed and time left', () => {
    const line = progressLine('receiving', { bytesDone: 5 * 1024 * 1024, bytesTotal: 10 * 1024 * 1024, filesDone: 0, filesTotal: 1 }, { bytesPerSecond: 2_500_000, etaSeconds: 2.1 });
    expect(line).toBe('receiving [############------------]  50%  5.0 MiB / 10 MiB  2.5 MB/s  ETA 3 s');
  });

  it('counts files when there are several, and says when the rate is unknown', () => {
    const line = progressLine('sending', { bytesDone: 0, bytesTotal: 100, filesDone: 1, filesTotal: 3 }, { bytesPerSecond: 0, etaSeconds: null }, 200);
    expect(line).toContain('1/3 files');
    expect(line).toContain('ETA ?');
    expect(progressLine('sending', { bytesDone: 0, bytesTotal: 100, filesDone: 0, filesTotal: 1 }, null)).not.toContain('ETA');
  });

  it('fits the terminal width', () => {
    const line = progressLine('receiving', { bytesDone: 1, bytesTotal: 2, filesDone: 0, filesTotal: 2 }, { bytesPerSecond: 1, etaSeconds: 1 }, 40);
    expect(line.length).toBe(39);
  });

  it('is full for an empty transfer', () => {
    expect(progressLine('sent', { bytesDone: 0, bytesTotal: 0, filesDone: 1, filesTotal: 1 }, null)).toContain('100%');
  });
});
