import {
  Background, BackgroundVariant, ControlButton, Controls, MiniMap, ReactFlow, ReactFlowProvider, applyEdgeChanges,
  applyNodeChanges, useReactFlow, type Connection, type Edge, type EdgeChange, type FinalConnectionState,
  type NodeChange, type Viewport,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, promptBody, viewUrl, type HistoryEntry, type ImageRef } from './api';
import { useRunConnection } from './connection';
import { searchNodes, type TypeFilter } from './fuzzy';
import { UndoHistory } from './history';
import { EditorContext, GroupCard, NodeCard, type EditorActions } from './NodeCard';
import { templateList } from './templates';
import { HistoryPanel, Lightbox, LibraryPanel, SearchBox, SettingsDialog, TextDialog, WorkflowsPanel } from './panels';
import { applyControls, categoryColor, typesCompatible, withEditorNodes, type ObjectInfo } from './schema';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, type Settings } from './settings';
import { runtime, useRun, type NodeError } from './store';
import {
  copyFragment, fromWorkflow, isApiJson, isEaselNode, isGroup, isUiWorkflow, makeEdge, nextIds, nodeDataFor,
  nodesInGroup, pasteFragment, slotOf, toWorkflow, GROUP_PREFIX, type AnyNode, type EaselNode, type Graph, type UIWorkflow,
} from './workflow';

const WF_KEY = 'easel.workflow';
const HISTORY_KEY = 'easel.history';
const PATH_KEY = 'easel.path';
const CLIP_KEY = 'easel.clipboard';

const nodeTypes = { easel: NodeCard, egroup: GroupCard };

interface Toast { id: number; text: string; kind: 'info' | 'error' }
interface SearchState { x: number; y: number; flow: { x: number; y: number }; filter: TypeFilter; from?: { node: string; handle: string; kind: 'source' | 'target'; type: string } }

export default function App() {
  const [info, setInfo] = useState<ObjectInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.objectInfo().then((i) => setInfo(withEditorNodes(i))).catch((e) => setError(String(e.message ?? e)));
  }, []);
  if (error) return <div className="splash">Cannot reach the Easel server: {error}</div>;
  if (!info) return <div className="splash"><div className="spinner" />Loading node definitions…</div>;
  return <ReactFlowProvider><Editor info={info} /></ReactFlowProvider>;
}

function download(name: string, data: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function baseName(path: string | null): string {
  if (!path) return 'Unsaved workflow';
  return path.replace(/^workflows\//, '').replace(/\.json$/i, '');
}

function Editor({ info }: { info: ObjectInfo }) {
  const rf = useReactFlow<AnyNode, Edge>();
  const saved = useMemo(() => {
    try {
      const s = localStorage.getItem(WF_KEY);
      const wf = s ? JSON.parse(s) : null;
      return isUiWorkflow(wf) ? fromWorkflow(wf, info) : null;
    } catch {
      return null;
    }
  }, [info]);
  const [nodes, setNodes] = useState<AnyNode[]>(saved?.nodes ?? []);
  const [edges, setEdges] = useState<Edge[]>(saved?.edges ?? []);
  const [meta, setMeta] = useState<Record<string, unknown>>(saved?.meta ?? {});
  const [path, setPath] = useState<string | null>(() => localStorage.getItem(PATH_KEY));
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const [tab, setTab] = useState<'nodes' | 'workflows' | 'queue' | null>('nodes');
  const [search, setSearch] = useState<SearchState | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [lightbox, setLightbox] = useState<{ img: ImageRef; entry?: HistoryEntry } | null>(null);
  const [dialog, setDialog] = useState<{ title: string; value: string; action: (v: string) => void } | null>(null);
  const [showSettings, setShowSettings] = useState(false);
  const [batch, setBatch] = useState(1);
  const [dropping, setDropping] = useState(false);
  const [workflowsVersion, setWorkflowsVersion] = useState(0);
  const [historyVersion, setHistoryVersion] = useState(0);
  const [canUndo, setCanUndo] = useState(false);
  const [canRedo, setCanRedo] = useState(false);
  const graph = useRef<Graph>({ nodes, edges, meta });
  graph.current = { nodes, edges, meta, viewport: graph.current.viewport };
  const history = useRef<UndoHistory>(UndoHistory.restore(localStorage.getItem(HISTORY_KEY)));
  const pointer = useRef({ x: 0, y: 0 });
  const restoring = useRef(false);
  const wrapper = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const groupDrag = useRef<{ id: string; start: { x: number; y: number }; members: Map<string, { x: number; y: number }> } | null>(null);
  const run = useRun();

  const toast = useCallback((text: string, kind: Toast['kind'] = 'info') => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t.slice(-3), { id, text, kind }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 7000 : 3500);
  }, []);

  // ---- settings ------------------------------------------------------------------------------------
  useEffect(() => {
    loadSettings().then(setSettings);
  }, []);
  const changeSettings = (patch: Partial<Settings>) => {
    const next = { ...settings, ...patch };
    setSettings(next);
    saveSettings(patch).catch((e) => toast(`Settings not saved on the server: ${e.message}`, 'error'));
  };
  useEffect(() => {
    document.documentElement.dataset.theme = settings.theme;
  }, [settings.theme]);

  // ---- history & autosave ----------------------------------------------------------------------------
  useEffect(() => {
    if (nodes.some((n) => n.dragging)) return;
    const t = setTimeout(() => {
      const g = { nodes, edges, meta };
      const snap = JSON.stringify(toWorkflow(g, { forHistory: true }));
      if (history.current.present === null) history.current.reset(snap);
      else if (restoring.current) history.current.present = snap; // the graph an undo/redo put on screen
      else history.current.record(snap);
      restoring.current = false;
      setCanUndo(history.current.canUndo());
      setCanRedo(history.current.canRedo());
      try {
        localStorage.setItem(WF_KEY, JSON.stringify(toWorkflow({ ...g, viewport: rf.getViewport() })));
        localStorage.setItem(HISTORY_KEY, history.current.serialize());
      } catch {
        // storage full: the workflow stays in memory
      }
    }, 250);
    return () => clearTimeout(t);
  }, [nodes, edges, meta, rf]);

  useEffect(() => {
    if (path) localStorage.setItem(PATH_KEY, path);
    else localStorage.removeItem(PATH_KEY);
  }, [path]);

  const showGraph = useCallback((g: Graph) => {
    setNodes(g.nodes);
    setEdges(g.edges);
    setMeta(g.meta);
  }, []);

  const undo = useCallback(() => {
    const s = history.current.undo();
    if (s) {
      restoring.current = true;
      showGraph(fromWorkflow(JSON.parse(s), info));
    }
  }, [info, showGraph]);
  const redo = useCallback(() => {
    const s = history.current.redo();
    if (s) {
      restoring.current = true;
      showGraph(fromWorkflow(JSON.parse(s), info));
    }
  }, [info, showGraph]);

  // ---- loading ----------------------------------------------------------------------------------------
  const load = useCallback((wf: UIWorkflow, newPath: string | null, fit = false) => {
    const g = fromWorkflow(wf, info);
    runtime.clearAll();
    showGraph(g);
    setPath(newPath);
    history.current.reset(JSON.stringify(toWorkflow(g, { forHistory: true })));
    const unknown = new Set(g.nodes.filter((n) => isEaselNode(n) && n.data.unknown).map((n) => (n as EaselNode).data.type));
    if (unknown.size) toast(`Unknown node types (drawn in red): ${[...unknown].join(', ')}`, 'error');
    setTimeout(() => {
      if (g.viewport && g.nodes.length && !fit) rf.setViewport(g.viewport);
      else rf.fitView({ padding: 0.15, maxZoom: 1 });
    }, 50);
  }, [info, rf, showGraph, toast]);

  const openAny = useCallback(async (data: unknown, name: string | null) => {
    if (isUiWorkflow(data)) return load(data, name);
    if (isApiJson(data)) {
      const { workflow } = await api.toWorkflow(data);
      return load(workflow, null, true); // a laid-out conversion: show all of it
    }
    throw new Error('not a workflow (neither UI nor API format)');
  }, [load]);

  const openFile = useCallback(async (file: File, at?: { x: number; y: number }) => {
    try {
      if (/\.json$/i.test(file.name) || file.type === 'application/json') {
        await openAny(JSON.parse(await file.text()), null);
        toast(`Opened ${file.name}`);
        return;
      }
      const res = await api.readFile(await file.arrayBuffer());
      if (res.workflow) load(res.workflow, null);
      else if (res.prompt) await openAny(res.prompt, null);
      else if (file.type.startsWith('image/') && at) {
        const up = await api.upload(file);
        const name = up.subfolder ? `${up.subfolder}/${up.name}` : up.name;
        const id = addNode('LoadImage', at);
        if (id) setValueRef.current(id, 0, name);
        return;
      } else throw new Error('no workflow in this file');
      toast(`Opened the workflow of ${file.name}`);
    } catch (e) {
      toast(`Cannot open ${file.name}: ${(e as Error).message}`, 'error');
    }
  }, [load, openAny, toast]);

  // ---- editing -------------------------------------------------------------------------------------
  const addNode = useCallback((type: string, pos: { x: number; y: number }): string | null => {
    if (!info[type]) return null;
    const { node } = nextIds(graph.current);
    const id = String(node);
    const n: EaselNode = { id, type: 'easel', position: pos, data: nodeDataFor(type, info), selected: true };
    const nodes = [...graph.current.nodes.map((x) => (x.selected ? { ...x, selected: false } : x)), n];
    graph.current = { ...graph.current, nodes };
    setNodes(nodes);
    setMeta((m) => ({ ...m, last_node_id: node }));
    return id;
  }, [info]);

  const connect = useCallback((c: Connection) => {
    const { link } = nextIds(graph.current);
    const src = rf.getNode(c.source) as EaselNode | undefined;
    const type = src?.data.outputs[slotOf(c.sourceHandle)]?.type ?? '*';
    const edges = [
      ...graph.current.edges.filter((e) => !(e.target === c.target && e.targetHandle === c.targetHandle)),
      makeEdge(link, c.source, slotOf(c.sourceHandle), c.target, slotOf(c.targetHandle), type),
    ];
    graph.current = { ...graph.current, edges };
    setEdges(edges);
  }, [rf]);

  const connectionProblem = useCallback((c: { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }): string | null => {
    const src = rf.getNode(c.source) as EaselNode | undefined;
    const tgt = rf.getNode(c.target) as EaselNode | undefined;
    if (!src || !tgt || !isEaselNode(src) || !isEaselNode(tgt)) return 'not a node';
    if (c.source === c.target) return 'a node cannot feed itself';
    const out = src.data.outputs[slotOf(c.sourceHandle)];
    const inp = tgt.data.inputs[slotOf(c.targetHandle)];
    if (!out || !inp) return 'no such socket';
    if (!typesCompatible(out.type, inp.type)) {
      return `${out.type} cannot connect to ${inp.type} input “${inp.name}” of ${tgt.data.title ?? tgt.data.type}`;
    }
    return null;
  }, [rf]);

  const isValidConnection = useCallback((c: Edge | Connection) => connectionProblem(c) === null, [connectionProblem]);

  const setValue = useCallback((id: string, index: number, value: unknown) => {
    setNodes((ns) => ns.map((n) => {
      if (n.id !== id || !isEaselNode(n)) return n;
      const values = n.data.values.slice();
      values[index] = value;
      return { ...n, data: { ...n.data, values } };
    }));
  }, []);
  const setValueRef = useRef(setValue);

  const actions: EditorActions = useMemo(() => ({
    info,
    setValue,
    setTitle: (id, title) => setNodes((ns) => ns.map((n) => (n.id === id && isEaselNode(n)
      ? { ...n, data: { ...n.data, title: title.trim() ? title.trim() : undefined } } : n))),
    setGroupTitle: (id, title) => setNodes((ns) => ns.map((n) => (n.id === id && isGroup(n)
      ? { ...n, data: { ...n.data, title: title.trim() || 'Group' } } : n))),
    upload: async (id, index, file) => {
      try {
        const up = await api.upload(file);
        const name = up.subfolder ? `${up.subfolder}/${up.name}` : up.name;
        setNodes((ns) => ns.map((n) => {
          if (n.id !== id || !isEaselNode(n)) return n;
          const target = n.data.widgets[index]?.kind === 'UPLOAD' ? index - 1 : index;
          const widgets = n.data.widgets.slice();
          const w = widgets[target];
          if (w?.values && !w.values.includes(name)) widgets[target] = { ...w, values: [...w.values, name] };
          const values = n.data.values.slice();
          values[target] = name;
          return { ...n, data: { ...n.data, widgets, values } };
        }));
        toast(`Uploaded ${name}`);
      } catch (e) {
        toast(`Upload failed: ${(e as Error).message}`, 'error');
      }
    },
    openImage: (img) => setLightbox({ img }),
  }), [info, setValue, toast]);

  const selectedIds = () => new Set(graph.current.nodes.filter((n) => n.selected).map((n) => n.id));

  const setMode = useCallback((mode: number) => {
    const sel = graph.current.nodes.filter((n) => n.selected && isEaselNode(n)) as EaselNode[];
    if (!sel.length) return;
    const all = sel.every((n) => n.data.mode === mode);
    const ids = new Set(sel.map((n) => n.id));
    setNodes((ns) => ns.map((n) => (ids.has(n.id) && isEaselNode(n) ? { ...n, data: { ...n.data, mode: all ? 0 : mode } } : n)));
  }, []);

  const copy = useCallback(() => {
    const ids = selectedIds();
    if (!ids.size) return;
    const frag = copyFragment(graph.current, ids);
    localStorage.setItem(CLIP_KEY, JSON.stringify(frag));
    toast(`Copied ${frag.nodes.length} node${frag.nodes.length === 1 ? '' : 's'}`);
  }, [toast]);

  const paste = useCallback(() => {
    const s = localStorage.getItem(CLIP_KEY);
    if (!s) return;
    const frag = JSON.parse(s) as UIWorkflow;
    if (!frag.nodes?.length) return;
    const g = pasteFragment(graph.current, frag, info, rf.screenToFlowPosition(pointer.current));
    graph.current = g;
    showGraph(g);
  }, [info, rf, showGraph]);

  const groupSelection = useCallback(() => {
    const sel = graph.current.nodes.filter((n) => n.selected && isEaselNode(n));
    const pad = 30;
    let box = { x: 0, y: 0, w: 400, h: 260 };
    if (sel.length) {
      const x0 = Math.min(...sel.map((n) => n.position.x)) - pad;
      const y0 = Math.min(...sel.map((n) => n.position.y)) - pad - 24;
      const x1 = Math.max(...sel.map((n) => n.position.x + (n.measured?.width ?? 220))) + pad;
      const y1 = Math.max(...sel.map((n) => n.position.y + (n.measured?.height ?? 100))) + pad;
      box = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    } else {
      const p = rf.screenToFlowPosition(pointer.current);
      box = { ...box, x: p.x, y: p.y };
    }
    const n = graph.current.nodes.filter(isGroup).length;
    const id = `${GROUP_PREFIX}${Date.now()}`;
    const group: AnyNode = {
      id, type: 'egroup', position: { x: box.x, y: box.y }, width: box.w, height: box.h, style: { width: box.w, height: box.h },
      zIndex: -1, dragHandle: '.group-title', data: { title: `Group ${n + 1}`, extra: {} },
    };
    setNodes((ns) => [group, ...ns]);
  }, [rf]);

  // ---- files ---------------------------------------------------------------------------------------
  const currentWorkflow = useCallback(() => toWorkflow({ ...graph.current, viewport: rf.getViewport() }), [rf]);

  const saveAs = useCallback((name: string) => {
    const clean = name.trim().replace(/\.json$/i, '');
    if (!clean) return;
    const p = `workflows/${clean}.json`;
    api.writeUserFile(p, currentWorkflow(), true)
      .then(() => { setPath(p); setWorkflowsVersion((v) => v + 1); toast(`Saved ${clean}`); })
      .catch((e) => toast(`Save failed: ${e.message}`, 'error'));
  }, [currentWorkflow, toast]);

  const save = useCallback(() => {
    if (path) saveAs(baseName(path));
    else setDialog({ title: 'Save workflow as', value: 'my workflow', action: saveAs });
  }, [path, saveAs]);

  const newWorkflow = useCallback(() => {
    load({ nodes: [], links: [], groups: [], version: 0.4 } as UIWorkflow, null);
  }, [load]);

  // ---- running -------------------------------------------------------------------------------------
  const showErrors = useCallback((e: unknown) => {
    const body = e instanceof ApiError ? (e.body as { error?: { message?: string; details?: string }; node_errors?: Record<string, { errors?: Array<{ message: string; details?: string; extra_info?: { input_name?: string } }> }> }) : null;
    const nodeErrors = body?.node_errors ?? {};
    for (const [id, ne] of Object.entries(nodeErrors)) {
      const errors: NodeError[] = (ne.errors ?? []).map((x) => ({ message: x.message, details: x.details, input: x.extra_info?.input_name }));
      runtime.patchNode(id, { errors });
    }
    const count = Object.keys(nodeErrors).length;
    const msg = body?.error?.message ?? (e as Error).message;
    toast(count ? `${msg} — ${count} node${count > 1 ? 's' : ''} marked` : `${msg}${body?.error?.details ? `: ${body.error.details}` : ''}`, 'error');
  }, [toast]);

  const conn = useRunConnection({
    onHistoryChanged: () => setHistoryVersion((v) => v + 1),
    onError: (text) => toast(text, 'error'),
  });

  const queue = useCallback(async (front = false) => {
    runtime.clearAll(['images']);
    for (let i = 0; i < Math.max(1, batch); i++) {
      const workflow = currentWorkflow();
      let prompt: Record<string, unknown>;
      try {
        prompt = (await api.toPrompt(workflow)).prompt;
      } catch (e) {
        showErrors(e);
        return;
      }
      try {
        const res = await api.queuePrompt(promptBody(prompt, workflow, conn.clientId, settings.livePreview, front));
        conn.expect(res.prompt_id, Object.keys(prompt).length);
      } catch (e) {
        showErrors(e);
        return;
      }
      // control_after_generate: change seeds (and other controlled values) after each queued prompt
      const nodes = graph.current.nodes.map((n) => {
        if (!isEaselNode(n) || n.data.mode !== 0) return n;
        const values = applyControls(n.data.widgets, n.data.values);
        return values ? { ...n, data: { ...n.data, values } } : n;
      });
      graph.current = { ...graph.current, nodes };
      setNodes(nodes);
    }
    setHistoryVersion((v) => v + 1);
  }, [batch, conn, currentWorkflow, settings.livePreview, showErrors]);

  const interrupt = useCallback(() => {
    api.interrupt().then(() => toast('Interrupting…')).catch((e) => toast(e.message, 'error'));
  }, [toast]);

  const loadFromHistory = useCallback(async (entry: HistoryEntry) => {
    try {
      const wf = entry.prompt?.[3]?.extra_pnginfo?.workflow;
      if (wf && isUiWorkflow(wf)) load(wf, null);
      else await openAny(entry.prompt?.[2], null);
      setLightbox(null);
      toast('Loaded the workflow of that run');
    } catch (e) {
      toast(`Cannot load that run: ${(e as Error).message}`, 'error');
    }
  }, [load, openAny, toast]);

  // ---- keyboard ------------------------------------------------------------------------------------
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === 'enter') { e.preventDefault(); queue(e.shiftKey); return; }
      if (e.key === 'Escape') { setSearch(null); setLightbox(null); setDialog(null); setShowSettings(false); return; }
      if (typing) return;
      if (mod && k === 's') { e.preventDefault(); save(); }
      else if (mod && k === 'o') { e.preventDefault(); setTab('workflows'); }
      else if (mod && k === 'z' && !e.shiftKey) { e.preventDefault(); undo(); }
      else if (mod && (k === 'y' || (k === 'z' && e.shiftKey))) { e.preventDefault(); redo(); }
      else if (mod && k === 'c') { copy(); }
      else if (mod && k === 'v') { e.preventDefault(); paste(); }
      else if (mod && k === 'a') { e.preventDefault(); setNodes((ns) => ns.map((n) => ({ ...n, selected: isEaselNode(n) }))); }
      else if (mod && k === 'm') { e.preventDefault(); setMode(2); }
      else if (mod && k === 'b') { e.preventDefault(); setMode(4); }
      else if (mod && k === 'g') { e.preventDefault(); groupSelection(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [queue, save, undo, redo, copy, paste, setMode, groupSelection]);

  // ---- React Flow callbacks ------------------------------------------------------------------------
  const onNodesChange = useCallback((changes: NodeChange<AnyNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setEdges((es) => applyEdgeChanges(changes, es)), []);

  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid) return;
    if (state.toHandle && state.fromHandle) {
      const from = state.fromHandle;
      const to = state.toHandle;
      const c = from.type === 'source'
        ? { source: from.nodeId, sourceHandle: from.id, target: to.nodeId, targetHandle: to.id }
        : { source: to.nodeId, sourceHandle: to.id, target: from.nodeId, targetHandle: from.id };
      const why = connectionProblem(c);
      if (why) toast(`Not connected: ${why}`, 'error');
      return;
    }
    if (!state.fromHandle || !state.fromNode) return;
    const target = event.target as HTMLElement;
    if (!target.classList?.contains('react-flow__pane')) return;
    const pt = 'changedTouches' in event ? event.changedTouches[0] : event;
    const n = state.fromNode as unknown as EaselNode;
    const slot = slotOf(state.fromHandle.id);
    const kind = state.fromHandle.type;
    const type = kind === 'source' ? n.data.outputs[slot]?.type : n.data.inputs[slot]?.type;
    if (!type) return;
    openSearch(pt.clientX, pt.clientY, kind === 'source' ? { input: type } : { output: type },
      { node: n.id, handle: state.fromHandle.id ?? '', kind, type });
  }, [connectionProblem, toast]);

  const openSearch = (x: number, y: number, filter: TypeFilter = {}, from?: SearchState['from']) => {
    setSearch({ x, y, flow: rf.screenToFlowPosition({ x, y }), filter, from });
  };

  const pickFromSearch = (type: string) => {
    if (!search) return;
    const id = addNode(type, search.flow);
    if (id && search.from) {
      const n = rf.getNode(id) as EaselNode | undefined;
      const data = n?.data ?? nodeDataFor(type, info);
      const f = search.from;
      if (f.kind === 'source') {
        const slot = data.inputs.findIndex((s) => typesCompatible(f.type, s.type));
        if (slot >= 0) connect({ source: f.node, sourceHandle: f.handle, target: id, targetHandle: `i${slot}` });
      } else {
        const slot = data.outputs.findIndex((s) => typesCompatible(s.type, f.type));
        if (slot >= 0) connect({ source: id, sourceHandle: `o${slot}`, target: f.node, targetHandle: f.handle });
      }
    }
    setSearch(null);
  };

  const onNodeDragStart = useCallback((_: unknown, node: AnyNode) => {
    if (!isGroup(node)) return;
    const members = new Map<string, { x: number; y: number }>();
    for (const id of nodesInGroup(node, graph.current.nodes)) {
      const m = graph.current.nodes.find((n) => n.id === id)!;
      members.set(id, { ...m.position });
    }
    groupDrag.current = { id: node.id, start: { ...node.position }, members };
  }, []);
  const onNodeDrag = useCallback((_: unknown, node: AnyNode) => {
    const gd = groupDrag.current;
    if (!gd || gd.id !== node.id) return;
    const dx = node.position.x - gd.start.x;
    const dy = node.position.y - gd.start.y;
    setNodes((ns) => ns.map((n) => {
      const p = gd.members.get(n.id);
      return p && !n.selected ? { ...n, position: { x: p.x + dx, y: p.y + dy } } : n;
    }));
  }, []);
  const onNodeDragStop = useCallback(() => {
    groupDrag.current = null;
  }, []);

  // While the view moves, the viewport is its own compositor layer (panning moves pixels instead of repainting
  // every node); at rest it is not, so text is rasterised sharply at the new zoom.
  const onMoveStart = useCallback(() => {
    wrapper.current?.classList.add('moving');
  }, []);
  const onMoveEnd = useCallback((_: unknown, vp: Viewport) => {
    graph.current.viewport = vp;
    wrapper.current?.classList.remove('moving');
  }, []);

  const shownEdges = useMemo(() => edges.map((e) => (e.type === settings.linkStyle ? e : { ...e, type: settings.linkStyle })), [edges, settings.linkStyle]);

  const easelCount = nodes.length;
  const progress = run.totalNodes ? Math.min(1, run.doneNodes / run.totalNodes) : 0;

  return (
    <EditorContext.Provider value={actions}>
      <div className="app">
        <header className="toolbar">
          <div className="brand"><span className="logo" />Easel</div>
          <div className="menu">
            <button onClick={newWorkflow} title="New empty workflow">New</button>
            <button onClick={() => fileInput.current?.click()} title="Open a .json or .png file (Ctrl+O opens the workflows panel)">Open…</button>
            <input ref={fileInput} type="file" accept=".json,.png,image/png,application/json" hidden data-testid="workflow-open"
              onChange={(e) => { const f = e.target.files?.[0]; if (f) openFile(f); e.target.value = ''; }} />
            <button onClick={save} title="Save to the server (Ctrl+S)">Save</button>
            <button onClick={() => setDialog({ title: 'Save workflow as', value: path ? baseName(path) : 'my workflow', action: saveAs })}>Save as…</button>
            <TemplatesMenu onOpen={(wf, name) => openAny(wf, null).then(() => toast(`Opened template ${name}`)).catch((e) => toast(`Template ${name}: ${e.message}`, 'error'))} />
            <button onClick={() => download(`${baseName(path)}.json`, currentWorkflow())} title="Download the workflow as a JSON file">Download</button>
            <button onClick={() => api.toPrompt(currentWorkflow()).then((r) => download(`${baseName(path)}_api.json`, r.prompt)).catch(showErrors)}
              title="Export the API-format prompt">Export API</button>
            <span className="sep" />
            <button onClick={undo} disabled={!canUndo} title="Undo (Ctrl+Z)">↶</button>
            <button onClick={redo} disabled={!canRedo} title="Redo (Ctrl+Y)">↷</button>
          </div>
          <div className="doc-name" title={path ?? 'Not saved on the server yet'}>{baseName(path)}</div>
          <div className="run">
            <div className="overall" data-testid="progress-bar" data-value={progress.toFixed(3)} title="Overall progress">
              <div style={{ width: `${progress * 100}%` }} />
              <span>{run.promptId ? `${Math.round(progress * 100)}%` : run.queueRemaining ? `${run.queueRemaining} queued` : 'Idle'}</span>
            </div>
            <label className="batch" title="Batch count: how many prompts to queue">×
              <input type="number" min={1} max={100} value={batch} onChange={(e) => setBatch(Math.max(1, Math.min(100, Number(e.target.value) || 1)))} />
            </label>
            <button className="primary" data-testid="queue-button" onClick={(e) => queue(e.shiftKey)}
              title="Queue (Ctrl+Enter). Shift+click or Ctrl+Shift+Enter: to the front of the queue">▶ Queue</button>
            <button className="danger" data-testid="interrupt-button" onClick={interrupt} disabled={!run.promptId} title="Stop the running prompt">■</button>
            <button onClick={() => setShowSettings(true)} title="Settings">⚙</button>
            <span className={`conn ${run.connected ? 'on' : 'off'}`} title={run.connected ? 'Connected' : 'Reconnecting…'} />
          </div>
        </header>
        <div className="body">
          <nav className="rail">
            {(['nodes', 'workflows', 'queue'] as const).map((t) => (
              <button key={t} className={tab === t ? 'active' : ''} data-testid={`tab-${t}`} onClick={() => setTab(tab === t ? null : t)}
                title={{ nodes: 'Node library', workflows: 'Workflows (Ctrl+O)', queue: 'Queue & gallery' }[t]}>
                {{ nodes: '◇', workflows: '▤', queue: '◷' }[t]}
                <small>{{ nodes: 'Nodes', workflows: 'Files', queue: 'Queue' }[t]}</small>
              </button>
            ))}
          </nav>
          {tab && (
            <aside className="side">
              {tab === 'nodes' && <LibraryPanel info={info} onAdd={(type, at) => {
                const p = at ? rf.screenToFlowPosition(at) : rf.screenToFlowPosition({ x: (wrapper.current?.getBoundingClientRect().left ?? 0) + 300, y: 200 });
                addNode(type, p);
              }} canvas={wrapper} />}
              {tab === 'workflows' && <WorkflowsPanel version={workflowsVersion} current={path}
                onOpen={async (p) => {
                  try {
                    await openAny(await api.readUserFile(p), p);
                  } catch (e) {
                    toast(`Cannot open ${p}: ${(e as Error).message}`, 'error');
                  }
                }}
                onChanged={(from, to) => { if (from === path) setPath(to); setWorkflowsVersion((v) => v + 1); }}
                onError={(m) => toast(m, 'error')} />}
              {tab === 'queue' && <HistoryPanel version={historyVersion} running={run.promptId}
                onOpen={(img, entry) => setLightbox({ img, entry })} onLoad={loadFromHistory} onError={(m) => toast(m, 'error')} />}
            </aside>
          )}
          <main className={`canvas${dropping ? ' dropping' : ''}`} ref={wrapper}
            onPointerMove={(e) => { pointer.current = { x: e.clientX, y: e.clientY }; }}
            onDoubleClick={(e) => {
              if ((e.target as HTMLElement).classList.contains('react-flow__pane')) openSearch(e.clientX, e.clientY);
            }}
            onDragOver={(e) => { if (e.dataTransfer.types.includes('Files')) { e.preventDefault(); setDropping(true); } }}
            onDragLeave={(e) => { if (e.currentTarget === e.target) setDropping(false); }}
            onDrop={(e) => {
              e.preventDefault();
              setDropping(false);
              const f = e.dataTransfer.files?.[0];
              if (f) openFile(f, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
            }}>
            <ReactFlow<AnyNode, Edge>
              nodes={nodes} edges={shownEdges} nodeTypes={nodeTypes}
              onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
              onConnect={connect} onConnectEnd={onConnectEnd} isValidConnection={isValidConnection}
              onNodeDragStart={onNodeDragStart} onNodeDrag={onNodeDrag} onNodeDragStop={onNodeDragStop}
              onMoveStart={onMoveStart} onMoveEnd={onMoveEnd}
              defaultViewport={saved?.viewport ?? { x: 0, y: 0, zoom: 1 }}
              fitView={!saved?.viewport && (saved?.nodes.length ?? 0) > 0}
              colorMode={settings.theme} minZoom={0.05} maxZoom={4}
              snapToGrid={settings.snapToGrid} snapGrid={[10, 10]}
              zoomOnDoubleClick={false} deleteKeyCode={['Delete', 'Backspace']}
              selectionKeyCode={['Shift', 'Control']} multiSelectionKeyCode={['Shift', 'Control', 'Meta']}
              panActivationKeyCode="Space" onlyRenderVisibleElements={easelCount > 150}
              connectionRadius={24} elevateNodesOnSelect={false} elevateEdgesOnSelect
              proOptions={{ hideAttribution: true }}>
              <Background variant={BackgroundVariant.Dots} gap={20} size={1.4} />
              <Controls position="bottom-left" showInteractive={false}>
                <ControlButton onClick={groupSelection} title="Group the selection (Ctrl+G)">▢</ControlButton>
              </Controls>
              {settings.minimap && nodes.length > 0 && (
                <MiniMap position="bottom-right" pannable zoomable
                  nodeColor={(n) => (isGroup(n as AnyNode) ? 'transparent' : (n as EaselNode).data?.unknown ? '#d14b4b' : categoryColor(info[(n as EaselNode).data?.type]?.category))}
                  nodeStrokeColor={(n) => (isGroup(n as AnyNode) ? '#6c7a96' : 'transparent')} />
              )}
            </ReactFlow>
            {nodes.length === 0 && (
              <div className="empty-hint">
                <h2>Start a workflow</h2>
                <p>Drag a node from the library, <b>double-click</b> the canvas to search, open a <b>template</b>, or drop a <b>.json</b> or <b>.png</b> here.</p>
                <p className="keys"><kbd>Ctrl</kbd>+<kbd>Enter</kbd> queue · <kbd>Ctrl</kbd>+<kbd>S</kbd> save · <kbd>Ctrl</kbd>+<kbd>Z</kbd> undo · <kbd>Space</kbd>+drag pan</p>
              </div>
            )}
            {dropping && <div className="drop-overlay">Drop a workflow (.json / .png) to open it</div>}
          </main>
        </div>
        {search && (
          <SearchBox info={info} x={search.x} y={search.y} filter={search.filter} onPick={pickFromSearch} onClose={() => setSearch(null)}
            search={searchNodes} />
        )}
        {lightbox && <Lightbox img={lightbox.img} entry={lightbox.entry} url={viewUrl(lightbox.img)} onClose={() => setLightbox(null)} onLoad={loadFromHistory} />}
        {dialog && <TextDialog title={dialog.title} value={dialog.value} onCancel={() => setDialog(null)} onOk={(v) => { setDialog(null); dialog.action(v); }} />}
        {showSettings && <SettingsDialog settings={settings} onChange={changeSettings} onClose={() => setShowSettings(false)} />}
        <div className="toasts">
          {toasts.map((t) => <div key={t.id} className={`toast ${t.kind}`} role="status">{t.text}</div>)}
        </div>
      </div>
    </EditorContext.Provider>
  );
}

function TemplatesMenu({ onOpen }: { onOpen: (wf: unknown, name: string) => void }) {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Array<{ name: string; url: string }> | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    if (!open || items) return;
    api.templates().then((t) => setItems(templateList(t))).catch((e) => setErr(e.message));
  }, [open, items]);
  return (
    <div className="dropdown">
      <button onClick={() => setOpen(!open)} onBlur={() => setTimeout(() => setOpen(false), 200)}>Templates ▾</button>
      {open && (
        <div className="dropdown-menu">
          {err && <div className="muted">Templates unavailable: {err}</div>}
          {!err && !items && <div className="muted">Loading…</div>}
          {items?.length === 0 && <div className="muted">No templates</div>}
          {items?.map((it) => (
            <button key={it.url} onMouseDown={(e) => {
              e.preventDefault();
              setOpen(false);
              api.get<unknown>(it.url).then((wf) => onOpen(wf, it.name)).catch((x) => onOpen(null, `${it.name} (${x.message})`));
            }}>{it.name}</button>
          ))}
        </div>
      )}
    </div>
  );
}
