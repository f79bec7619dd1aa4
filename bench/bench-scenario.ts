/** Settings every scenario gets from the command line. */
export interface BenchSettings {
  /** How many measured rounds (scenario and baseline each); the median is reported. */
  rounds: number;
  /** Seconds of load per measured run. */
  durationSeconds: number;
  connections: number;
}

/** One named benchmark: runs itself and its baseline in the same run, and prints a summary. */
export interface BenchScenario {
  name: string;
  description: string;
  run(settings: BenchSettings): Promise<string>;
}
