// The app's fleet-wide sheets (quit, restore on start) and the corner toast, reactive for the
// views and bound to the real IPC calls. The logic is in quit.ts, restore.ts and toast.ts.

import {
  cancelQuit,
  declineLastStop,
  lastStop,
  onQuitRequested,
  onQuitting,
  onTrayAction,
  quitApp,
  restoreLastStop,
} from "../../ipc";
import type { LiveFeed } from "../feed/live.svelte";
import { sessionKey } from "../feed/keys";
import { QuitFlow, type QuitState } from "./quit";
import { closedState, RestoreFlow, type RestoreState } from "./restore";
import { Toaster, type ToastState } from "./toast";

function browserStorage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export class FleetSheets {
  quit = $state<QuitState>({ view: { kind: "closed" }, error: null });
  restore = $state<RestoreState>(closedState());
  toast = $state<ToastState>({ text: null, id: 0 });

  readonly quitFlow: QuitFlow;
  readonly restoreFlow: RestoreFlow;
  readonly toaster: Toaster;
  readonly #live: LiveFeed;
  #offered = false;

  constructor(live: LiveFeed) {
    this.#live = live;
    this.toaster = new Toaster(this.toast);
    const notice = (text: string) => this.toaster.show(text);
    this.quitFlow = new QuitFlow(this.quit, {
      quit: quitApp,
      cancel: cancelQuit,
      // The engine decides what is live (SPEC A3); a crashed session needs you but runs nothing.
      live: () => live.store.liveCount(),
      storage: browserStorage(),
      notice,
    });
    this.restoreFlow = new RestoreFlow(this.restore, {
      lastStop,
      restore: restoreLastStop,
      decline: declineLastStop,
      session: (projectId, id) => live.store.sessions.get(sessionKey(projectId, id))?.record,
      projectName: (id) => live.projects.find((p) => p.id === id)?.name ?? id,
      notice,
    });
  }

  /** Whether a sheet owns the keyboard (the toast never does). */
  get open(): boolean {
    return this.quit.view.kind !== "closed" || this.restore.phase !== "closed";
  }

  /**
   * Offers the last stop once per app start, after the feed's first snapshot (so rows have their
   * titles). Call from an effect; later calls do nothing.
   */
  offerRestore(): void {
    if (this.#offered || !this.#live.ready) return;
    this.#offered = true;
    void this.restoreFlow.load();
  }

  /** Listens to the backend's quit and tray events; the returned function stops listening. */
  listen(): () => void {
    const pending = [
      onQuitRequested(() => this.quitFlow.requested()),
      onQuitting((n) => this.quitFlow.quitting(n)),
      onTrayAction((summary) => {
        this.toaster.show(summary);
        // The tray may have restored what the open dialog offers.
        void this.restoreFlow.refresh();
      }),
    ];
    let stopped = false;
    const unlisteners: (() => void)[] = [];
    for (const p of pending) {
      p.then(
        (unlisten) => {
          if (stopped) unlisten();
          else unlisteners.push(unlisten);
        },
        (e: unknown) => this.toaster.show(`Grove could not listen for quit and tray events: ${String(e)}`),
      );
    }
    return () => {
      stopped = true;
      for (const unlisten of unlisteners.splice(0)) unlisten();
      this.toaster.dismiss();
    };
  }
}
