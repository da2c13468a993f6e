import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { api, viewUrl, type HistoryEntry, type ImageRef } from './api';
import type { TypeFilter } from './fuzzy';
import { categoryColor, inLibrary, typeColor, type NodeDef, type ObjectInfo } from './schema';
import type { Settings } from './settings';

// ---- node library ----------------------------------------------------------------------------------------

export function LibraryPanel({ info, onAdd, canvas }: {
  info: ObjectInfo; onAdd: (type: string, at: { x: number; y: number } | null) => void; canvas: RefObject<HTMLElement | null>;
}) {
  const [query, setQuery] = useState('');
  const [closed, setClosed] = useState<Set<string>>(new Set());
  const tree = useMemo(() => {
    const byCat = new Map<string, NodeDef[]>();
    const q = query.trim().toLowerCase();
    for (const def of Object.values(info)) {
      if (!inLibrary(def)) continue;
      const hay = `${def.display_name ?? ''} ${def.name} ${def.category ?? ''}`.toLowerCase();
      if (q && !q.split(/\s+/).every((w) => hay.includes(w))) continue;
      const cat = def.category || 'other';
      if (!byCat.has(cat)) byCat.set(cat, []);
      byCat.get(cat)!.push(def);
    }
    // test-only categories (ComfyUI's "_for_testing") go last
    return [...byCat.entries()].sort((a, b) => Number(a[0].startsWith('_')) - Number(b[0].startsWith('_')) || a[0].localeCompare(b[0]))
      .map(([cat, defs]) => [cat, defs.sort((a, b) => (a.display_name ?? a.name).localeCompare(b.display_name ?? b.name))] as const);
  }, [info, query]);

  const startDrag = (e: React.PointerEvent, def: NodeDef) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const sx = e.clientX;
    const sy = e.clientY;
    let ghost: HTMLDivElement | null = null;
    const move = (ev: PointerEvent) => {
      if (!ghost && Math.hypot(ev.clientX - sx, ev.clientY - sy) > 4) {
        ghost = document.createElement('div');
        ghost.className = 'drag-ghost';
        ghost.textContent = def.display_name ?? def.name;
        ghost.style.setProperty('--cat', categoryColor(def.category));
        document.body.appendChild(ghost);
      }
      if (ghost) ghost.style.transform = `translate(${ev.clientX + 8}px, ${ev.clientY + 8}px)`;
    };
    const up = (ev: PointerEvent) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      if (!ghost) {
        onAdd(def.name, null);
        return;
      }
      ghost.remove();
      const r = canvas.current?.getBoundingClientRect();
      if (r && ev.clientX >= r.left && ev.clientX <= r.right && ev.clientY >= r.top && ev.clientY <= r.bottom) {
        onAdd(def.name, { x: ev.clientX - 20, y: ev.clientY - 14 });
      }
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  return (
    <div className="panel" data-testid="node-library">
      <div className="panel-head">
        <h3>Node library</h3>
        <input className="search" data-testid="node-search" placeholder="Search nodes…" value={query} onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.stopPropagation()} />
      </div>
      <div className="panel-body">
        {tree.map(([cat, defs]) => {
          const isClosed = !query && closed.has(cat);
          return (
            <div key={cat} className="cat">
              <button className="cat-head" onClick={() => setClosed((s) => {
                const n = new Set(s);
                if (n.has(cat)) n.delete(cat); else n.add(cat);
                return n;
              })}>
                <span className="cat-dot" style={{ background: categoryColor(cat) }} />
                <span>{cat}</span><span className="count">{defs.length}</span><span className="chev">{isClosed ? '▸' : '▾'}</span>
              </button>
              {!isClosed && defs.map((def) => (
                <div key={def.name} className="lib-item" data-testid="library-item" data-node-type={def.name}
                  title={`${def.description || def.name}\nDrag onto the canvas, or click to add`}
                  onPointerDown={(e) => startDrag(e, def)}>
                  <span>{def.display_name ?? def.name}</span>
                  <span className="lib-types">{def.output.slice(0, 3).map((t, i) => <i key={i} style={{ background: typeColor(t) }} title={t} />)}</span>
                </div>
              ))}
            </div>
          );
        })}
        {!tree.length && <div className="muted pad">No node matches “{query}”.</div>}
      </div>
    </div>
  );
}

// ---- fuzzy search box ------------------------------------------------------------------------------------

export function SearchBox({ info, x, y, filter, onPick, onClose, search }: {
  info: ObjectInfo; x: number; y: number; filter: TypeFilter; onPick: (type: string) => void; onClose: () => void;
  search: (info: ObjectInfo, q: string, f: TypeFilter, limit?: number) => NodeDef[];
}) {
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const results = useMemo(() => search(info, q, filter, 40), [info, q, filter, search]);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    list.current?.querySelector('.active')?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  const left = Math.min(x, window.innerWidth - 380);
  const top = Math.min(y, window.innerHeight - 420);
  const hint = filter.input ? `taking ${filter.input}` : filter.output ? `giving ${filter.output}` : null;
  return (
    <div className="backdrop clear" onMouseDown={onClose}>
      <div className="search-box" style={{ left, top }} onMouseDown={(e) => e.stopPropagation()}>
        <input autoFocus data-testid="search-box" placeholder={hint ? `Search nodes ${hint}…` : 'Search nodes…'} value={q}
          onChange={(e) => { setQ(e.target.value); setActive(0); }}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'ArrowDown') { e.preventDefault(); setActive((a) => Math.min(results.length - 1, a + 1)); }
            else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => Math.max(0, a - 1)); }
            else if (e.key === 'Enter' && results[active]) onPick(results[active].name);
            else if (e.key === 'Escape') onClose();
          }} />
        {hint && <div className="search-filter">Only nodes {hint}</div>}
        <div className="search-results" ref={list}>
          {results.map((d, i) => (
            <div key={d.name} className={`search-item${i === active ? ' active' : ''}`} data-testid="search-result" data-node-type={d.name}
              onMouseEnter={() => setActive(i)} onMouseDown={(e) => { e.preventDefault(); onPick(d.name); }}>
              <span className="cat-dot" style={{ background: categoryColor(d.category) }} />
              <span className="search-name">{d.display_name ?? d.name}</span>
              <span className="search-cat">{d.category}</span>
            </div>
          ))}
          {!results.length && <div className="muted pad">Nothing matches.</div>}
        </div>
      </div>
    </div>
  );
}

// ---- workflows -------------------------------------------------------------------------------------------

export function WorkflowsPanel({ version, current, onOpen, onChanged, onError }: {
  version: number; current: string | null; onOpen: (path: string) => void;
  onChanged: (from: string, to: string | null) => void; onError: (msg: string) => void;
}) {
  const [files, setFiles] = useState<Array<{ path: string; modified?: number }> | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  useEffect(() => {
    api.listWorkflows()
      .then((list) => setFiles(list.map((f) => (typeof f === 'string' ? { path: f } : f))
        .filter((f) => f.path.toLowerCase().endsWith('.json'))
        .sort((a, b) => a.path.localeCompare(b.path))))
      .catch((e) => { setFiles([]); if (e.status !== 404) onError(`Cannot list workflows: ${e.message}`); });
  }, [version, refresh]);
  const full = (p: string) => `workflows/${p}`;
  return (
    <div className="panel">
      <div className="panel-head"><h3>Workflows</h3><span className="muted small">Saved on the server (Ctrl+S)</span></div>
      <div className="panel-body">
        {files === null && <div className="muted pad">Loading…</div>}
        {files?.length === 0 && <div className="muted pad">No saved workflows yet. Save one with Ctrl+S.</div>}
        {files?.map((f) => (
          <div key={f.path} className={`file${current === full(f.path) ? ' current' : ''}`}>
            {renaming === f.path ? (
              <input autoFocus className="rename" defaultValue={f.path.replace(/\.json$/i, '')}
                onKeyDown={(e) => {
                  e.stopPropagation();
                  if (e.key === 'Escape') setRenaming(null);
                  if (e.key !== 'Enter') return;
                  const to = `${(e.target as HTMLInputElement).value.trim().replace(/\.json$/i, '')}.json`;
                  setRenaming(null);
                  if (to === f.path || to === '.json') return;
                  api.moveUserFile(full(f.path), full(to)).then(() => { onChanged(full(f.path), full(to)); setRefresh((r) => r + 1); })
                    .catch((x) => onError(`Rename failed: ${x.message}`));
                }} onBlur={() => setRenaming(null)} />
            ) : (
              <button className="file-name" data-testid="workflow-item" onClick={() => onOpen(full(f.path))} title={`Open ${f.path}`}>
                {f.path.replace(/\.json$/i, '')}
              </button>
            )}
            <button className="icon" title="Rename" onClick={() => setRenaming(f.path)}>✎</button>
            {confirm === f.path ? (
              <button className="icon danger" title="Click again to delete" onBlur={() => setConfirm(null)} onClick={() => {
                setConfirm(null);
                api.deleteUserFile(full(f.path)).then(() => { onChanged(full(f.path), null); setRefresh((r) => r + 1); })
                  .catch((x) => onError(`Delete failed: ${x.message}`));
              }}>Delete?</button>
            ) : <button className="icon" title="Delete" onClick={() => setConfirm(f.path)}>✕</button>}
          </div>
        ))}
      </div>
    </div>
  );
}

// ---- queue, history and gallery ----------------------------------------------------------------------

interface Shot { img: ImageRef; entry: HistoryEntry; id: string }

export function HistoryPanel({ version, running, onOpen, onLoad, onError }: {
  version: number; running: string | null; onOpen: (img: ImageRef, entry: HistoryEntry) => void;
  onLoad: (entry: HistoryEntry) => void; onError: (msg: string) => void;
}) {
  const [entries, setEntries] = useState<Array<[string, HistoryEntry]>>([]);
  const [pending, setPending] = useState(0);
  useEffect(() => {
    let stop = false;
    Promise.all([api.history(64), api.queue()]).then(([h, q]) => {
      if (stop) return;
      setEntries(Object.entries(h).sort((a, b) => (b[1].prompt?.[0] ?? 0) - (a[1].prompt?.[0] ?? 0)));
      setPending(q.queue_pending?.length ?? 0);
    }).catch((e) => onError(`Cannot load history: ${e.message}`));
    return () => { stop = true; };
  }, [version, running]);
  const shots: Shot[] = entries.flatMap(([id, entry]) => Object.values(entry.outputs ?? {})
    .flatMap((o) => o.images ?? []).map((img) => ({ img, entry, id })));
  return (
    <div className="panel" data-testid="history-panel">
      <div className="panel-head">
        <h3>Queue &amp; gallery</h3>
        <div className="queue-line">
          <span>{running ? 'Running · ' : ''}{pending} pending</span>
          {pending > 0 && <button className="small" onClick={() => api.clearQueue().catch((e) => onError(e.message))}>Clear queue</button>}
        </div>
      </div>
      <div className="panel-body">
        {shots.length > 0 && (
          <div className="gallery">
            {shots.map((s, i) => (
              <button key={`${s.id}-${i}`} className="shot" onClick={() => onOpen(s.img, s.entry)} title={s.img.filename}>
                <img data-testid="gallery-image" src={viewUrl(s.img)} alt={s.img.filename} loading="lazy" />
              </button>
            ))}
          </div>
        )}
        <div className="runs">
          {entries.map(([id, e]) => {
            const st = e.status?.status_str ?? (e.status?.completed ? 'success' : 'unknown');
            const count = Object.values(e.outputs ?? {}).reduce((n, o) => n + (o.images?.length ?? 0), 0);
            return (
              <div key={id} className={`run-row ${st}`}>
                <span className={`status-dot ${st}`} />
                <span className="run-num">#{e.prompt?.[0]}</span>
                <span className="run-info">{st}{count ? ` · ${count} image${count > 1 ? 's' : ''}` : ''}</span>
                <button className="small" onClick={() => onLoad(e)} title="Open the workflow of this run">Load</button>
              </div>
            );
          })}
          {!entries.length && <div className="muted pad">Nothing has run yet. Queue a workflow with Ctrl+Enter.</div>}
        </div>
      </div>
    </div>
  );
}

export function Lightbox({ img, entry, url, onClose, onLoad }: {
  img: ImageRef; entry?: HistoryEntry; url: string; onClose: () => void; onLoad: (e: HistoryEntry) => void;
}) {
  return (
    <div className="backdrop" onMouseDown={onClose}>
      <div className="lightbox" onMouseDown={(e) => e.stopPropagation()}>
        <img src={url} alt={img.filename} />
        <div className="lightbox-bar">
          <span className="muted">{img.subfolder ? `${img.subfolder}/` : ''}{img.filename}</span>
          <span className="grow" />
          {entry && <button className="primary" onClick={() => onLoad(entry)}>Load workflow</button>}
          <a className="button" href={url} target="_blank" rel="noreferrer">Open</a>
          <button onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}

// ---- dialogs -------------------------------------------------------------------------------------------

export function TextDialog({ title, value, onOk, onCancel }: { title: string; value: string; onOk: (v: string) => void; onCancel: () => void }) {
  const [v, setV] = useState(value);
  return (
    <div className="backdrop" onMouseDown={onCancel}>
      <form className="dialog" onMouseDown={(e) => e.stopPropagation()} onSubmit={(e) => { e.preventDefault(); onOk(v); }}>
        <h3>{title}</h3>
        <input autoFocus value={v} onChange={(e) => setV(e.target.value)} onFocus={(e) => e.target.select()} onKeyDown={(e) => e.stopPropagation()} />
        <div className="dialog-buttons"><button type="button" onClick={onCancel}>Cancel</button><button className="primary" type="submit">Save</button></div>
      </form>
    </div>
  );
}

export function SettingsDialog({ settings, onChange, onClose }: { settings: Settings; onChange: (p: Partial<Settings>) => void; onClose: () => void }) {
  return (
    <div className="backdrop" onMouseDown={onClose}>
      <div className="dialog settings" onMouseDown={(e) => e.stopPropagation()}>
        <h3>Settings</h3>
        <label>Theme
          <select value={settings.theme} onChange={(e) => onChange({ theme: e.target.value as Settings['theme'] })}>
            <option value="dark">Dark</option><option value="light">Light</option>
          </select>
        </label>
        <label>Link style
          <select value={settings.linkStyle} onChange={(e) => onChange({ linkStyle: e.target.value as Settings['linkStyle'] })}>
            <option value="default">Curved</option><option value="straight">Straight</option>
            <option value="smoothstep">Rounded steps</option><option value="step">Steps</option>
          </select>
        </label>
        <label className="check"><input type="checkbox" checked={settings.snapToGrid} onChange={(e) => onChange({ snapToGrid: e.target.checked })} />Snap to grid</label>
        <label className="check"><input type="checkbox" checked={settings.livePreview} onChange={(e) => onChange({ livePreview: e.target.checked })} />Live sampler preview</label>
        <label className="check"><input type="checkbox" checked={settings.minimap} onChange={(e) => onChange({ minimap: e.target.checked })} />Minimap</label>
        <p className="muted small">Stored on the server (/settings), so they follow you to any browser.</p>
        <div className="dialog-buttons"><button className="primary" onClick={onClose}>Done</button></div>
      </div>
    </div>
  );
}
