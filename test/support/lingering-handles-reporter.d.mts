export default class LingeringHandlesReporter {
  onTestFileResult(test: { path: string }): Promise<void>;
  onRunComplete(): void;
}
