// The feed store's public surface; views import from here, not from the files behind it.

export { FeedStore, type FeedChange, type FeedStatus, type FeedStoreOptions, type ResyncReason } from "./store";
export { FrameQueue, animationFrameScheduler, type FrameScheduler } from "./frame";
export type { SessionEntry } from "./entry";
export { sessionKey } from "./keys";
export type { CiState, PrCheck, PrDetails, PrDisplay, ReviewDecision } from "./pr";
export { ALL_SHOWN_STATES, stateLook, type StateGlyph, type StateLook, type StateTone } from "./state";
