// Backend events (`onNotified`, `onOpenSession`, ...) register asynchronously; a view that unmounts
// before a registration finished must still undo it once it does.

/** Undoes each `on…` registration once it is in place; the returned function stops them all. */
export function listenAll(registrations: Promise<() => void>[], onError: (e: unknown) => void): () => void {
  let stopped = false;
  const unlisteners: (() => void)[] = [];
  for (const registration of registrations) {
    registration.then(
      (unlisten) => {
        if (stopped) unlisten();
        else unlisteners.push(unlisten);
      },
      onError,
    );
  }
  return () => {
    stopped = true;
    for (const unlisten of unlisteners.splice(0)) unlisten();
  };
}
