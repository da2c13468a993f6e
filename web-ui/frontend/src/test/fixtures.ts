import type { ObjectInfo } from '../schema';

// A slice of /object_info in the server's shapes (the node definitions the text-to-image graph uses).
export const INFO: ObjectInfo = {
  CheckpointLoaderSimple: {
    name: 'CheckpointLoaderSimple', display_name: 'Load Checkpoint', category: 'loaders',
    input: { required: { ckpt_name: [['easel-tiny-sd3', 'sd3.5-medium']] } }, output: ['MODEL', 'CLIP', 'VAE'],
    output_name: ['MODEL', 'CLIP', 'VAE'],
  },
  CLIPTextEncode: {
    name: 'CLIPTextEncode', display_name: 'CLIP Text Encode (Prompt)', category: 'conditioning',
    input: { required: { text: ['STRING', { multiline: true, dynamicPrompts: true }], clip: ['CLIP'] } },
    output: ['CONDITIONING'], output_name: ['CONDITIONING'],
  },
  EmptySD3LatentImage: {
    name: 'EmptySD3LatentImage', display_name: 'EmptySD3LatentImage', category: 'latent/sd3',
    input: { required: { width: ['INT', { default: 1024, min: 16, max: 16384, step: 16 }], height: ['INT', { default: 1024, min: 16, max: 16384, step: 16 }], batch_size: ['INT', { default: 1, min: 1, max: 4096 }] } },
    output: ['LATENT'], output_name: ['LATENT'],
  },
  KSampler: {
    name: 'KSampler', display_name: 'KSampler', category: 'sampling',
    input: {
      required: {
        model: ['MODEL'], seed: ['INT', { default: 0, min: 0, max: 18446744073709551615, control_after_generate: true }],
        steps: ['INT', { default: 20, min: 1, max: 10000 }], cfg: ['FLOAT', { default: 8.0, min: 0, max: 100, step: 0.1, round: 0.01 }],
        sampler_name: [['euler', 'heun', 'dpmpp_2m']], scheduler: [['normal', 'karras', 'sgm_uniform']],
        positive: ['CONDITIONING'], negative: ['CONDITIONING'], latent_image: ['LATENT'],
        denoise: ['FLOAT', { default: 1.0, min: 0, max: 1, step: 0.01 }],
      },
    },
    output: ['LATENT'], output_name: ['LATENT'],
  },
  VAEDecode: {
    name: 'VAEDecode', display_name: 'VAE Decode', category: 'latent',
    input: { required: { samples: ['LATENT'], vae: ['VAE'] } }, output: ['IMAGE'], output_name: ['IMAGE'],
  },
  SaveImage: {
    name: 'SaveImage', display_name: 'Save Image', category: 'image', output_node: true,
    input: { required: { images: ['IMAGE'], filename_prefix: ['STRING', { default: 'Easel' }] }, hidden: { prompt: 'PROMPT' } },
    output: [], output_name: [],
  },
  LoadImage: {
    name: 'LoadImage', display_name: 'Load Image', category: 'image',
    input: { required: { image: [['easel-sample.png'], { image_upload: true }] } }, output: ['IMAGE', 'MASK'], output_name: ['IMAGE', 'MASK'],
  },
  ImageScale: {
    name: 'ImageScale', display_name: 'Upscale Image', category: 'image/upscaling',
    input: { required: { image: ['IMAGE'], upscale_method: [['nearest-exact', 'bilinear']], width: ['INT', { default: 512, min: 0, max: 16384, step: 1 }], height: ['INT', { default: 512, min: 0, max: 16384, step: 1 }], crop: [['disabled', 'center']] } },
    output: ['IMAGE'], output_name: ['IMAGE'],
  },
  PrimitiveAny: {
    name: 'PrimitiveAny', display_name: 'Any Switch', category: 'utils',
    input: { required: { a: ['*'] }, optional: { b: ['IMAGE,MASK'], n: ['INT', { forceInput: true }] } }, output: ['*'], output_name: ['*'],
  },
};

/** The ComfyUI-saved text-to-image UI workflow (links as 6-tuples, seed control, extra keys). */
export const T2I = {
  last_node_id: 9, last_link_id: 9,
  nodes: [
    { id: 4, type: 'CheckpointLoaderSimple', pos: [26, 474], size: { 0: 315, 1: 98 }, flags: {}, order: 0, mode: 0,
      outputs: [{ name: 'MODEL', type: 'MODEL', links: [1], slot_index: 0 }, { name: 'CLIP', type: 'CLIP', links: [3, 5], slot_index: 1 }, { name: 'VAE', type: 'VAE', links: [8], slot_index: 2 }],
      properties: { 'Node name for S&R': 'CheckpointLoaderSimple', cnr_id: 'comfy-core' }, widgets_values: ['easel-tiny-sd3'] },
    { id: 6, type: 'CLIPTextEncode', pos: [415, 186], size: [422, 164], flags: {}, order: 2, mode: 0, title: 'Positive Prompt', color: '#232', bgcolor: '#353',
      inputs: [{ name: 'clip', type: 'CLIP', link: 3 }], outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING', links: [4], slot_index: 0 }],
      properties: {}, widgets_values: ['a red circle'] },
    { id: 7, type: 'CLIPTextEncode', pos: [413, 389], size: [425, 180], flags: {}, order: 3, mode: 0,
      inputs: [{ name: 'clip', type: 'CLIP', link: 5 }], outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING', links: [6], slot_index: 0 }],
      properties: {}, widgets_values: [''] },
    { id: 5, type: 'EmptySD3LatentImage', pos: [473, 609], size: [315, 106], flags: {}, order: 1, mode: 0,
      outputs: [{ name: 'LATENT', type: 'LATENT', links: [2], slot_index: 0 }], properties: {}, widgets_values: [512, 512, 1] },
    { id: 3, type: 'KSampler', pos: [863, 186], size: [315, 262], flags: {}, order: 4, mode: 0,
      inputs: [{ name: 'model', type: 'MODEL', link: 1 }, { name: 'positive', type: 'CONDITIONING', link: 4 }, { name: 'negative', type: 'CONDITIONING', link: 6 }, { name: 'latent_image', type: 'LATENT', link: 2 }],
      outputs: [{ name: 'LATENT', type: 'LATENT', links: [7], slot_index: 0 }], properties: {},
      widgets_values: [42, true, 8, 4.5, 'euler', 'sgm_uniform', 1] },
    { id: 8, type: 'VAEDecode', pos: [1209, 188], size: [210, 46], flags: {}, order: 5, mode: 0,
      inputs: [{ name: 'samples', type: 'LATENT', link: 7 }, { name: 'vae', type: 'VAE', link: 8 }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [9], slot_index: 0 }],
      properties: {} },
    { id: 9, type: 'SaveImage', pos: [1451, 189], size: [210, 58], flags: {}, order: 6, mode: 0,
      inputs: [{ name: 'images', type: 'IMAGE', link: 9 }], outputs: [], properties: {}, widgets_values: ['easel'] },
  ],
  links: [[1, 4, 0, 3, 0, 'MODEL'], [2, 5, 0, 3, 3, 'LATENT'], [3, 4, 1, 6, 0, 'CLIP'], [4, 6, 0, 3, 1, 'CONDITIONING'],
    [5, 4, 1, 7, 0, 'CLIP'], [6, 7, 0, 3, 2, 'CONDITIONING'], [7, 3, 0, 8, 0, 'LATENT'], [8, 4, 2, 8, 1, 'VAE'], [9, 8, 0, 9, 0, 'IMAGE']],
  groups: [{ id: 1, title: 'Prompts', bounding: [400, 100, 460, 500], color: '#3f789e', font_size: 24, flags: {} }],
  config: {}, extra: { ds: { scale: 0.8, offset: [10, -20] }, frontendVersion: '1.2.3', custom_key: { keep: true } }, version: 0.4,
};
