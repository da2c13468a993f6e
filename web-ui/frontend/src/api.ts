// The server's ComfyUI-compatible API as the editor uses it. A `?token=` in the page address is sent on every call.
import type { ObjectInfo } from './schema';
import type { UIWorkflow } from './workflow';

const token = typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('token');

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly body: unknown) {
    super(message);
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}`, ...extra } : extra;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: headers((init.headers as Record<string, string>) ?? {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  if (!res.ok) {
    const err = (body as { error?: { message?: string } | string } | null)?.error;
    const msg = typeof err === 'string' ? err : err?.message ?? `${res.status} ${res.statusText}`;
    throw new ApiError(msg, res.status, body);
  }
  return body as T;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' },
});

export const api = {
  objectInfo: () => call<ObjectInfo>('/object_info'),
  toPrompt: (workflow: UIWorkflow) => call<{ prompt: Record<string, unknown> }>('/api/workflow/to-prompt', json(workflow)),
  toWorkflow: (prompt: unknown) => call<{ workflow: UIWorkflow }>('/api/workflow/to-workflow', json(prompt)),
  readFile: (bytes: ArrayBuffer) => call<{ workflow: UIWorkflow | null; prompt: Record<string, unknown> | null }>(
    '/api/workflow/read', { method: 'POST', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } }),
  queuePrompt: (body: unknown) => call<{ prompt_id: string; number: number; node_errors: unknown }>('/prompt', json(body)),
  interrupt: () => call<unknown>('/interrupt', json({})),
  queue: () => call<{ queue_running: unknown[][]; queue_pending: unknown[][] }>('/queue'),
  clearQueue: () => call<unknown>('/queue', json({ clear: true })),
  history: (max = 64) => call<Record<string, HistoryEntry>>(`/history?max_items=${max}`),
  historyEntry: (id: string) => call<Record<string, HistoryEntry>>(`/history/${encodeURIComponent(id)}`),
  deleteHistory: (ids: string[]) => call<unknown>('/history', json({ delete: ids })),
  upload: (file: File) => {
    const form = new FormData();
    form.append('image', file, file.name);
    return call<{ name: string; subfolder: string; type: string }>('/upload/image', { method: 'POST', body: form });
  },
  listWorkflows: () => call<Array<{ path: string; size?: number; modified?: number } | string>>(
    '/userdata?dir=workflows&recurse=true&split=false&full_info=true'),
  readUserFile: (path: string) => call<unknown>(`/userdata/${encodeURIComponent(path)}`),
  writeUserFile: (path: string, body: unknown, overwrite = true) => call<unknown>(
    `/userdata/${encodeURIComponent(path)}?overwrite=${overwrite}&full_info=true`, json(body)),
  deleteUserFile: (path: string) => call<unknown>(`/userdata/${encodeURIComponent(path)}`, { method: 'DELETE' }),
  moveUserFile: (from: string, to: string) => call<unknown>(
    `/userdata/${encodeURIComponent(from)}/move/${encodeURIComponent(to)}?overwrite=false&full_info=true`, { method: 'POST' }),
  settings: () => call<Record<string, unknown>>('/settings'),
  saveSettings: (values: Record<string, unknown>) => call<unknown>('/settings', json(values)),
  templates: () => call<unknown>('/workflow_templates'),
  get: <T>(path: string) => call<T>(path),
};

export interface ImageRef {
  filename: string;
  subfolder?: string;
  type?: string;
}

export interface HistoryEntry {
  prompt: [number, string, Record<string, unknown>, { extra_pnginfo?: { workflow?: UIWorkflow } } & Record<string, unknown>, string[]];
  outputs: Record<string, { images?: ImageRef[] } & Record<string, unknown>>;
  status?: { status_str?: string; completed?: boolean; messages?: Array<[string, Record<string, unknown>]> };
}

export function viewUrl(img: ImageRef): string {
  const q = new URLSearchParams({ filename: img.filename, subfolder: img.subfolder ?? '', type: img.type ?? 'output' });
  if (token) q.set('token', token);
  return `/view?${q}`;
}

export function wsUrl(clientId: string): string {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${proto}://${location.host}/ws?clientId=${encodeURIComponent(clientId)}${token ? `&token=${encodeURIComponent(token)}` : ''}`;
}

/**
 * The body of POST /prompt for the editor's workflow: the prompt, the workflow in `extra_pnginfo` (so the
 * saved PNG reopens in the editor), the live-preview choice, and `front` to run it before everything queued.
 */
export function promptBody(prompt: Record<string, unknown>, workflow: unknown, clientId: string, livePreview: boolean,
                           front = false): Record<string, unknown> {
  return {
    prompt, client_id: clientId,
    extra_data: { extra_pnginfo: { workflow }, preview_method: livePreview ? 'auto' : 'none' },
    ...(front ? { front: true } : {}),
  };
}
