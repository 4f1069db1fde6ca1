/**
 * The stop contract every peer handle keeps (process, container, started server): stop() is
 * idempotent and serialised, so every call returns the same promise, and `await using` stops too.
 */
export abstract class StopOnce<R> implements AsyncDisposable {
  #stopping: Promise<R> | undefined;

  stop(): Promise<R> {
    this.#stopping ??= this.stopNow();
    return this.#stopping;
  }

  /** The actual teardown; called at most once. */
  protected abstract stopNow(): Promise<R>;

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
