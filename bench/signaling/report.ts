import type { PhaseRecord, StepRecord } from './phase';
import type { Percentiles } from './stats';

// The printed tables (one per phase, then app/baseline ratios) and the verdicts
// against the issue's targets.

export const TARGETS = { sessions: 10_000, relayP99Ms: 50, rssMiB: 1024, relayRatio: 2 };

const pair = (p: Percentiles) => (p.p50 === null ? 'n/a' : `${fmt(p.p50)} / ${fmt(p.p99)}`);
const fmt = (n: number | null, digits?: number) => {
  if (n === null) return 'n/a';
  const d = digits ?? (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2);
  return n.toFixed(d);
};
const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function phaseTable(phase: PhaseRecord): string {
  const header = [
    'sessions', 'held', 'set-ups/s', 'join→peer-joined p50/p99 ms', 'relay p50/p99 ms', 'ack p99 ms', 'lost',
    'RSS MiB', 'MiB/1k sessions', 'server CPU % (ramp/window)', 'clients CPU %', 'other CPU %', 'dropped',
  ];
  const rows = phase.steps.map((s) => [
    String(s.sessions), String(s.held), String(s.setupPerSecond), pair(s.joinMs), pair(s.relayMs), fmt(s.ackMs.p99),
    `${s.relaysLost}/${s.relaysSent}`, String(s.rssMiB), fmt(s.rssPerThousandMiB, 1),
    `${s.rampCpu.groups.server}/${s.windowCpu.groups.server}`, `${s.rampCpu.groups.clients}/${s.windowCpu.groups.clients}`, `${s.rampCpu.other}/${s.windowCpu.other}`, String(s.disconnects),
  ]);
  return table([header, ...rows]);
}

export interface RatioRow {
  topology: 'one instance' | 'two instances + Redis';
  sessions: number;
  relayP50: number | null;
  relayP99: number | null;
  joinP50: number | null;
  joinP99: number | null;
  setupRate: number | null;
  rssPerThousand: number | null;
}

/** App over baseline at every step both reached, per topology. */
export function ratios(phases: PhaseRecord[]): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const redis of [false, true]) {
    const app = phases.find((p) => p.kind === 'app' && p.redis === redis);
    const base = phases.find((p) => p.kind === 'baseline' && p.redis === redis);
    if (!app || !base) continue;
    for (const a of app.steps) {
      const b = base.steps.find((s) => s.sessions === a.sessions);
      if (!b) continue;
      rows.push({
        topology: redis ? 'two instances + Redis' : 'one instance',
        sessions: a.sessions,
        relayP50: ratio(a.relayMs.p50, b.relayMs.p50),
        relayP99: ratio(a.relayMs.p99, b.relayMs.p99),
        joinP50: ratio(a.joinMs.p50, b.joinMs.p50),
        joinP99: ratio(a.joinMs.p99, b.joinMs.p99),
        setupRate: ratio(a.setupPerSecond, b.setupPerSecond),
        rssPerThousand: ratio(a.rssPerThousandMiB, b.rssPerThousandMiB),
      });
    }
  }
  return rows;
}

export function ratioTable(rows: RatioRow[]): string {
  const header = ['topology', 'sessions', 'relay p50', 'relay p99', 'join p50', 'join p99', 'set-ups/s', 'MiB/1k sessions'];
  return table([header, ...rows.map((r) => [r.topology, String(r.sessions), ...[r.relayP50, r.relayP99, r.joinP50, r.joinP99, r.setupRate, r.rssPerThousand].map((v) => fmt(v, 2))])]);
}

const verdict = (ok: boolean | null) => (ok === null ? 'n/a ' : ok ? 'PASS' : 'MISS');
/** Above this much foreign CPU load (% of all cores), a step says more about the machine than the code. */
const DISTURBED_PERCENT = 10;

/** Verdicts on the targets, then what went wrong, then whether the machine was busy with other work. */
export function verdicts(phases: PhaseRecord[], ratioRows: RatioRow[], shortfall?: string): string[] {
  const lines = [...targetLines(phases, ratioRows, shortfall), ...problems(phases)];
  const disturbed = phases.flatMap((p) => p.steps.filter((s) => Math.max(s.rampCpu.other, s.windowCpu.other) > DISTURBED_PERCENT).map((s) => `${p.name} ${s.sessions}`));
  if (disturbed.length) {
    lines.push(`WARN  other processes took > ${DISTURBED_PERCENT}% of the CPUs during ${disturbed.length} step(s) (${disturbed.join(', ')}): rerun on a quiet machine`);
  }
  return lines;
}

/**
 * The issue's targets, judged on the single-instance app at its largest step. A run
 * that stopped short of 10,000 sessions shows its figures but judges nothing.
 */
function targetLines(phases: PhaseRecord[], ratioRows: RatioRow[], shortfall?: string): string[] {
  const app = phases.find((p) => p.kind === 'app' && !p.redis);
  const last: StepRecord | undefined = app?.steps.at(-1);
  if (!last) return [`n/a   the single-instance app phase has no results${app?.reason ? ` (${app.reason})` : ''}`];
  const full = last.sessions >= TARGETS.sessions;
  const judge = (ok: boolean | null) => verdict(full ? ok : null);
  const at = full ? '' : ` [at ${last.sessions} sessions]`;
  const relay = last.relayMs.p99;
  const row = ratioRows.find((r) => r.topology === 'one instance' && r.sessions === last.sessions);
  const worst = row?.relayP50 != null && row.relayP99 != null ? Math.max(row.relayP50, row.relayP99) : null;
  const note = full ? [] : [`NOTE  the targets are for ${TARGETS.sessions.toLocaleString('en-US')} sessions and the largest step was ${last.sessions}${shortfall ? ` (${shortfall})` : ''}: figures shown, not judged`];
  return [
    ...note,
    `${judge(last.held >= TARGETS.sessions && last.disconnects === 0 && last.relaysLost === 0)}  ${TARGETS.sessions.toLocaleString('en-US')} concurrent sessions on one instance, none dropped, no relay lost: held ${last.held}, ${last.disconnects} dropped, ${last.relaysLost} lost${at}`,
    `${judge(relay === null ? null : relay < TARGETS.relayP99Ms)}  relay p99 < ${TARGETS.relayP99Ms} ms: ${fmt(relay)} ms${at}`,
    `${judge(last.rssMiB < TARGETS.rssMiB)}  server RSS < 1 GiB: ${last.rssMiB} MiB (${fmt(last.rssPerThousandMiB, 1)} MiB per 1,000 sessions)${at}`,
    `${judge(worst === null ? null : worst <= TARGETS.relayRatio)}  relay latency within ${TARGETS.relayRatio}× the bare Socket.IO baseline: p50 ${fmt(row?.relayP50 ?? null, 2)}×, p99 ${fmt(row?.relayP99 ?? null, 2)}×${at}`,
  ];
}

/** Whatever went wrong in any phase: it makes the run fail. */
export function problems(phases: PhaseRecord[]): string[] {
  const lines: string[] = [];
  for (const phase of phases) {
    if (phase.status !== 'ok') lines.push(`${phase.status === 'failed' ? 'FAIL' : 'SKIP'}  ${phase.name}: ${phase.reason}`);
    const last = phase.steps.at(-1);
    const lost = phase.steps.reduce((n, s) => n + s.relaysLost, 0);
    const failedSetups = phase.steps.reduce((n, s) => n + s.setupFailures + s.probeFailures, 0);
    if (last && (last.disconnects || lost || failedSetups)) {
      const reasons = Object.entries(last.dropReasons).map(([k, n]) => `${k} ×${n}`).join(', ');
      lines.push(`FAIL  ${phase.name}: ${last.disconnects} held sockets dropped${reasons ? ` (${reasons})` : ''}, ${lost} relays lost, ${failedSetups} session set-ups failed`);
    }
  }
  return lines;
}
