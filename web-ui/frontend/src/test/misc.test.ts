import { describe, expect, it } from 'vitest';
import { templateList } from '../templates';
import { decodePreview } from '../connection';
import { fuzzyScore, searchNodes } from '../fuzzy';
import { fromServer, toServer } from '../settings';
import { promptBody } from '../api';
import { INFO } from './fixtures';

describe('fuzzy node search', () => {
  it('ranks exact and prefix matches first and matches subsequences', () => {
    expect(searchNodes(INFO, 'ksam')[0].name).toBe('KSampler');
    expect(searchNodes(INFO, 'vae dec')[0].name).toBe('VAEDecode');
    expect(searchNodes(INFO, 'ckpt')[0].name).toBe('CheckpointLoaderSimple');
    expect(fuzzyScore('xyz', 'KSampler')).toBe(-1);
  });
  it('filters by the type of a dragged link', () => {
    expect(searchNodes(INFO, '', { input: 'LATENT' }).map((d) => d.name).sort()).toEqual(['KSampler', 'PrimitiveAny', 'VAEDecode']);
    expect(searchNodes(INFO, '', { output: 'CONDITIONING' }).map((d) => d.name).sort()).toEqual(['CLIPTextEncode', 'PrimitiveAny']);
  });
});

describe('preview frames', () => {
  it('decodes [u32 1][u32 format][jpeg] frames', () => {
    const buf = new ArrayBuffer(11);
    const v = new DataView(buf);
    v.setUint32(0, 1);
    v.setUint32(4, 1);
    new Uint8Array(buf).set([0xff, 0xd8, 0xff], 8);
    const p = decodePreview(buf)!;
    expect(p.mime).toBe('image/jpeg');
    expect([...new Uint8Array(p.bytes)]).toEqual([0xff, 0xd8, 0xff]);
  });
  it('decodes type-4 frames with metadata', () => {
    const meta = new TextEncoder().encode(JSON.stringify({ node_id: '3', image_type: 'image/png' }));
    const buf = new ArrayBuffer(8 + meta.length + 2);
    const v = new DataView(buf);
    v.setUint32(0, 4);
    v.setUint32(4, meta.length);
    new Uint8Array(buf).set(meta, 8);
    const p = decodePreview(buf)!;
    expect(p).toMatchObject({ mime: 'image/png', node: '3' });
    expect(p.bytes.byteLength).toBe(2);
    expect(decodePreview(new ArrayBuffer(4))).toBeNull();
  });
});

describe('templates and settings', () => {
  it('lists templates from a list of files or from ComfyUI\'s {module: [names]}', () => {
    expect(templateList(['text-to-image.json', 'upscale'])).toEqual([
      { name: 'text-to-image', url: '/workflow_templates/text-to-image.json' },
      { name: 'upscale', url: '/workflow_templates/upscale.json' },
    ]);
    expect(templateList({ easel: ['hires-fix'] })).toEqual([{ name: 'hires-fix', url: '/api/workflow_templates/easel/hires-fix.json' }]);
  });
  it('maps settings to server ids and ignores values of the wrong type', () => {
    expect(toServer({ snapToGrid: true, linkStyle: 'straight' })).toEqual({ 'Easel.SnapToGrid': true, 'Easel.LinkStyle': 'straight' });
    const s = fromServer({ 'Easel.Theme': 'light', 'Easel.SnapToGrid': 'yes', 'Comfy.Other': 1 });
    expect(s.theme).toBe('light');
    expect(s.snapToGrid).toBe(false);
  });
});

describe('queueing', () => {
  it('sends the workflow for the PNG, the preview choice, and front only when asked', () => {
    const wf = { nodes: [], links: [] };
    const back = promptBody({ 3: { class_type: 'KSampler', inputs: {} } }, wf, 'client-1', true);
    expect(back).toEqual({
      prompt: { 3: { class_type: 'KSampler', inputs: {} } }, client_id: 'client-1',
      extra_data: { extra_pnginfo: { workflow: wf }, preview_method: 'auto' },
    });
    expect(back).not.toHaveProperty('front');
    const front = promptBody({}, wf, 'client-1', false, true);
    expect(front.front).toBe(true);
    expect((front.extra_data as { preview_method: string }).preview_method).toBe('none');
  });
});
