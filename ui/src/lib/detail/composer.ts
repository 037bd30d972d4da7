// The composer's rules (UI §1.6, SPEC F2): the 10,000-character limit the backend enforces, the
// counter that warns before it, and the one key chord that sends, so a stray Enter never does.

/** The backend's MAX_MESSAGE_CHARS. */
export const MESSAGE_LIMIT = 10_000;
/** The counter appears from here on, so it is noise for ordinary messages. */
export const COUNTER_FROM = 9_000;

/** Characters as the backend counts them (Rust `chars()`: code points, not UTF-16 units). */
export function messageLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export interface ComposerCheck {
  length: number;
  /** "9,412 / 10,000" once the counter shows, else null. */
  counter: string | null;
  over: boolean;
  canSend: boolean;
}

export function checkMessage(text: string): ComposerCheck {
  const length = messageLength(text);
  const over = length > MESSAGE_LIMIT;
  return {
    length,
    counter: length >= COUNTER_FROM ? `${length.toLocaleString("en-US")} / ${MESSAGE_LIMIT.toLocaleString("en-US")}` : null,
    over,
    canSend: !over && text.trim() !== "",
  };
}

type Chord = Pick<KeyboardEvent, "key" | "metaKey" | "ctrlKey" | "shiftKey" | "altKey" | "isComposing">;

/** Mod+Enter (⌘ on macOS, Ctrl elsewhere; either is taken). Enter while an IME composes never counts. */
export function isSendChord(e: Chord): boolean {
  return e.key === "Enter" && (e.metaKey || e.ctrlKey) && !e.altKey && !e.isComposing;
}

/** "12:04", the receipt's clock time in the user's locale, 24 h when the locale uses it. */
export function clockTime(at: Date): string {
  return at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** The receipt after a send; says so when the send had to restore the session first (F2). */
export function sendReceipt(at: Date, restored: boolean): string {
  return `${restored ? "restored and sent" : "sent"} ${clockTime(at)} ✓`;
}
