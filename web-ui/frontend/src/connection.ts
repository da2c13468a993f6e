// The WebSocket session with the server: execution events into the run-time store, binary preview frames into
// object URLs. Reconnects on its own.
import { useEffect, useMemo, useRef } from 'react';
import { wsUrl, type ImageRef } from './api';
import { runtime } from './store';

export interface ConnectionEvents {
  onHistoryChanged: () => void;
  onError: (text: string) => void;
}

function newClientId(): string {
  const existing = sessionStorage.getItem('easel.clientId');
  if (existing) return existing;
  const id = crypto.randomUUID ? crypto.randomUUID().replace(/-/g, '') : Math.random().toString(16).slice(2) + Date.now().toString(16);
  sessionStorage.setItem('easel.clientId', id);
  return id;
}

/** Decodes a binary preview frame: [u32 type][u32 format][image] or [u32 4][u32 metaLen][meta JSON][image]. */
export function decodePreview(buf: ArrayBuffer): { mime: string; bytes: ArrayBuffer; node?: string } | null {
  if (buf.byteLength < 8) return null;
  const v = new DataView(buf);
  const type = v.getUint32(0);
  if (type === 1 || type === 2) {
    const format = v.getUint32(4);
    return { mime: format === 2 ? 'image/png' : 'image/jpeg', bytes: buf.slice(8) };
  }
  if (type === 4) {
    const len = v.getUint32(4);
    let meta: Record<string, unknown> = {};
    try {
      meta = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, len)));
    } catch {
      // no metadata
    }
    const mime = String(meta.image_type ?? 'image/jpeg');
    return { mime, bytes: buf.slice(8 + len), node: meta.node_id !== undefined ? String(meta.node_id) : undefined };
  }
  return null;
}

export function useRunConnection(events: ConnectionEvents) {
  const clientId = useMemo(newClientId, []);
  const expected = useRef(new Map<string, number>());
  const ev = useRef(events);
  ev.current = events;

  useEffect(() => {
    let ws: WebSocket | null = null;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let previewUrl: string | null = null;

    const finish = () => {
      const cur = runtime.run.executing;
      if (cur) runtime.patchNode(cur, { progress: undefined, preview: undefined });
      if (previewUrl) {
        const old = previewUrl;
        setTimeout(() => URL.revokeObjectURL(old), 2000);
        previewUrl = null;
      }
      runtime.setRun({ promptId: null, executing: null, preview: null, doneNodes: 0, totalNodes: 0 });
      ev.current.onHistoryChanged();
    };

    const onJson = (msg: { type: string; data: Record<string, unknown> }) => {
      const d = msg.data ?? {};
      switch (msg.type) {
        case 'status': {
          const q = (d.status as { exec_info?: { queue_remaining?: number } } | undefined)?.exec_info?.queue_remaining ?? 0;
          runtime.setRun({ queueRemaining: q });
          break;
        }
        case 'execution_start': {
          const id = String(d.prompt_id);
          runtime.clearAll(['images']);
          runtime.setRun({ promptId: id, executing: null, doneNodes: 0, totalNodes: expected.current.get(id) ?? 0 });
          break;
        }
        case 'execution_cached': {
          const n = Array.isArray(d.nodes) ? d.nodes.length : 0;
          runtime.setRun({ doneNodes: runtime.run.doneNodes + n });
          break;
        }
        case 'executing': {
          const prev = runtime.run.executing;
          const node = d.node === null || d.node === undefined ? null : String(d.node);
          if (prev && prev !== node) {
            runtime.patchNode(prev, { progress: undefined, preview: undefined });
            runtime.setRun({ doneNodes: runtime.run.doneNodes + 1 });
          }
          if (node === null) {
            if (runtime.run.promptId) finish();
          } else {
            if (!runtime.run.promptId) runtime.setRun({ promptId: String(d.prompt_id ?? '') });
            runtime.setRun({ executing: node });
            runtime.patchNode(node, { progress: { value: 0, max: 0 } });
          }
          break;
        }
        case 'progress': {
          const node = String(d.node ?? runtime.run.executing ?? '');
          if (node) runtime.patchNode(node, { progress: { value: Number(d.value), max: Number(d.max) } });
          const total = runtime.run.totalNodes;
          if (total) {
            // the overall bar advances within the running node too
            const frac = Number(d.value) / Math.max(1, Number(d.max));
            runtime.setRun({ doneNodes: Math.floor(runtime.run.doneNodes) + Math.min(0.99, frac) });
          }
          break;
        }
        case 'executed': {
          const images = ((d.output as { images?: ImageRef[] } | undefined)?.images ?? []);
          if (d.node !== undefined && images.length) runtime.patchNode(String(d.node), { images });
          ev.current.onHistoryChanged();
          break;
        }
        case 'execution_success':
          finish();
          break;
        case 'execution_error': {
          const node = d.node_id !== undefined ? String(d.node_id) : null;
          const message = String(d.exception_message ?? 'execution failed');
          if (node) runtime.patchNode(node, { errors: [{ message }] });
          ev.current.onError(`${d.node_type ?? 'A node'} (#${node ?? '?'}) failed: ${message}`);
          finish();
          break;
        }
        case 'execution_interrupted':
          ev.current.onError('Run interrupted');
          finish();
          break;
        default:
          break;
      }
    };

    const onBinary = (buf: ArrayBuffer) => {
      const p = decodePreview(buf);
      if (!p) return;
      const url = URL.createObjectURL(new Blob([p.bytes], { type: p.mime }));
      if (previewUrl) {
        const old = previewUrl;
        setTimeout(() => URL.revokeObjectURL(old), 1000);
      }
      previewUrl = url;
      const node = p.node ?? runtime.run.executing;
      if (node) runtime.patchNode(node, { preview: url });
      runtime.setRun({ preview: url });
    };

    const open = () => {
      ws = new WebSocket(wsUrl(clientId));
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => runtime.setRun({ connected: true });
      ws.onmessage = (e) => {
        if (typeof e.data === 'string') {
          try {
            onJson(JSON.parse(e.data));
          } catch {
            // ignore malformed messages
          }
        } else onBinary(e.data as ArrayBuffer);
      };
      ws.onclose = () => {
        runtime.setRun({ connected: false });
        if (!closed) retry = setTimeout(open, 1000);
      };
    };
    open();
    return () => {
      closed = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, [clientId]);

  return useMemo(() => ({
    clientId,
    /** Registers a queued prompt's node count (its execution_start may already have arrived). */
    expect: (id: string, nodes: number) => {
      expected.current.set(id, nodes);
      if (runtime.run.promptId === id && !runtime.run.totalNodes) runtime.setRun({ totalNodes: nodes });
    },
  }), [clientId]);
}
