// A bound on how many expensive tasks run at once, with a bounded line of tasks waiting for a
// turn. Password checks go through one: each runs a slow KDF on purpose, and without a bound a
// flood of bad logins would take every core from the requests of users already signed in.

export class WorkLimitFull extends Error {
  override name = 'WorkLimitFull';
}

export class WorkLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /**
   * @param concurrency tasks run at most at once (0: no limit)
   * @param queue tasks that may wait for a turn; beyond that run() rejects with WorkLimitFull
   */
  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.concurrency > 0 && this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new WorkLimitFull('Too many tasks are waiting');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so running only drops when nobody waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
