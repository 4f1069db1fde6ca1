/**
 * "After every N completed jobs, do this once": the pace of --kill-every (killer.ts) and
 * --restart-every (restarter.ts). One action at a time; an action that cannot happen now (it
 * returns false: no worker can be spared yet) waits for the next completed job; after stop()
 * nothing more starts. The kinds of action extend it.
 */
export class Pacer {
  readonly #every: number;
  readonly #act: () => Promise<boolean>;
  #completed = 0;
  #done = 0;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(every: number, act: () => Promise<boolean>) {
    this.#every = every;
    this.#act = act;
  }

  /** Called with the number of jobs completed so far, after each. */
  completed(count: number): void {
    this.#completed = count;
    if (!this.#running && this.#due()) this.#running = this.#loop().finally(() => (this.#running = undefined));
  }

  /** Nothing more starts; waits for an action under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  #due(): boolean {
    return !this.#stopped && this.#completed >= (this.#done + 1) * this.#every;
  }

  async #loop(): Promise<void> {
    while (this.#due()) {
      if (!(await this.#act())) return;
      this.#done++;
    }
  }
}
