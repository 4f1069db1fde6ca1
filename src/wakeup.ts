/**
 * A sleep that another party can cut short: `sleep(ms)` resolves after `ms` or at the next
 * `wake()`, whichever comes first, and clears its timer either way. For a reader that polls a
 * buffer ("wait until something arrived, at most until the deadline") while a socket handler
 * fills it (the scripted peer, the library stage's accept, replay --as-server's accept). One
 * sleeper at a time; base layer, imports nothing from gearspec.
 */
export class Wakeup {
  #wake: (() => void) | undefined;

  /** End the current sleep now (nothing when no one sleeps). */
  wake(): void {
    this.#wake?.();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
