/**
 * The last line of defence: no error that escapes a request (a throw in a socket callback, a promise
 * nobody awaited) ends the process. Each such fault is logged on one line and counted; requests
 * already in flight and those to come are still served. Request errors proper never get here: Nest's
 * exception filters answer them (the issuer's with RFC 6749 §5.2 bodies, the services' per RFC 6750).
 */
export interface ProcessFaultCounts {
  uncaughtException: number;
  unhandledRejection: number;
}

const counts: ProcessFaultCounts = { uncaughtException: 0, unhandledRejection: 0 };
let installed = false;

/** Faults caught since start, for health details or a metrics exporter. */
export function processFaultCounts(): Readonly<ProcessFaultCounts> {
  return { ...counts };
}

/** Longest message kept in the log line: enough to find the cause, too short to dump a payload. */
const MESSAGE_LIMIT = 200;

/**
 * One line: the kind, the count, the error's name and a bounded first line of its message with
 * credentials in URLs (user:password@) and bearer-like strings blanked. No stack: it may hold
 * request data, and the name plus message find the code path.
 */
export function describeFault(kind: keyof ProcessFaultCounts, reason: unknown, count: number): string {
  const name = reason instanceof Error ? reason.name : typeof reason;
  const raw = reason instanceof Error ? reason.message : String(reason);
  const message = raw
    .split('\n', 1)[0]
    .replace(/\/\/[^/\s:@]*:[^/\s@]*@/g, '//***:***@')
    .replace(/\b(bearer|basic)\s+\S+/gi, '$1 ***')
    .replace(/\beyJ[\w-]*\.[\w-]*\.?[\w-]*/g, '***')
    .slice(0, MESSAGE_LIMIT);
  return `process guard: ${kind} #${count} (${name}: ${message})`;
}

/**
 * Installs the handlers once per process; runMain does it before anything else starts. `onFault`
 * gets the log line (default: stderr); it may end the process itself, as runMain does for a fault
 * before the app listens (a half-started app is not worth keeping).
 */
export function installProcessGuards(onFault: (line: string) => void = (line) => console.error(line)): void {
  if (installed) return;
  installed = true;
  const record = (kind: keyof ProcessFaultCounts) => (reason: unknown) => {
    counts[kind] += 1;
    try {
      onFault(describeFault(kind, reason, counts[kind]));
    } catch {
      // A failing logger must not turn a handled fault into a crash.
    }
  };
  process.on('uncaughtException', record('uncaughtException'));
  process.on('unhandledRejection', record('unhandledRejection'));
}
