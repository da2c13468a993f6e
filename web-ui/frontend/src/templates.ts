// Templates served by the server (the example files in workflows/).

/** The template listing in either shape: names (or {name}/{file} objects), or ComfyUI's {module: [names]}. */
export function templateList(t: unknown): Array<{ name: string; url: string }> {
  const pretty = (s: string) => s.replace(/\.json$/i, '');
  const entry = (x: unknown): string | null => (typeof x === 'string' ? x
    : x && typeof x === 'object' ? String((x as Record<string, unknown>).file ?? (x as Record<string, unknown>).name ?? '') || null : null);
  if (Array.isArray(t)) {
    return t.map(entry).filter((x): x is string => !!x).map((n) => ({
      name: pretty(n), url: `/workflow_templates/${n.split('/').map(encodeURIComponent).join('/')}${/\.json$/i.test(n) ? '' : '.json'}`,
    }));
  }
  if (t && typeof t === 'object') {
    const out: Array<{ name: string; url: string }> = [];
    for (const [module, names] of Object.entries(t as Record<string, unknown>)) {
      if (!Array.isArray(names)) continue;
      for (const n of names.map(entry).filter((x): x is string => !!x)) {
        out.push({ name: pretty(n), url: `/api/workflow_templates/${encodeURIComponent(module)}/${encodeURIComponent(pretty(n))}.json` });
      }
    }
    return out;
  }
  return [];
}
