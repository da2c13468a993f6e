// Run-time state that is not part of the workflow (execution, progress, previews, errors), kept outside React
// Flow's node data so that 500-node graphs re-render only the nodes it concerns.
import { useSyncExternalStore } from 'react';
import type { ImageRef } from './api';

export interface NodeError {
  message: string;
  details?: string;
  input?: string;
}

export interface NodeRuntime {
  progress?: { value: number; max: number };
  images?: ImageRef[];
  preview?: string;
  errors?: NodeError[];
  cached?: boolean;
}

export interface RunState {
  promptId: string | null;
  executing: string | null;
  totalNodes: number;
  doneNodes: number;
  queueRemaining: number;
  preview: string | null;
  connected: boolean;
}

type Listener = () => void;

class Store {
  private nodes = new Map<string, NodeRuntime>();
  private nodeListeners = new Map<string, Set<Listener>>();
  private runListeners = new Set<Listener>();
  run: RunState = { promptId: null, executing: null, totalNodes: 0, doneNodes: 0, queueRemaining: 0, preview: null, connected: false };

  node(id: string): NodeRuntime | undefined {
    return this.nodes.get(id);
  }

  patchNode(id: string, patch: Partial<NodeRuntime>): void {
    this.nodes.set(id, { ...this.nodes.get(id), ...patch });
    this.nodeListeners.get(id)?.forEach((l) => l());
  }

  clearAll(keep: (keyof NodeRuntime)[] = []): void {
    const ids = [...this.nodes.keys()];
    for (const id of ids) {
      const cur = this.nodes.get(id)!;
      const next: NodeRuntime = {};
      for (const k of keep) (next as Record<string, unknown>)[k] = cur[k];
      this.nodes.set(id, next);
    }
    ids.forEach((id) => this.nodeListeners.get(id)?.forEach((l) => l()));
  }

  setRun(patch: Partial<RunState>): void {
    this.run = { ...this.run, ...patch };
    this.runListeners.forEach((l) => l());
  }

  subscribeNode(id: string, l: Listener): () => void {
    let set = this.nodeListeners.get(id);
    if (!set) this.nodeListeners.set(id, (set = new Set()));
    set.add(l);
    return () => set!.delete(l);
  }

  subscribeRun(l: Listener): () => void {
    this.runListeners.add(l);
    return () => this.runListeners.delete(l);
  }
}

export const runtime = new Store();

export function useNodeRuntime(id: string): NodeRuntime | undefined {
  return useSyncExternalStore((l) => runtime.subscribeNode(id, l), () => runtime.node(id));
}

export function useRun(): RunState {
  return useSyncExternalStore((l) => runtime.subscribeRun(l), () => runtime.run);
}
