/**
 * A minimal typed event emitter: listeners typed per event name, `on` returning its own
 * unsubscribe function. Unlike Node's `EventEmitter`, a listener that throws does not stop the
 * others or the emitter's caller: its error goes to an error reporter, which by default rethrows
 * it asynchronously (as `EventTarget` does), so that it is neither lost nor able to corrupt the
 * state machine that emitted the event.
 *
 * Thread: single-threaded, like everything on the job master's thread.
 */

/** Event names mapped to listener signatures. */
export type EventMap = { readonly [event: string]: (...args: never[]) => void };

/** Where errors thrown by listeners go. */
export type ListenerErrorReporter = (error: unknown) => void;

/** Rethrows on a later microtask: the error surfaces as an uncaught exception, as with `EventTarget`. */
export const rethrowAsync: ListenerErrorReporter = (error) => {
  queueMicrotask(() => {
    throw error;
  });
};

/** A typed emitter for the events of `Events`. */
export class TypedEmitter<Events extends EventMap> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();
  readonly #reportError: ListenerErrorReporter;

  constructor(reportError: ListenerErrorReporter = rethrowAsync) {
    this.#reportError = reportError;
  }

  /** Adds `listener` for `event`; returns a function that removes it. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Removes `listener` from `event` (no-op if absent). */
  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** Calls every listener of `event` in the order added; listener errors go to the reporter. */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        this.#reportError(error);
      }
    }
  }

  /** Number of listeners of `event`. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
