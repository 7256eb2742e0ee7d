export interface Exit {
  status: number | null;
  signal?: string | null;
}
export interface RunnerVerdict {
  passed: number;
  failed: number;
  skipped: number;
  problems: string[];
}
export function judgeVitest(exit: Exit, report: unknown): RunnerVerdict;
export function judgePlaywright(exit: Exit, report: unknown): RunnerVerdict;
export function judgeRun(results: { vitest: { exit: Exit; report: unknown }; playwright: { exit: Exit; report: unknown } }): {
  ok: boolean;
  summary: string;
  problems: string[];
};
