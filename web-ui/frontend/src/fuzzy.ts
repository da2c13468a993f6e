// Fuzzy matching for the node search: every query character in order, rewarding runs and word starts.
import { inLibrary, typesCompatible, type NodeDef, type ObjectInfo } from './schema';
import { isWidgetInput } from './schema';

export function fuzzyScore(query: string, text: string): number {
  const q = query.toLowerCase().replace(/\s+/g, '');
  const t = text.toLowerCase();
  if (!q) return 0;
  const sub = t.indexOf(q);
  if (sub >= 0) return 1000 - sub * 2 - (t.length - q.length) * 0.5 + (sub === 0 ? 200 : 0);
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    const found = t.indexOf(ch, ti);
    if (found < 0) return -1;
    const wordStart = found === 0 || /[\s_\-/.]/.test(t[found - 1]) || (text[found] >= 'A' && text[found] <= 'Z');
    run = found === ti ? run + 1 : 0;
    score += 10 + run * 8 + (wordStart ? 12 : 0) - Math.min(found - ti, 10);
    ti = found + 1;
  }
  return score - (t.length - q.length) * 0.2;
}

export interface TypeFilter {
  /** Only nodes with an input accepting this type (dragging from an output). */
  input?: string;
  /** Only nodes with an output of this type (dragging from an input). */
  output?: string;
}

export function acceptsInput(def: NodeDef, type: string): boolean {
  for (const group of ['required', 'optional'] as const) {
    for (const spec of Object.values(def.input?.[group] ?? {})) {
      const t = Array.isArray(spec[0]) ? 'COMBO' : spec[0];
      if (!isWidgetInput(spec) && typesCompatible(type, t)) return true;
    }
  }
  return false;
}

export function givesOutput(def: NodeDef, type: string): boolean {
  return (def.output ?? []).some((t) => typesCompatible(String(t), type));
}

/** Ranked node types for a query, optionally restricted to ones that can take or give a link type. */
export function searchNodes(info: ObjectInfo, query: string, filter: TypeFilter = {}, limit = 50): NodeDef[] {
  const scored: Array<[number, NodeDef]> = [];
  for (const def of Object.values(info)) {
    if (!inLibrary(def)) continue;
    if (filter.input && !acceptsInput(def, filter.input)) continue;
    if (filter.output && !givesOutput(def, filter.output)) continue;
    const s = query.trim()
      ? Math.max(fuzzyScore(query, def.display_name ?? def.name), fuzzyScore(query, def.name), fuzzyScore(query, def.category ?? '') - 300)
      : 0;
    if (s >= 0 || !query.trim()) scored.push([s, def]);
  }
  scored.sort((a, b) => b[0] - a[0] || (a[1].display_name ?? a[1].name).localeCompare(b[1].display_name ?? b[1].name));
  return scored.slice(0, limit).map((x) => x[1]);
}
