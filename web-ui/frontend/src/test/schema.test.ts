import { describe, expect, it } from 'vitest';
import { applyControls, clampNumber, defaultValue, nextControlled, socketsFor, typesCompatible, widgetsFor } from '../schema';
import { INFO } from './fixtures';

describe('widget rules', () => {
  it('orders KSampler widgets like widgets_values, with control_after_generate after the seed', () => {
    const w = widgetsFor(INFO.KSampler);
    expect(w.map((x) => x.name)).toEqual(['seed', 'control_after_generate', 'steps', 'cfg', 'sampler_name', 'scheduler', 'denoise']);
    expect(w[1]).toMatchObject({ kind: 'CONTROL', uiOnly: true, controls: 0 });
    expect(w.map(defaultValue)).toEqual([0, 'randomize', 20, 8, 'euler', 'normal', 1]);
  });

  it('keeps typed inputs as sockets and forceInput widgets as sockets', () => {
    expect(socketsFor(INFO.KSampler).map((s) => `${s.name}:${s.type}`)).toEqual(['model:MODEL', 'positive:CONDITIONING', 'negative:CONDITIONING', 'latent_image:LATENT']);
    expect(socketsFor(INFO.PrimitiveAny).map((s) => `${s.name}:${s.type}:${!!s.optional}`)).toEqual(['a:*:false', 'b:IMAGE,MASK:true', 'n:INT:true']);
    expect(widgetsFor(INFO.PrimitiveAny)).toEqual([]);
  });

  it('adds the upload widget after an image_upload combo (LoadImage ["file", "image"])', () => {
    const w = widgetsFor(INFO.LoadImage);
    expect(w.map((x) => x.kind)).toEqual(['COMBO', 'UPLOAD']);
    expect(w.map(defaultValue)).toEqual(['easel-sample.png', 'image']);
  });

  it('adds a control to INTs named seed even without the option, and a filter list to controlled combos', () => {
    const w = widgetsFor({ name: 'X', input: { required: { noise_seed: ['INT', {}], pick: [['a', 'b'], { control_after_generate: true }] } }, output: [] });
    expect(w.map((x) => x.name)).toEqual(['noise_seed', 'control_after_generate', 'pick', 'control_after_generate', 'control_filter_list']);
  });

  it('clamps and rounds numbers to range and step', () => {
    const [, , steps, cfg] = widgetsFor(INFO.KSampler);
    expect(clampNumber(steps, 0)).toBe(1);
    expect(clampNumber(steps, 12.6)).toBe(13);
    expect(clampNumber(cfg, 4.567)).toBe(4.57);
    expect(clampNumber(cfg, 1000)).toBe(100);
  });
});

describe('control_after_generate', () => {
  const w = widgetsFor(INFO.KSampler);
  it('increments, decrements, randomizes within range, and leaves fixed values', () => {
    expect(nextControlled(w[0], 5, 'increment')).toBe(6);
    expect(nextControlled(w[0], 0, 'decrement')).toBe(0);
    expect(nextControlled(w[0], 5, 'fixed')).toBe(5);
    const r = nextControlled(w[0], 5, 'randomize', () => 0.5) as number;
    expect(r).toBe(1125899906842624 / 2);
    const combo = widgetsFor(INFO.KSampler)[4];
    expect(nextControlled(combo, 'euler', 'increment')).toBe('heun');
    expect(nextControlled(combo, 'dpmpp_2m', 'increment')).toBe('dpmpp_2m');
  });
  it('applies every control of a node and reports no change for fixed', () => {
    expect(applyControls(w, [7, 'increment', 20, 8, 'euler', 'normal', 1])).toEqual([8, 'increment', 20, 8, 'euler', 'normal', 1]);
    expect(applyControls(w, [7, 'fixed', 20, 8, 'euler', 'normal', 1])).toBeNull();
  });
});

describe('type compatibility (ComfyUI rules)', () => {
  it('accepts equal types case-insensitively, * on either side and shared members of comma sets', () => {
    expect(typesCompatible('IMAGE', 'IMAGE')).toBe(true);
    expect(typesCompatible('image', 'IMAGE')).toBe(true);
    expect(typesCompatible('LATENT', '*')).toBe(true);
    expect(typesCompatible('*', 'MODEL')).toBe(true);
    expect(typesCompatible('MASK', 'IMAGE,MASK')).toBe(true);
    expect(typesCompatible('IMAGE,LATENT', 'LATENT')).toBe(true);
  });
  it('refuses different types', () => {
    expect(typesCompatible('IMAGE', 'LATENT')).toBe(false);
    expect(typesCompatible('CLIP', 'IMAGE,MASK')).toBe(false);
  });
});
