// Node definitions from /object_info and the rules derived from them: which inputs are widgets, which are
// sockets, the frontend-only companion widgets, type compatibility, seed control and colours.

export type InputOptions = Record<string, unknown> & {
  default?: unknown; min?: number; max?: number; step?: number; round?: number | boolean;
  multiline?: boolean; forceInput?: boolean; control_after_generate?: boolean; image_upload?: boolean;
  options?: string[]; label_on?: string; label_off?: string; tooltip?: string; placeholder?: string;
};
export type InputSpec = [string | string[], InputOptions?] | [string | string[]];

export interface NodeDef {
  name: string;
  display_name?: string;
  description?: string;
  category?: string;
  input: { required?: Record<string, InputSpec>; optional?: Record<string, InputSpec>; hidden?: Record<string, unknown> };
  input_order?: { required?: string[]; optional?: string[] };
  output: string[];
  output_name?: string[];
  output_is_list?: boolean[];
  output_node?: boolean;
}
export type ObjectInfo = Record<string, NodeDef>;

export type WidgetKind = 'INT' | 'FLOAT' | 'STRING' | 'BOOLEAN' | 'COMBO' | 'CONTROL' | 'UPLOAD';

export interface WidgetDef {
  name: string;
  kind: WidgetKind;
  options: InputOptions;
  values?: string[];
  /** Not sent to the server (control_after_generate, control_filter_list, upload button). */
  uiOnly?: boolean;
  /** For control widgets: index of the widget they control. */
  controls?: number;
}

export interface Socket {
  name: string;
  type: string;
  optional?: boolean;
  /** Set when the socket backs a widget ("converted widget"). */
  widget?: string;
}

export const CONTROL_MODES = ['fixed', 'increment', 'decrement', 'randomize'] as const;
export type ControlMode = (typeof CONTROL_MODES)[number];
const SEED_NAMES = new Set(['seed', 'noise_seed']);
const PRIMITIVES = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO']);

function orderedInputs(def: NodeDef): Array<[string, InputSpec, boolean]> {
  const out: Array<[string, InputSpec, boolean]> = [];
  for (const group of ['required', 'optional'] as const) {
    const specs = def.input?.[group] ?? {};
    const order = def.input_order?.[group] ?? Object.keys(specs);
    for (const name of order) if (specs[name]) out.push([name, specs[name], group === 'optional']);
  }
  return out;
}

function specType(spec: InputSpec): string | string[] {
  return spec[0];
}

function specOptions(spec: InputSpec): InputOptions {
  return (spec[1] ?? {}) as InputOptions;
}

/** Whether an input is edited in place (a widget) rather than fed by a link. */
export function isWidgetInput(spec: InputSpec): boolean {
  const t = specType(spec);
  if (specOptions(spec).forceInput) return false;
  return Array.isArray(t) || PRIMITIVES.has(t);
}

/** The widgets of a node type in `widgets_values` order, companions included. */
export function widgetsFor(def: NodeDef): WidgetDef[] {
  const widgets: WidgetDef[] = [];
  for (const [name, spec] of orderedInputs(def)) {
    if (!isWidgetInput(spec)) continue;
    const t = specType(spec);
    const options = specOptions(spec);
    const isCombo = Array.isArray(t) || t === 'COMBO';
    const kind: WidgetKind = isCombo ? 'COMBO' : (t as WidgetKind);
    const values = Array.isArray(t) ? t.map(String) : isCombo ? (options.options ?? []).map(String) : undefined;
    const index = widgets.length;
    widgets.push({ name, kind, options, values });
    if (kind === 'INT' && (options.control_after_generate || (options.control_after_generate === undefined && SEED_NAMES.has(name)))) {
      widgets.push({ name: 'control_after_generate', kind: 'CONTROL', options: { default: 'randomize' }, uiOnly: true, controls: index });
    } else if (kind === 'COMBO' && options.control_after_generate) {
      widgets.push({ name: 'control_after_generate', kind: 'CONTROL', options: { default: 'fixed' }, uiOnly: true, controls: index });
      widgets.push({ name: 'control_filter_list', kind: 'STRING', options: { default: '' }, uiOnly: true });
    } else if (kind === 'COMBO' && options.image_upload) {
      widgets.push({ name: 'upload', kind: 'UPLOAD', options: { default: 'image' }, uiOnly: true });
    }
  }
  return widgets;
}

/** The link inputs (sockets) of a node type, in order. */
export function socketsFor(def: NodeDef): Socket[] {
  const sockets: Socket[] = [];
  for (const [name, spec, optional] of orderedInputs(def)) {
    if (isWidgetInput(spec)) continue;
    const t = specType(spec);
    sockets.push({ name, type: Array.isArray(t) ? 'COMBO' : t, optional });
  }
  return sockets;
}

export function outputsFor(def: NodeDef): Socket[] {
  return (def.output ?? []).map((type, i) => ({ name: def.output_name?.[i] ?? type, type: String(type) }));
}

/** The type a widget would take as a socket (for converted widgets). */
export function widgetSocketType(w: WidgetDef): string {
  return w.kind === 'COMBO' ? 'COMBO' : w.kind;
}

export function defaultValue(w: WidgetDef): unknown {
  const d = w.options.default;
  switch (w.kind) {
    case 'COMBO':
      return d !== undefined && d !== null ? d : (w.values?.[0] ?? '');
    case 'INT':
    case 'FLOAT':
      return typeof d === 'number' ? d : typeof w.options.min === 'number' && w.options.min > 0 ? w.options.min : 0;
    case 'BOOLEAN':
      return typeof d === 'boolean' ? d : false;
    case 'CONTROL':
      return d ?? 'randomize';
    case 'UPLOAD':
      return 'image';
    default:
      return d ?? '';
  }
}

/** Reads a stored widget value, tolerating legacy shapes (boolean seed control). */
export function coerceValue(w: WidgetDef, v: unknown): unknown {
  if (v === undefined) return defaultValue(w);
  if (w.kind === 'CONTROL' && typeof v === 'boolean') return v ? 'randomize' : 'fixed';
  return v;
}

/**
 * ComfyUI's link rule: equal types (case-insensitive), `*` or empty on either side, or comma-separated
 * sets that share a member.
 */
export function typesCompatible(output: string, input: string): boolean {
  const a = String(output ?? '').trim().toLowerCase();
  const b = String(input ?? '').trim().toLowerCase();
  if (a === '' || b === '' || a === '*' || b === '*' || a === b) return true;
  const as = a.split(',').map((s) => s.trim()).filter(Boolean);
  const bs = new Set(b.split(',').map((s) => s.trim()).filter(Boolean));
  return as.some((t) => t === '*' || bs.has(t) || bs.has('*'));
}

/** Clamps and rounds a number to a widget's range and step. */
export function clampNumber(w: WidgetDef, v: number): number {
  let x = Number.isFinite(v) ? v : Number(defaultValue(w));
  const { min, max } = w.options;
  if (typeof min === 'number') x = Math.max(min, x);
  if (typeof max === 'number') x = Math.min(max, x);
  if (w.kind === 'INT') x = Math.round(x);
  else {
    const r = typeof w.options.round === 'number' && w.options.round > 0 ? w.options.round : w.options.step;
    if (typeof r === 'number' && r > 0) x = Number((Math.round(x / r) * r).toFixed(Math.max(0, -Math.floor(Math.log10(r)) + 1)));
  }
  return x;
}

export function numberStep(w: WidgetDef): number {
  const s = w.options.step;
  if (typeof s === 'number' && s > 0) return s;
  return w.kind === 'INT' ? 1 : 0.01;
}

const RANDOM_MAX = 1125899906842624;

/** The value a controlled widget takes after a queue (control_after_generate). */
export function nextControlled(w: WidgetDef, value: unknown, mode: string, random: () => number = Math.random): unknown {
  if (mode === 'fixed' || !mode) return value;
  if (w.kind === 'COMBO') {
    const values = w.values ?? [];
    if (!values.length) return value;
    let i = values.indexOf(String(value));
    if (mode === 'increment') i = Math.min(values.length - 1, i + 1);
    else if (mode === 'decrement') i = Math.max(0, i - 1);
    else if (mode === 'randomize') i = Math.floor(random() * values.length);
    return values[Math.max(0, i)];
  }
  const step = numberStep(w);
  const min = typeof w.options.min === 'number' ? w.options.min : 0;
  const max = Math.min(typeof w.options.max === 'number' ? w.options.max : RANDOM_MAX, RANDOM_MAX);
  const v = Number(value);
  let next = v;
  if (mode === 'increment') next = v + step;
  else if (mode === 'decrement') next = v - step;
  else if (mode === 'randomize') next = Math.floor((random() * (max - min)) / step) * step + min;
  return Math.min(max, Math.max(min, next));
}

/** Applies every control widget of one node's values; returns the new array or null when nothing changed. */
export function applyControls(widgets: WidgetDef[], values: unknown[], random?: () => number): unknown[] | null {
  let changed = false;
  const next = values.slice();
  widgets.forEach((w, i) => {
    if (w.kind !== 'CONTROL' || w.controls === undefined) return;
    const target = widgets[w.controls];
    const v = nextControlled(target, next[w.controls], String(next[i]), random);
    if (v !== next[w.controls]) {
      next[w.controls] = v;
      changed = true;
    }
  });
  return changed ? next : null;
}

const TYPE_COLORS: Record<string, string> = {
  MODEL: '#b39ddb', CLIP: '#ffd54f', VAE: '#ff7a7a', CONDITIONING: '#ffab40', LATENT: '#f48fb1',
  IMAGE: '#64b5f6', MASK: '#81c784', UPSCALE_MODEL: '#4db6ac', INT: '#a5d6a7', FLOAT: '#c5e1a5',
  STRING: '#e0e0e0', BOOLEAN: '#90caf9', COMBO: '#bcaaa4', CONTROL_NET: '#80cbc4', CLIP_VISION: '#ce93d8',
  SAMPLER: '#ef9a9a', SIGMAS: '#ffcc80', NOISE: '#b0bec5', GUIDER: '#9fa8da',
};

function hue(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h % 360;
}

export function typeColor(type: string): string {
  const t = String(type ?? '').toUpperCase();
  if (t === '*' || t === '') return '#9e9e9e';
  return TYPE_COLORS[t] ?? TYPE_COLORS[t.split(',')[0]] ?? `hsl(${hue(t)}, 60%, 68%)`;
}

/**
 * ComfyUI's frontend-only node types, which /object_info does not list: drawn and edited like any node, and
 * dropped (notes) or resolved (reroutes, primitives) by the server when the workflow becomes a prompt.
 * A PrimitiveNode's widget takes the shape of whatever it feeds, so it is read from files only
 * ({@link primitiveWidgets}) and not offered in the node library ({@link inLibrary}).
 */
export const EDITOR_NODES: ObjectInfo = {
  Note: {
    name: 'Note', display_name: 'Note', category: 'utils', description: 'A note on the canvas. It does not run.',
    input: { required: { text: ['STRING', { multiline: true, default: '' }] } }, output: [],
  },
  MarkdownNote: {
    name: 'MarkdownNote', display_name: 'Markdown Note', category: 'utils', description: 'A note in Markdown. It does not run.',
    input: { required: { text: ['STRING', { multiline: true, default: '' }] } }, output: [],
  },
  Reroute: {
    name: 'Reroute', display_name: 'Reroute', category: 'utils', description: 'Passes a link through, to tidy the wires.',
    input: { required: { '': ['*'] } }, output: ['*'], output_name: [''],
  },
  PrimitiveNode: {
    name: 'PrimitiveNode', display_name: 'Primitive', category: 'utils',
    description: 'One value feeding widget inputs of other nodes.',
    input: { required: {} }, output: ['*'], output_name: ['connect to widget input'],
  },
};

/** Whether the node library and the search offer this type (not the read-only PrimitiveNode). */
export function inLibrary(def: NodeDef): boolean {
  return def !== EDITOR_NODES.PrimitiveNode;
}

/** The server's node types plus the editor's own (the server's win on a clash). */
export function withEditorNodes(info: ObjectInfo): ObjectInfo {
  return { ...EDITOR_NODES, ...info };
}

/** A PrimitiveNode's widgets, read from its saved values: the value, then its control modes when saved. */
export function primitiveWidgets(values: unknown[]): WidgetDef[] {
  return values.map((v, i): WidgetDef => {
    if (i === 0) {
      const kind: WidgetKind = typeof v === 'boolean' ? 'BOOLEAN' : typeof v === 'number' ? (Number.isInteger(v) ? 'INT' : 'FLOAT') : 'STRING';
      return { name: 'value', kind, options: kind === 'STRING' ? { multiline: String(v).includes('\n') } : {} };
    }
    if (i === 1 && typeof v === 'string' && (CONTROL_MODES as readonly string[]).includes(v)) {
      return { name: 'control_after_generate', kind: 'CONTROL', options: { default: 'fixed' }, uiOnly: true, controls: 0 };
    }
    return { name: i === 2 ? 'control_filter_list' : `value ${i + 1}`, kind: 'STRING', options: {}, uiOnly: true };
  });
}

export function categoryColor(category: string | undefined): string {
  const top = (category ?? '').split('/')[0];
  const known: Record<string, string> = {
    loaders: '#5b6ee1', sampling: '#9b59d0', conditioning: '#d08a2e', latent: '#c0508c', image: '#2f8fd0',
    _for_testing: '#607080', advanced: '#4f8a6a', utils: '#6b7785', mask: '#3f9a57', testing: '#607080',
  };
  return known[top] ?? `hsl(${hue(top)}, 45%, 50%)`;
}
