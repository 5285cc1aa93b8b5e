/** What each app's start function returns: where it listens and how to stop it. */
export interface RunningApp {
  name: string;
  url: string;
  /** One line for the operator: port and backing stores (never secrets). */
  describe: string;
  close(): Promise<void>;
}
