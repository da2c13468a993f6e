// The editor's graph (React Flow nodes and edges) ↔ ComfyUI's UI workflow JSON (schema 0.4; version 1 read too).
// Unknown keys on the workflow, its nodes and groups are kept and written back unchanged.
import type { Edge, Node, Viewport } from '@xyflow/react';
import {
  coerceValue, defaultValue, EDITOR_NODES, typeColor, outputsFor, primitiveWidgets, socketsFor, widgetsFor, type ObjectInfo, type Socket,
  type WidgetDef,
} from './schema';

export interface EaselNodeData extends Record<string, unknown> {
  type: string;
  title?: string;
  inputs: Socket[];
  outputs: Socket[];
  widgets: WidgetDef[];
  values: unknown[];
  /** 0 always, 2 muted (never), 4 bypassed. */
  mode: number;
  unknown: boolean;
  /** Size from the file, used as a minimum. */
  size?: [number, number];
  /** Other keys of the node object (properties, color, flags, …), written back as they were. */
  extra: Record<string, unknown>;
}

export interface GroupData extends Record<string, unknown> {
  title: string;
  color?: string;
  extra: Record<string, unknown>;
}

export type EaselNode = Node<EaselNodeData, 'easel'>;
export type GroupNode = Node<GroupData, 'egroup'>;
export type AnyNode = EaselNode | GroupNode;

export interface Graph {
  nodes: AnyNode[];
  edges: Edge[];
  viewport?: Viewport;
  /** Top-level keys of the workflow other than nodes/links/groups (config, extra, models, …). */
  meta: Record<string, unknown>;
}

export type UINode = Record<string, unknown> & {
  id: number | string; type: string; pos?: unknown; size?: unknown; mode?: number; title?: string;
  inputs?: Array<{ name: string; type: string; link: number | null; widget?: { name: string } } & Record<string, unknown>>;
  outputs?: Array<{ name: string; type: string; links: number[] | null } & Record<string, unknown>>;
  widgets_values?: unknown[] | Record<string, unknown>;
};
export type UILink = [number, number | string, number, number | string, number, string];
export interface UIWorkflow extends Record<string, unknown> {
  last_node_id?: number;
  last_link_id?: number;
  nodes: UINode[];
  links: UILink[];
  groups?: Array<Record<string, unknown>>;
  version?: number;
}

export const GROUP_PREFIX = 'group-';
export const isGroup = (n: AnyNode): n is GroupNode => n.type === 'egroup';
export const isEaselNode = (n: AnyNode): n is EaselNode => n.type === 'easel';

export function vec(v: unknown, fallback: [number, number]): [number, number] {
  if (Array.isArray(v) && v.length >= 2) return [Number(v[0]) || 0, Number(v[1]) || 0];
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('0' in o && '1' in o) return [Number(o['0']) || 0, Number(o['1']) || 0];
  }
  return fallback;
}

/** The name in a socket's `widget: {name}`, if any. */
function widgetName(w: unknown): string | undefined {
  const name = w && typeof w === 'object' ? (w as { name?: unknown }).name : undefined;
  return name === undefined || name === null ? undefined : String(name);
}

/** Builds a node's data for a type, from its definition, or an "unknown" shell when the type is not installed. */
export function nodeDataFor(type: string, info: ObjectInfo): EaselNodeData {
  const def = info[type];
  if (!def) return { type, inputs: [], outputs: [], widgets: [], values: [], mode: 0, unknown: true, extra: {} };
  const widgets = widgetsFor(def);
  return {
    type, inputs: socketsFor(def), outputs: outputsFor(def), widgets, values: widgets.map(defaultValue), mode: 0,
    unknown: false, extra: {},
  };
}

export function handleIn(slot: number): string {
  return `i${slot}`;
}
export function handleOut(slot: number): string {
  return `o${slot}`;
}
export function slotOf(handle: string | null | undefined): number {
  return handle ? Number(handle.slice(1)) : 0;
}

export function makeEdge(id: number | string, source: string, sourceSlot: number, target: string, targetSlot: number, type: string): Edge {
  return {
    id: String(id), source, sourceHandle: handleOut(sourceSlot), target, targetHandle: handleIn(targetSlot),
    data: { type }, style: { stroke: typeColor(type) },
  };
}

const NODE_KEYS = new Set(['id', 'type', 'pos', 'size', 'mode', 'title', 'inputs', 'outputs', 'widgets_values']);

function readLinks(wf: Record<string, unknown>): UILink[] {
  const links = (wf.links ?? []) as unknown[];
  return links.flatMap((l): UILink[] => {
    if (Array.isArray(l)) return [[Number(l[0]), l[1] as number, Number(l[2]), l[3] as number, Number(l[4]), String(l[5] ?? '*')]];
    if (l && typeof l === 'object') {
      const o = l as Record<string, unknown>;
      return [[Number(o.id), o.origin_id as number, Number(o.origin_slot), o.target_id as number, Number(o.target_slot), String(o.type ?? '*')]];
    }
    return [];
  });
}

/** Reads a UI workflow into the editor's graph. Nodes of unknown types still load (flagged `unknown`). */
export function fromWorkflow(wf: UIWorkflow | Record<string, unknown>, info: ObjectInfo): Graph {
  const nodes: AnyNode[] = [];
  const groups = ((wf.groups ?? []) as Array<Record<string, unknown>>).map((g, i): GroupNode => {
    const b = (g.bounding as number[]) ?? [0, 0, 300, 200];
    const { title, bounding, color, ...extra } = g;
    void bounding;
    return {
      id: `${GROUP_PREFIX}${g.id ?? i + 1}`, type: 'egroup', position: { x: b[0], y: b[1] },
      width: b[2], height: b[3], style: { width: b[2], height: b[3] }, zIndex: -1,
      data: { title: String(title ?? 'Group'), color: color as string | undefined, extra }, dragHandle: '.group-title',
    };
  });
  nodes.push(...groups);
  for (const raw of ((wf.nodes ?? []) as UINode[])) {
    const type = String(raw.type);
    const base = nodeDataFor(type, info);
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) if (!NODE_KEYS.has(k)) extra[k] = v;
    let inputs = base.inputs;
    if (Array.isArray(raw.inputs)) {
      inputs = raw.inputs.map((s) => ({
        name: String(s.name), type: String(s.type ?? '*'),
        ...(s.widget?.name ? { widget: String(s.widget.name) } : {}),
      }));
    }
    const outputs = Array.isArray(raw.outputs) && (base.unknown || raw.outputs.length >= base.outputs.length)
      ? raw.outputs.map((s) => ({
        name: String(s.name ?? s.type), type: String(s.type ?? '*'),
        ...(widgetName(s.widget) ? { widget: widgetName(s.widget) } : {}),     // a primitive's: the widget it feeds
      }))
      : base.outputs;
    let widgets = base.widgets;
    let values: unknown[];
    const wv = raw.widgets_values;
    if (info[type] === EDITOR_NODES.PrimitiveNode) {
      values = Array.isArray(wv) ? wv.slice() : [];
      widgets = primitiveWidgets(values);
    } else if (base.unknown) {
      const list = Array.isArray(wv) ? wv : wv && typeof wv === 'object' ? Object.values(wv) : [];
      const names = wv && !Array.isArray(wv) && typeof wv === 'object' ? Object.keys(wv) : list.map((_, i) => `value ${i + 1}`);
      widgets = list.map((v, i) => ({ name: names[i], kind: typeof v === 'number' ? 'FLOAT' : typeof v === 'boolean' ? 'BOOLEAN' : 'STRING', options: {} }) as WidgetDef);
      values = list.slice();
      if (wv && !Array.isArray(wv)) extra.__widgets_object = true;
    } else if (Array.isArray(wv)) {
      values = widgets.map((w, i) => coerceValue(w, wv[i]));
    } else if (wv && typeof wv === 'object') {
      const o = wv as Record<string, unknown>;
      values = widgets.map((w) => coerceValue(w, o[w.name]));
    } else {
      values = widgets.map(defaultValue);
    }
    const [x, y] = vec(raw.pos, [0, 0]);
    const size = raw.size !== undefined ? vec(raw.size, [0, 0]) : undefined;
    nodes.push({
      id: String(raw.id), type: 'easel', position: { x, y },
      data: {
        type, title: raw.title !== undefined ? String(raw.title) : undefined, inputs, outputs, widgets, values,
        mode: Number(raw.mode ?? 0), unknown: base.unknown, size, extra,
      },
    });
  }
  const ids = new Set(nodes.map((n) => n.id));
  const edges = readLinks(wf)
    .filter((l) => ids.has(String(l[1])) && ids.has(String(l[3])))
    .map((l) => makeEdge(l[0], String(l[1]), l[2], String(l[3]), l[4], l[5]));
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(wf)) if (!['nodes', 'links', 'groups'].includes(k)) meta[k] = v;
  const ds = (meta.extra as Record<string, unknown> | undefined)?.ds as { scale?: number; offset?: unknown } | undefined;
  let viewport: Viewport | undefined;
  if (ds && typeof ds.scale === 'number') {
    const [ox, oy] = vec(ds.offset, [0, 0]);
    viewport = { x: ox * ds.scale, y: oy * ds.scale, zoom: ds.scale };
  }
  return { nodes, edges, viewport, meta };
}

export interface SerializeOptions {
  /** Leave out the viewport and node sizes (the undo history compares edits only). */
  forHistory?: boolean;
}

/** Writes the graph as a schema-0.4 UI workflow. */
export function toWorkflow(g: Graph, opts: SerializeOptions = {}): UIWorkflow {
  const edges = g.edges;
  const byTarget = new Map<string, Edge>();
  const bySource = new Map<string, number[]>();
  for (const e of edges) {
    byTarget.set(`${e.target}:${e.targetHandle}`, e);
    const k = `${e.source}:${e.sourceHandle}`;
    const list = bySource.get(k) ?? [];
    list.push(Number(e.id));
    bySource.set(k, list);
  }
  const nodes: UINode[] = [];
  const groups: Array<Record<string, unknown>> = [];
  let order = 0;
  for (const n of g.nodes) {
    if (isGroup(n)) {
      const w = Number(n.width ?? n.measured?.width ?? (n.style?.width as number) ?? 300);
      const h = Number(n.height ?? n.measured?.height ?? (n.style?.height as number) ?? 200);
      groups.push({
        ...n.data.extra, title: n.data.title,
        bounding: [round(n.position.x), round(n.position.y), round(w), round(h)],
        ...(n.data.color ? { color: n.data.color } : {}),
      });
      continue;
    }
    if (!isEaselNode(n)) continue;
    const d = n.data;
    const out: UINode = {
      id: Number.isFinite(Number(n.id)) ? Number(n.id) : n.id,
      type: d.type,
      pos: [round(n.position.x), round(n.position.y)],
    };
    if (!opts.forHistory) {
      const w = n.measured?.width ?? d.size?.[0];
      const h = n.measured?.height ?? d.size?.[1];
      if (w && h) out.size = [round(w), round(h)];
    }
    const extra = { ...d.extra };
    const widgetsObject = extra.__widgets_object;
    delete extra.__widgets_object;
    Object.assign(out, { flags: {}, order: order++ }, extra);
    out.mode = d.mode;
    if (d.title !== undefined) out.title = d.title;
    out.inputs = d.inputs.map((s, i) => {
      const e = byTarget.get(`${n.id}:${handleIn(i)}`);
      return { name: s.name, type: s.type, link: e ? Number(e.id) : null, ...(s.widget ? { widget: { name: s.widget } } : {}) };
    });
    out.outputs = d.outputs.map((s, i) => {
      const links = bySource.get(`${n.id}:${handleOut(i)}`) ?? [];
      return {
        name: s.name, type: s.type, links: links.length ? links : null, slot_index: i,
        ...(s.widget ? { widget: { name: s.widget } } : {}),
      };
    });
    const props = (extra.properties as Record<string, unknown> | undefined) ?? {};
    out.properties = { 'Node name for S&R': d.type, ...props };
    out.widgets_values = widgetsObject
      ? Object.fromEntries(d.widgets.map((w, i) => [w.name, d.values[i]]))
      : d.values.slice();
    nodes.push(out);
  }
  const links: UILink[] = edges.map((e) => [
    Number(e.id), numId(e.source), slotOf(e.sourceHandle), numId(e.target), slotOf(e.targetHandle),
    String((e.data as { type?: string } | undefined)?.type ?? '*'),
  ]);
  const meta = { ...g.meta };
  delete meta.state;
  const extra = { ...((meta.extra as Record<string, unknown>) ?? {}) };
  delete meta.extra;
  if (!opts.forHistory && g.viewport) {
    const s = g.viewport.zoom;
    extra.ds = { scale: s, offset: [g.viewport.x / s, g.viewport.y / s] };
  } else delete extra.ds;
  return {
    ...meta,
    last_node_id: nodes.reduce((m, n) => Math.max(m, Number(n.id) || 0), Number(meta.last_node_id ?? 0) || 0),
    last_link_id: links.reduce((m, l) => Math.max(m, l[0] || 0), Number(meta.last_link_id ?? 0) || 0),
    nodes, links, groups, config: meta.config ?? {}, extra, version: 0.4,
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function numId(id: string): number {
  const n = Number(id);
  return Number.isFinite(n) ? n : (id as unknown as number);
}

/** Whether a parsed JSON object looks like an API-format prompt (every value a node with class_type and inputs). */
export function isApiJson(v: unknown): v is Record<string, { class_type: string; inputs: Record<string, unknown> }> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const entries = Object.values(v as Record<string, unknown>);
  return entries.length > 0 && entries.every((n) => !!n && typeof n === 'object'
    && typeof (n as Record<string, unknown>).class_type === 'string'
    && typeof (n as Record<string, unknown>).inputs === 'object');
}

export function isUiWorkflow(v: unknown): v is UIWorkflow {
  return !!v && typeof v === 'object' && Array.isArray((v as Record<string, unknown>).nodes);
}

/** Next free numeric ids for nodes and links, given the graph and its stored counters. */
export function nextIds(g: Graph): { node: number; link: number } {
  let node = Number(g.meta.last_node_id ?? 0) || 0;
  let link = Number(g.meta.last_link_id ?? 0) || 0;
  for (const n of g.nodes) if (isEaselNode(n)) node = Math.max(node, Number(n.id) || 0);
  for (const e of g.edges) link = Math.max(link, Number(e.id) || 0);
  return { node: node + 1, link: link + 1 };
}

/**
 * The nodes and links of a selection as a fragment workflow, and pasting a fragment back with fresh ids at an
 * offset (links between pasted nodes are kept; links to outside nodes are dropped).
 */
export function copyFragment(g: Graph, selected: Set<string>): UIWorkflow {
  const nodes = g.nodes.filter((n) => selected.has(n.id));
  const edges = g.edges.filter((e) => selected.has(e.source) && selected.has(e.target));
  const wf = toWorkflow({ nodes, edges, meta: {} }, { forHistory: true });
  return wf;
}

export function pasteFragment(g: Graph, frag: UIWorkflow, info: ObjectInfo, at: { x: number; y: number } | null): Graph {
  const piece = fromWorkflow(frag, info);
  const { node, link } = nextIds(g);
  const pieceNodes = piece.nodes.filter(isEaselNode);
  const minX = Math.min(...pieceNodes.map((n) => n.position.x));
  const minY = Math.min(...pieceNodes.map((n) => n.position.y));
  const dx = at ? at.x - minX : 30;
  const dy = at ? at.y - minY : 30;
  const idMap = new Map<string, string>();
  pieceNodes.forEach((n, i) => idMap.set(n.id, String(node + i)));
  const newNodes: AnyNode[] = pieceNodes.map((n) => ({
    ...n, id: idMap.get(n.id)!, position: { x: n.position.x + dx, y: n.position.y + dy }, selected: true,
  }));
  const newEdges = piece.edges.map((e, i) => ({ ...e, id: String(link + i), source: idMap.get(e.source)!, target: idMap.get(e.target)! }));
  return {
    ...g,
    nodes: [...g.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...newNodes],
    edges: [...g.edges, ...newEdges],
    meta: { ...g.meta, last_node_id: node + pieceNodes.length - 1, last_link_id: Math.max(link - 1, link + newEdges.length - 1) },
  };
}

/** Nodes whose box lies inside a group's rectangle (group membership is geometric, as in ComfyUI). */
export function nodesInGroup(group: GroupNode, nodes: AnyNode[]): string[] {
  const gx = group.position.x;
  const gy = group.position.y;
  const gw = Number(group.width ?? group.measured?.width ?? group.style?.width ?? 0);
  const gh = Number(group.height ?? group.measured?.height ?? group.style?.height ?? 0);
  return nodes.filter((n) => {
    if (!isEaselNode(n)) return false;
    const w = n.measured?.width ?? 200;
    const h = n.measured?.height ?? 80;
    return n.position.x >= gx && n.position.y >= gy && n.position.x + w <= gx + gw && n.position.y + h <= gy + gh;
  }).map((n) => n.id);
}
