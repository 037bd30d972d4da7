// Promises a test settles by hand, and a way to let settled ones run their callbacks, so tests
// about calls in flight (acks, input, opening a terminal) never wait on a clock.

/** A promise the test resolves or rejects by hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every callback of already-settled promises run (a few microtask turns; no timers). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
