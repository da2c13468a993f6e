import { describe, expect, it } from 'vitest';
import { UndoHistory } from '../history';

describe('undo history', () => {
  it('undoes and redoes edits in order, and a new edit drops the redo branch', () => {
    const h = new UndoHistory();
    h.reset('a');
    expect(h.record('b')).toBe(true);
    expect(h.record('b')).toBe(false);
    h.record('c');
    expect(h.undo()).toBe('b');
    expect(h.undo()).toBe('a');
    expect(h.undo()).toBeNull();
    expect(h.redo()).toBe('b');
    h.record('d');
    expect(h.canRedo()).toBe(false);
    expect(h.undo()).toBe('b');
    expect(h.redo()).toBe('d');
  });

  it('caps the number of steps', () => {
    const h = new UndoHistory(3);
    h.reset('0');
    for (let i = 1; i <= 10; i++) h.record(String(i));
    expect(h.past).toEqual(['7', '8', '9']);
  });

  it('survives a reload, dropping the oldest steps beyond the byte budget', () => {
    const h = new UndoHistory(100, 20);
    h.reset('aaaaa');
    h.record('bbbbb');
    h.record('ccccc');
    h.record('ddddd');
    h.record('eeeee');
    h.undo();
    const r = UndoHistory.restore(h.serialize());
    expect(r.present).toBe('ddddd');
    expect(r.future).toEqual(['eeeee']);
    expect(r.past).toEqual(['bbbbb', 'ccccc']);
    expect(r.undo()).toBe('ccccc');
  });

  it('starts empty from a corrupt stored history', () => {
    expect(UndoHistory.restore('{nope').canUndo()).toBe(false);
  });
});
