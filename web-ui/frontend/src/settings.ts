// Editor settings, stored on the server through /settings (with a local copy for when the server has none).
import { api } from './api';

export interface Settings {
  theme: 'dark' | 'light';
  linkStyle: 'default' | 'straight' | 'step' | 'smoothstep';
  snapToGrid: boolean;
  livePreview: boolean;
  minimap: boolean;
}

export const DEFAULT_SETTINGS: Settings = { theme: 'dark', linkStyle: 'default', snapToGrid: false, livePreview: true, minimap: true };

const KEYS: Record<keyof Settings, string> = {
  theme: 'Easel.Theme', linkStyle: 'Easel.LinkStyle', snapToGrid: 'Easel.SnapToGrid', livePreview: 'Easel.LivePreview',
  minimap: 'Easel.Minimap',
};
const LOCAL = 'easel.settings';

export function fromServer(values: Record<string, unknown>, base: Settings = DEFAULT_SETTINGS): Settings {
  const out: Settings = { ...base };
  for (const [k, id] of Object.entries(KEYS) as Array<[keyof Settings, string]>) {
    const v = values[id];
    if (v !== undefined && typeof v === typeof DEFAULT_SETTINGS[k]) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function toServer(patch: Partial<Settings>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) out[KEYS[k as keyof Settings]] = v;
  return out;
}

export async function loadSettings(): Promise<Settings> {
  let local = DEFAULT_SETTINGS;
  try {
    local = { ...DEFAULT_SETTINGS, ...JSON.parse(localStorage.getItem(LOCAL) ?? '{}') };
  } catch {
    // defaults
  }
  try {
    return fromServer(await api.settings(), local);
  } catch {
    return local;
  }
}

export async function saveSettings(patch: Partial<Settings>): Promise<void> {
  try {
    localStorage.setItem(LOCAL, JSON.stringify({ ...JSON.parse(localStorage.getItem(LOCAL) ?? '{}'), ...patch }));
  } catch {
    // local copy is a convenience
  }
  await api.saveSettings(toServer(patch));
}
