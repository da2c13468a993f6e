import { describe, expect, it } from 'vitest';
import {
  copyFragment, fromWorkflow, isApiJson, isEaselNode, isGroup, nextIds, nodeDataFor, nodesInGroup, pasteFragment, toWorkflow,
  type EaselNode, type GroupNode,
} from '../workflow';
import { searchNodes } from '../fuzzy';
import { withEditorNodes } from '../schema';
import { INFO, T2I } from './fixtures';

const clone = <T,>(x: T): T => JSON.parse(JSON.stringify(x));

describe('UI workflow → graph', () => {
  const g = fromWorkflow(clone(T2I), INFO);
  const ks = g.nodes.find((n) => n.id === '3') as EaselNode;

  it('reads nodes, positions (arrays and {0,1} objects), titles and groups', () => {
    expect(g.nodes.filter(isEaselNode)).toHaveLength(7);
    expect(g.nodes.filter(isGroup)).toHaveLength(1);
    const ckpt = g.nodes.find((n) => n.id === '4') as EaselNode;
    expect(ckpt.position).toEqual({ x: 26, y: 474 });
    expect(ckpt.data.size).toEqual([315, 98]);
    expect((g.nodes.find((n) => n.id === '6') as EaselNode).data.title).toBe('Positive Prompt');
  });

  it('maps widgets_values by position and reads a legacy boolean seed control as randomize', () => {
    expect(ks.data.widgets.map((w) => w.name)[1]).toBe('control_after_generate');
    expect(ks.data.values).toEqual([42, 'randomize', 8, 4.5, 'euler', 'sgm_uniform', 1]);
  });

  it('turns links into edges between typed handles', () => {
    expect(g.edges).toHaveLength(9);
    const e = g.edges.find((x) => x.id === '2')!;
    expect(e).toMatchObject({ source: '5', sourceHandle: 'o0', target: '3', targetHandle: 'i3', data: { type: 'LATENT' } });
  });

  it('reads the viewport from extra.ds', () => {
    expect(g.viewport).toEqual({ x: 8, y: -16, zoom: 0.8 });
  });

  it('keeps nodes of unknown types, with their sockets and values', () => {
    const wf = clone(T2I);
    wf.nodes.push({ id: 12, type: 'FancyCustomNode', pos: [0, 0], size: [200, 80], flags: {}, order: 7, mode: 0,
      inputs: [{ name: 'image', type: 'IMAGE', link: null }], outputs: [{ name: 'OUT', type: 'FANCY', links: null, slot_index: 0 }],
      properties: { cnr_id: 'somepack' }, widgets_values: [3, 'x'] } as never);
    const g2 = fromWorkflow(wf, INFO);
    const u = g2.nodes.find((n) => n.id === '12') as EaselNode;
    expect(u.data.unknown).toBe(true);
    expect(u.data.inputs).toEqual([{ name: 'image', type: 'IMAGE' }]);
    expect(u.data.outputs).toEqual([{ name: 'OUT', type: 'FANCY' }]);
    expect(u.data.values).toEqual([3, 'x']);
    const back = toWorkflow(g2).nodes.find((n) => n.id === 12)!;
    expect(back.widgets_values).toEqual([3, 'x']);
    expect(back.properties).toMatchObject({ cnr_id: 'somepack' });
  });

  it("draws ComfyUI's frontend-only nodes (notes, reroutes, primitives) as nodes, not as unknown types", () => {
    const info = withEditorNodes(INFO);
    const wf = clone(T2I);
    wf.nodes.push(
      { id: 20, type: 'Note', pos: [0, 0], size: [300, 100], flags: {}, order: 8, mode: 0, properties: { text: '' },
        widgets_values: ['Use a low CFG with this model.'], color: '#432', bgcolor: '#653' } as never,
      { id: 21, type: 'MarkdownNote', pos: [0, 200], size: [300, 100], flags: {}, order: 9, mode: 0, properties: {},
        widgets_values: ['# Steps\n1. queue'] } as never,
      { id: 22, type: 'Reroute', pos: [400, 0], size: [75, 26], flags: {}, order: 10, mode: 0,
        inputs: [{ name: '', type: '*', link: null }], outputs: [{ name: '', type: 'MODEL', links: null }],
        properties: { showOutputText: false, horizontal: false } } as never,
      { id: 23, type: 'PrimitiveNode', pos: [400, 200], size: [210, 82], flags: {}, order: 11, mode: 0,
        outputs: [{ name: 'INT', type: 'INT', links: null, widget: { name: 'seed' } }],
        properties: { 'Run widget replace on values': false }, widgets_values: [156680208700286, 'fixed'] } as never,
    );
    const g2 = fromWorkflow(wf, info);
    const byId = (id: string) => g2.nodes.find((n) => n.id === id) as EaselNode;
    for (const id of ['20', '21', '22', '23']) expect(byId(id).data.unknown, id).toBe(false);
    expect(byId('20').data.widgets.map((w) => [w.name, w.kind, w.options.multiline])).toEqual([['text', 'STRING', true]]);
    expect(byId('20').data.values).toEqual(['Use a low CFG with this model.']);
    expect(byId('21').data.values).toEqual(['# Steps\n1. queue']);
    expect(byId('22').data.inputs).toEqual([{ name: '', type: '*' }]);
    expect(byId('22').data.outputs).toEqual([{ name: '', type: 'MODEL' }]);
    const p = byId('23').data;
    expect(p.outputs).toEqual([{ name: 'INT', type: 'INT', widget: 'seed' }]);
    expect(p.widgets.map((w) => [w.name, w.kind])).toEqual([['value', 'INT'], ['control_after_generate', 'CONTROL']]);
    expect(p.values).toEqual([156680208700286, 'fixed']);
    // written back as they came
    const back = toWorkflow(g2);
    const node = (id: number) => back.nodes.find((n) => n.id === id)!;
    expect(node(20).widgets_values).toEqual(['Use a low CFG with this model.']);
    expect(node(20)).toMatchObject({ color: '#432', bgcolor: '#653' });
    expect(node(22).outputs?.[0]).toMatchObject({ type: 'MODEL' });
    expect(node(23).widgets_values).toEqual([156680208700286, 'fixed']);
    expect(node(23).outputs?.[0]).toMatchObject({ widget: { name: 'seed' } });
    // a new note or reroute comes from the palette like any node; the server's own types win on a clash
    expect(nodeDataFor('Note', info).values).toEqual(['']);
    expect(nodeDataFor('Reroute', info).outputs).toEqual([{ name: '', type: '*' }]);
    expect(withEditorNodes({ Note: { ...INFO.KSampler, name: 'Note' } }).Note.input).toEqual(INFO.KSampler.input);
    // a primitive only comes from files: its widget takes the shape of what it feeds
    expect(searchNodes(info, 'primitive').map((d) => d.name)).not.toContain('PrimitiveNode');
    expect(searchNodes(info, 'note').map((d) => d.name)).toContain('Note');
  });

  it('reads version-1 files (object links)', () => {
    const v1 = {
      version: 1, state: { lastNodeId: 2, lastLinkId: 1 },
      nodes: [{ id: 1, type: 'EmptySD3LatentImage', pos: [0, 0], widgets_values: [256, 256, 1] }, { id: 2, type: 'KSampler', pos: [300, 0] }],
      links: [{ id: 1, origin_id: 1, origin_slot: 0, target_id: 2, target_slot: 3, type: 'LATENT' }],
    };
    const g1 = fromWorkflow(v1, INFO);
    expect(g1.edges).toHaveLength(1);
    expect((g1.nodes[1] as EaselNode).data.values[2]).toBe(20);
  });
});

describe('graph → UI workflow', () => {
  it('round-trips the ComfyUI file: links, inputs/outputs link ids, widgets_values, extra keys, groups', () => {
    const src = clone(T2I);
    const out = toWorkflow(fromWorkflow(src, INFO));
    expect(out.version).toBe(0.4);
    expect([...out.links].sort((a, b) => a[0] - b[0])).toEqual(src.links);
    expect(out.last_node_id).toBe(9);
    expect(out.last_link_id).toBe(9);
    const ks = out.nodes.find((n) => n.id === 3)!;
    expect(ks.widgets_values).toEqual([42, 'randomize', 8, 4.5, 'euler', 'sgm_uniform', 1]);
    expect(ks.inputs!.map((i) => i.link)).toEqual([1, 4, 6, 2]);
    const ckpt = out.nodes.find((n) => n.id === 4)!;
    expect(ckpt.outputs!.map((o) => o.links)).toEqual([[1], [3, 5], [8]]);
    expect(ckpt.properties).toMatchObject({ 'Node name for S&R': 'CheckpointLoaderSimple', cnr_id: 'comfy-core' });
    const pos = out.nodes.find((n) => n.id === 6)!;
    expect(pos).toMatchObject({ title: 'Positive Prompt', color: '#232', bgcolor: '#353' });
    expect(out.groups).toEqual([{ id: 1, title: 'Prompts', bounding: [400, 100, 460, 500], color: '#3f789e', font_size: 24, flags: {} }]);
    expect((out.extra as Record<string, unknown>).custom_key).toEqual({ keep: true });
    expect((out.extra as Record<string, unknown>).ds).toEqual({ scale: 0.8, offset: [10, -20] });
  });

  it('writes new nodes with default widgets and leaves the viewport out of history snapshots', () => {
    const g = fromWorkflow({ nodes: [], links: [] }, INFO);
    g.nodes.push({ id: '1', type: 'easel', position: { x: 10, y: 20 }, data: nodeDataFor('LoadImage', INFO) });
    g.viewport = { x: 0, y: 0, zoom: 1 };
    const wf = toWorkflow(g, { forHistory: true });
    expect(wf.nodes[0]).toMatchObject({ id: 1, type: 'LoadImage', pos: [10, 20], widgets_values: ['easel-sample.png', 'image'], mode: 0 });
    expect((wf.extra as Record<string, unknown>).ds).toBeUndefined();
  });

  it('keeps mute and bypass modes', () => {
    const g = fromWorkflow(clone(T2I), INFO);
    (g.nodes.find((n) => n.id === '7') as EaselNode).data.mode = 2;
    (g.nodes.find((n) => n.id === '8') as EaselNode).data.mode = 4;
    const wf = toWorkflow(g);
    expect(wf.nodes.find((n) => n.id === 7)!.mode).toBe(2);
    expect(wf.nodes.find((n) => n.id === 8)!.mode).toBe(4);
  });
});

describe('copy / paste and groups', () => {
  it('pastes a selection with fresh ids, keeping only the links inside it', () => {
    const g = fromWorkflow(clone(T2I), INFO);
    const frag = copyFragment(g, new Set(['3', '8', '5']));
    expect(frag.nodes.map((n) => n.id).sort()).toEqual([3, 5, 8]);
    expect(frag.links.map((l) => l[0]).sort()).toEqual([2, 7]);
    const pasted = pasteFragment(g, frag, INFO, { x: 2000, y: 0 });
    const fresh = pasted.nodes.filter((n) => n.selected);
    expect(fresh.map((n) => n.id)).toEqual(['10', '11', '12']);
    expect(Math.min(...fresh.map((n) => n.position.x))).toBe(2000);
    expect(pasted.edges).toHaveLength(11);
    const newEdges = pasted.edges.slice(9);
    for (const e of newEdges) expect(['10', '11', '12']).toContain(e.source);
    expect(nextIds(pasted)).toEqual({ node: 13, link: 12 });
  });

  it('finds the nodes inside a group rectangle', () => {
    const g = fromWorkflow(clone(T2I), INFO);
    const group = g.nodes.find(isGroup) as GroupNode;
    expect(nodesInGroup(group, g.nodes).sort()).toEqual(['6', '7']);
  });

  it('tells API prompts from UI workflows', () => {
    expect(isApiJson({ 3: { class_type: 'KSampler', inputs: {} } })).toBe(true);
    expect(isApiJson(T2I)).toBe(false);
  });
});
