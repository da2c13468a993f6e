import { Handle, NodeResizer, Position, useNodeConnections, useStore, type NodeProps } from '@xyflow/react';
import { createContext, memo, useContext, useMemo, useRef, useState } from 'react';
import { viewUrl, type ImageRef } from './api';
import { categoryColor, clampNumber, CONTROL_MODES, numberStep, typeColor, type ObjectInfo, type WidgetDef } from './schema';
import { useNodeRuntime } from './store';
import type { EaselNode, GroupNode } from './workflow';

export interface EditorActions {
  info: ObjectInfo;
  setValue: (id: string, index: number, value: unknown) => void;
  setTitle: (id: string, title: string) => void;
  setGroupTitle: (id: string, title: string) => void;
  upload: (id: string, index: number, file: File) => void;
  openImage: (img: ImageRef) => void;
}

export const EditorContext = createContext<EditorActions | null>(null);
const useEditor = () => useContext(EditorContext)!;

function NumberWidget({ w, value, onChange }: { w: WidgetDef; value: number; onChange: (v: number) => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const drag = useRef<{ x: number; v: number; moved: boolean } | null>(null);
  const step = numberStep(w);
  const show = w.kind === 'INT' ? String(value) : String(Number(Number(value).toFixed(4)));
  const commit = (s: string) => {
    setEditing(null);
    const n = Number(s);
    if (s.trim() !== '' && Number.isFinite(n)) onChange(clampNumber(w, n));
  };
  if (editing !== null) {
    return (
      <input className="w-input nodrag" autoFocus value={editing} onChange={(e) => setEditing(e.target.value)}
        onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit((e.target as HTMLInputElement).value);
          if (e.key === 'Escape') setEditing(null);
          e.stopPropagation();
        }} />
    );
  }
  return (
    <div className="w-number nodrag" title={w.options.tooltip as string | undefined}>
      <button className="w-arrow" onClick={() => onChange(clampNumber(w, value - step))} aria-label="decrease">‹</button>
      <div className="w-number-value" role="spinbutton" aria-valuenow={value}
        onPointerDown={(e) => {
          (e.target as HTMLElement).setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, v: value, moved: false };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          const dx = e.clientX - d.x;
          if (Math.abs(dx) > 3) d.moved = true;
          if (d.moved) onChange(clampNumber(w, d.v + Math.round(dx / 4) * step));
        }}
        onPointerUp={() => {
          const d = drag.current;
          drag.current = null;
          if (d && !d.moved) setEditing(show);
        }}>
        <span className="w-label">{w.name}</span>
        <span className="w-value">{show}</span>
      </div>
      <button className="w-arrow" onClick={() => onChange(clampNumber(w, value + step))} aria-label="increase">›</button>
    </div>
  );
}

function ComboWidget({ w, value, onChange }: { w: WidgetDef; value: string; onChange: (v: string) => void }) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const values = w.values ?? [];
  const shown = useMemo(() => values.filter((v) => v.toLowerCase().includes(filter.toLowerCase())), [values, filter]);
  const pick = (v: string | undefined) => {
    if (v !== undefined) onChange(v);
    setOpen(false);
    setFilter('');
  };
  return (
    <div className="w-combo nodrag nowheel">
      <button className="w-combo-button" onClick={() => { setOpen(!open); setActive(0); }} title={value}>
        <span className="w-label">{w.name}</span>
        <span className="w-value">{value || '—'}</span>
        <span className="w-caret">▾</span>
      </button>
      {open && (
        <div className="w-combo-pop">
          <input autoFocus placeholder="Filter…" value={filter} onChange={(e) => { setFilter(e.target.value); setActive(0); }}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'ArrowDown') setActive((a) => Math.min(shown.length - 1, a + 1));
              else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
              else if (e.key === 'Enter') pick(shown[active]);
              else if (e.key === 'Escape') setOpen(false);
            }} />
          <div className="w-combo-list">
            {shown.map((v, i) => (
              <div key={v} className={`w-combo-item${v === value ? ' current' : ''}${i === active ? ' active' : ''}`}
                onMouseDown={(e) => { e.preventDefault(); pick(v); }}>{v}</div>
            ))}
            {!shown.length && <div className="w-combo-empty">No match</div>}
          </div>
        </div>
      )}
    </div>
  );
}

function Widget({ nodeId, index, w, value, linked, uploadTarget }: {
  nodeId: string; index: number; w: WidgetDef; value: unknown; linked: boolean; uploadTarget?: WidgetDef;
}) {
  const ed = useEditor();
  const set = (v: unknown) => ed.setValue(nodeId, index, v);
  const file = useRef<HTMLInputElement>(null);
  if (linked) return <div className="w-linked"><span className="w-label">{w.name}</span><span>linked</span></div>;
  switch (w.kind) {
    case 'INT':
    case 'FLOAT':
      return <NumberWidget w={w} value={Number(value)} onChange={set} />;
    case 'COMBO':
      return <ComboWidget w={w} value={String(value ?? '')} onChange={set} />;
    case 'BOOLEAN':
      return (
        <label className="w-toggle nodrag">
          <span className="w-label">{w.name}</span>
          <span className="w-value">{value ? (w.options.label_on as string) ?? 'true' : (w.options.label_off as string) ?? 'false'}</span>
          <input type="checkbox" checked={!!value} onChange={(e) => set(e.target.checked)} />
          <span className="w-switch" />
        </label>
      );
    case 'CONTROL':
      return (
        <label className="w-select nodrag">
          <span className="w-label">control after generate</span>
          <select value={String(value)} onChange={(e) => set(e.target.value)}>
            {CONTROL_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </label>
      );
    case 'UPLOAD':
      return (
        <>
          <button className="w-upload nodrag" onClick={() => file.current?.click()}>⤒ Upload {uploadTarget?.name ?? 'file'}</button>
          <input ref={file} type="file" accept="image/*" hidden onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) ed.upload(nodeId, index, f);
            e.target.value = '';
          }} />
        </>
      );
    default:
      if (w.options.multiline) {
        return (
          <textarea className="w-text nodrag nowheel" value={String(value ?? '')} placeholder={w.options.placeholder ?? w.name}
            onChange={(e) => set(e.target.value)} onKeyDown={(e) => e.stopPropagation()} spellCheck={false} />
        );
      }
      return (
        <label className="w-string nodrag">
          <span className="w-label">{w.name}</span>
          <input value={String(value ?? '')} onChange={(e) => set(e.target.value)} onKeyDown={(e) => e.stopPropagation()} />
        </label>
      );
  }
}

function Title({ value, placeholder, onCommit }: { value: string; placeholder: string; onCommit: (v: string) => void }) {
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <input className="title-input nodrag" autoFocus defaultValue={value}
        onBlur={(e) => { setEditing(false); onCommit(e.target.value); }}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') setEditing(false);
        }} />
    );
  }
  return <span className="title-text" title="Double-click to rename" onDoubleClick={(e) => { e.stopPropagation(); setEditing(true); }}>{value || placeholder}</span>;
}

/** Below this zoom, nodes draw placeholders instead of widgets (same size, far fewer DOM elements). */
const DETAIL_ZOOM = 0.45;
const zoomedOutSelector = (s: { transform: [number, number, number] }) => s.transform[2] < DETAIL_ZOOM;

function NodeCardImpl({ id, data, selected }: NodeProps<EaselNode>) {
  const ed = useEditor();
  const lod = useStore(zoomedOutSelector);
  const rt = useNodeRuntime(id);
  const def = ed.info[data.type];
  const connections = useNodeConnections({ handleType: 'target' });
  const linkedInputs = useMemo(() => new Set(connections.map((c) => c.targetHandle)), [connections]);
  const linkedWidgets = new Set(data.inputs.map((s, i) => (s.widget && linkedInputs.has(`i${i}`) ? s.widget : null)).filter(Boolean));
  const errors = rt?.errors ?? [];
  const errorInputs = new Set(errors.map((e) => e.input).filter(Boolean));
  const color = data.unknown ? '#d14b4b' : categoryColor(def?.category);
  const mode = data.mode === 2 ? ' muted' : data.mode === 4 ? ' bypassed' : '';
  const executing = rt?.progress !== undefined || rt?.preview !== undefined;
  const rows = Math.max(data.inputs.length, data.outputs.length);
  const imageWidget = data.widgets.findIndex((w) => w.kind === 'COMBO' && w.options.image_upload);
  const inputImage = imageWidget >= 0 && data.values[imageWidget] ? String(data.values[imageWidget]) : null;
  const [dropping, setDropping] = useState(false);

  return (
    <div
      className={`node${lod ? ' lod' : ''}${selected ? ' selected' : ''}${data.unknown ? ' unknown' : ''}${errors.length ? ' has-error' : ''}${mode}${executing ? ' executing' : ''}`}
      data-testid="node" data-node-id={id} data-node-type={data.type}
      style={{ '--cat': color, minWidth: data.size?.[0] ? Math.min(Math.max(data.size[0], 220), 480) : undefined } as React.CSSProperties}
      onDragOver={imageWidget >= 0 ? (e) => { e.preventDefault(); e.stopPropagation(); setDropping(true); } : undefined}
      onDragLeave={() => setDropping(false)}
      onDrop={imageWidget >= 0 ? (e) => {
        e.preventDefault();
        e.stopPropagation();
        setDropping(false);
        const f = e.dataTransfer.files?.[0];
        if (f) ed.upload(id, imageWidget, f);
      } : undefined}>
      {rt?.progress && (
        <div className="node-progress"><div style={{ width: `${(100 * rt.progress.value) / Math.max(1, rt.progress.max)}%` }} /></div>
      )}
      <div className="node-header">
        <span className="node-dot" />
        <Title value={data.title ?? ''} placeholder={def?.display_name ?? data.type} onCommit={(t) => ed.setTitle(id, t)} />
        {data.mode === 2 && <span className="badge">muted</span>}
        {data.mode === 4 && <span className="badge">bypass</span>}
      </div>
      {data.unknown && <div className="node-unknown">Unknown node type “{data.type}” — not installed. Replace it, or delete it.</div>}
      {rows > 0 && (
        <div className="node-slots">
          {Array.from({ length: rows }, (_, i) => {
            const inp = data.inputs[i];
            const out = data.outputs[i];
            return (
              <div className="slot-row" key={i}>
                {inp ? (
                  <div className={`slot in${errorInputs.has(inp.name) ? ' error' : ''}`}>
                    <Handle type="target" position={Position.Left} id={`i${i}`} className="handle"
                      style={{ '--t': typeColor(inp.type) } as React.CSSProperties} title={`${inp.name}: ${inp.type}`} />
                    <span className="slot-name">{inp.name}</span>
                  </div>
                ) : <div className="slot" />}
                {out ? (
                  <div className="slot out">
                    <span className="slot-name">{out.name}</span>
                    <Handle type="source" position={Position.Right} id={`o${i}`} className="handle"
                      style={{ '--t': typeColor(out.type) } as React.CSSProperties} title={`${out.name}: ${out.type}`} />
                  </div>
                ) : <div className="slot" />}
              </div>
            );
          })}
        </div>
      )}
      {lod && data.widgets.length > 0 && (
        <div className="node-widgets">
          {data.widgets.map((w, i) => <div key={i} className="w-ph" style={{ height: w.options.multiline ? 76 : 26 }} />)}
        </div>
      )}
      {!lod && data.widgets.length > 0 && (
        <div className="node-widgets">
          {data.widgets.map((w, i) => (
            <div key={i} className={`widget${errorInputs.has(w.name) ? ' error' : ''}`}>
              <Widget nodeId={id} index={i} w={w} value={data.values[i]} linked={linkedWidgets.has(w.name)}
                uploadTarget={w.kind === 'UPLOAD' ? data.widgets[i - 1] : undefined} />
            </div>
          ))}
        </div>
      )}
      {inputImage && (
        <div className={`node-image${dropping ? ' dropping' : ''}`}>
          <img src={viewUrl({ filename: inputImage.split('/').pop()!, subfolder: inputImage.includes('/') ? inputImage.slice(0, inputImage.lastIndexOf('/')) : '', type: 'input' })}
            alt={inputImage} draggable={false} />
        </div>
      )}
      {rt?.preview && <div className="node-image preview"><img src={rt.preview} alt="live preview" draggable={false} /></div>}
      {!rt?.preview && rt?.images && rt.images.length > 0 && (
        <div className="node-images">
          {rt.images.map((img, i) => (
            <img key={i} src={viewUrl(img)} alt={img.filename} draggable={false} onClick={() => ed.openImage(img)} />
          ))}
        </div>
      )}
      {errors.length > 0 && (
        <div className="node-errors">
          {errors.map((e, i) => <div key={i}>{e.input ? <b>{e.input}: </b> : null}{e.message}{e.details && e.details !== e.input ? ` — ${e.details}` : ''}</div>)}
        </div>
      )}
    </div>
  );
}

export const NodeCard = memo(NodeCardImpl);

function GroupCardImpl({ id, data, selected }: NodeProps<GroupNode>) {
  const ed = useEditor();
  return (
    <div className={`group-box${selected ? ' selected' : ''}`} style={{ '--g': data.color ?? '#6c7a96' } as React.CSSProperties}>
      <NodeResizer isVisible={!!selected} minWidth={120} minHeight={80} lineClassName="group-resize-line" handleClassName="group-resize-handle" />
      <div className="group-title"><Title value={data.title} placeholder="Group" onCommit={(t) => ed.setGroupTitle(id, t)} /></div>
    </div>
  );
}

export const GroupCard = memo(GroupCardImpl);
