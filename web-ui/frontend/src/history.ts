// Undo/redo as a command history of graph snapshots (serialised UI workflows without viewport or sizes).
// The history survives reloads: it is persisted with a byte budget, dropping the oldest entries first.

export interface HistoryState {
  past: string[];
  present: string | null;
  future: string[];
}

export class UndoHistory {
  past: string[] = [];
  future: string[] = [];
  present: string | null = null;

  constructor(readonly limit = 200, readonly persistBudget = 2_000_000) {}

  /** Records the graph after an edit; returns false when nothing changed since the last record. */
  record(snapshot: string): boolean {
    if (snapshot === this.present) return false;
    if (this.present !== null) {
      this.past.push(this.present);
      if (this.past.length > this.limit) this.past.splice(0, this.past.length - this.limit);
    }
    this.present = snapshot;
    this.future = [];
    return true;
  }

  /** Starts over from a loaded graph (new/open): no undo into another workflow's edits. */
  reset(snapshot: string | null): void {
    this.past = [];
    this.future = [];
    this.present = snapshot;
  }

  canUndo(): boolean {
    return this.past.length > 0;
  }

  canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Returns the snapshot to show after undo, or null when there is nothing to undo. */
  undo(): string | null {
    const prev = this.past.pop();
    if (prev === undefined) return null;
    if (this.present !== null) this.future.push(this.present);
    this.present = prev;
    return prev;
  }

  redo(): string | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    if (this.present !== null) this.past.push(this.present);
    this.present = next;
    return next;
  }

  /** The history as JSON within the byte budget (oldest undo steps dropped first, then redo steps). */
  serialize(): string {
    const past = this.past.slice();
    const future = this.future.slice();
    const size = () => (this.present?.length ?? 0) + past.reduce((s, x) => s + x.length, 0) + future.reduce((s, x) => s + x.length, 0);
    while (size() > this.persistBudget && past.length) past.shift();
    while (size() > this.persistBudget && future.length) future.shift();
    const state: HistoryState = { past, present: this.present, future };
    return JSON.stringify(state);
  }

  static restore(json: string | null, limit?: number, budget?: number): UndoHistory {
    const h = new UndoHistory(limit, budget);
    if (!json) return h;
    try {
      const s = JSON.parse(json) as HistoryState;
      if (Array.isArray(s.past) && Array.isArray(s.future)) {
        h.past = s.past.filter((x) => typeof x === 'string');
        h.future = s.future.filter((x) => typeof x === 'string');
        h.present = typeof s.present === 'string' ? s.present : null;
      }
    } catch {
      // a corrupt history starts empty
    }
    return h;
  }
}
