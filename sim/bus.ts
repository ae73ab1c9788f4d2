/**
 * A small typed event bus: one event map, synchronous delivery in subscription order. Tests
 * subscribe to assert what happened; persistence subscribes to save after every change.
 */
export class Bus<Events extends Record<string, unknown>> {
  private listeners = new Map<keyof Events, Array<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as (payload: never) => void);
    this.listeners.set(event, list);
    return () => {
      const now = this.listeners.get(event) ?? [];
      this.listeners.set(
        event,
        now.filter((l) => l !== listener),
      );
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: Events[K]) => void)(payload);
  }
}
