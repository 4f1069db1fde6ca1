/**
 * The one single-reader event queue: events arrive (push) whether or not anyone is reading; one
 * reader at a time takes the next (next) or gets a timeout value at its deadline. An event the
 * `sticky` test picks (a close, an exit) stays at the head once reached, so every later read sees
 * it again and a read loop always ends. Used by the transport connection, the driver control
 * connection and the replay's live stream; base layer, imports nothing from gearspec.
 */
export class WaitQueue<T> {
  readonly #items: T[] = [];
  #reader: ((item: T) => void) | undefined;
  readonly #sticky: (item: T) => boolean;

  constructor(sticky: (item: T) => boolean = () => false) {
    this.#sticky = sticky;
  }

  /** Hand the event to the waiting reader, or keep it for the next read. */
  push(item: T): void {
    const r = this.#reader;
    if (r) {
      this.#reader = undefined;
      r(item);
    } else this.#items.push(item);
  }

  /** Put an event back at the front (it belongs to a later read). */
  unshift(item: T): void {
    this.#items.unshift(item);
  }

  /** Events received and not read yet. */
  get queued(): readonly T[] {
    return this.#items;
  }

  /** Take and return every queued event. */
  drain(): T[] {
    return this.#items.splice(0);
  }

  /**
   * The next event, or `onTimeout()` once `timeoutMs` passes (never, when it is not finite). A
   * second read while one waits is a harness bug: `busy()` is thrown.
   */
  next<U>(timeoutMs: number, onTimeout: () => U, busy: () => Error): Promise<T | U> {
    const head = this.#items.shift();
    if (head !== undefined) {
      if (this.#sticky(head)) this.#items.unshift(head);
      return Promise.resolve(head);
    }
    if (this.#reader) throw busy();
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(
            () => {
              this.#reader = undefined;
              resolve(onTimeout());
            },
            Math.max(0, timeoutMs),
          )
        : undefined;
      this.#reader = (item) => {
        clearTimeout(timer);
        if (this.#sticky(item)) this.#items.unshift(item);
        resolve(item);
      };
    });
  }
}
