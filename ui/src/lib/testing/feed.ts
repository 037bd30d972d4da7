// A LiveFeed on a fake subscription, for tests of what the app derives from the feed: `send`
// applies an event at once (the frame the real feed waits for runs by hand).

import type { FeedEvent } from "../../ipc/bindings";
import { LiveFeed } from "../feed/live.svelte";

export async function fakeFeed(): Promise<{ live: LiveFeed; send: (event: FeedEvent) => void }> {
  let emit: (e: FeedEvent) => void = () => {};
  const frames: (() => void)[] = [];
  const live = new LiveFeed(
    async (onEvent) => {
      emit = onEvent;
      return { resync: async () => {}, close: async () => {} };
    },
    (flush) => frames.push(flush),
  );
  live.start();
  await Promise.resolve();
  return {
    live,
    send(event) {
      emit(event);
      for (const f of frames.splice(0)) f();
    },
  };
}
