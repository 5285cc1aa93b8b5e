import type { AppProcess } from '../../faults/support/app-process';

/** Lines a healthy run never prints: a caught process fault, a stack frame, a 500's logged error. */
const TROUBLE = [/process guard:/, /uncaught/i, /unhandled/i, /^\s+at .+:\d+:\d+\)?$/m, /ERROR \[/, /FATAL/];

/** The process is still the one first started, and its output shows no crash, stray fault or 500. */
export function expectSurvived(app: AppProcess, name: string): void {
  const trouble = TROUBLE.find((pattern) => pattern.test(app.output));
  expect({ name, running: app.running, starts: app.starts, trouble: trouble ? app.output.slice(-3000) : undefined }).toEqual({
    name,
    running: true,
    starts: 1,
    trouble: undefined,
  });
}
