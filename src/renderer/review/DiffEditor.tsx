/**
 * Monaco's diff editor, read-only, with language highlighting and the reviewer's toggles: side
 * by side or inline, word wrap, whitespace, and collapsing unchanged regions. It reports the
 * lines the user selects (for comments) and can jump between hunks.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { MONACO_THEMES, type ThemeName } from '../theme';

type MonacoModule = typeof import('./monaco')['monaco'];
type DiffEditorInstance = ReturnType<MonacoModule['editor']['createDiffEditor']>;

let monacoPromise: Promise<MonacoModule> | null = null;
function loadMonaco(): Promise<MonacoModule> {
  monacoPromise ??= import('./monaco').then((m) => m.monaco);
  return monacoPromise;
}

export interface DiffOptions {
  sideBySide: boolean;
  wordWrap: boolean;
  ignoreWhitespace: boolean;
  collapseUnchanged: boolean;
}

export interface LineSelection {
  side: 'original' | 'modified';
  startLine: number;
  endLine: number;
}

export interface DiffEditorHandle {
  goToHunk(direction: 'next' | 'previous'): void;
}

interface Props {
  original: string;
  modified: string;
  language: string;
  theme: ThemeName;
  options: DiffOptions;
  /** Lines with review comments, highlighted in the gutter. */
  commented: LineSelection[];
  onSelection(sel: LineSelection | null): void;
  /** A line of the modified side to scroll to (a reviewer's comment). */
  revealLine?: number | null;
}

export const DiffEditor = forwardRef<DiffEditorHandle, Props>(function DiffEditor(
  { original, modified, language, theme, options, commented, onSelection, revealLine },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<{ monaco: MonacoModule; diff: DiffEditorInstance } | null>(null);
  const [ready, setReady] = useState(false);
  const onSelectionRef = useRef(onSelection);
  onSelectionRef.current = onSelection;
  const decorations = useRef<{ original: string[]; modified: string[] }>({ original: [], modified: [] });

  useImperativeHandle(ref, () => ({
    goToHunk: (direction) => editor.current?.diff.goToDiff(direction),
  }));

  useEffect(() => {
    let disposed = false;
    void loadMonaco().then((monaco) => {
      if (disposed || !host.current) return;
      const diff = monaco.editor.createDiffEditor(host.current, {
        readOnly: true,
        originalEditable: false,
        automaticLayout: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 13,
        renderOverviewRuler: true,
        glyphMargin: true,
        // Side by side even in a narrow pane, unless the reviewer picks inline.
        useInlineViewWhenSpaceIsLimited: false,
        theme: MONACO_THEMES[theme],
      });
      const report = (side: 'original' | 'modified', e: { selection: { startLineNumber: number; endLineNumber: number; isEmpty(): boolean } }): void => {
        const s = e.selection;
        onSelectionRef.current(s.isEmpty() && s.startLineNumber === s.endLineNumber ? { side, startLine: s.startLineNumber, endLine: s.startLineNumber } : { side, startLine: s.startLineNumber, endLine: s.endLineNumber });
      };
      diff.getModifiedEditor().onDidChangeCursorSelection((e) => report('modified', e));
      diff.getOriginalEditor().onDidChangeCursorSelection((e) => report('original', e));
      editor.current = { monaco, diff };
      setReady(true);
    });
    return () => {
      disposed = true;
      const e = editor.current;
      if (e) {
        const model = e.diff.getModel();
        e.diff.dispose();
        model?.original.dispose();
        model?.modified.dispose();
      }
      editor.current = null;
    };
  }, []);

  useEffect(() => {
    const e = editor.current;
    if (!ready || !e) return;
    const old = e.diff.getModel();
    e.diff.setModel({
      original: e.monaco.editor.createModel(original, language),
      modified: e.monaco.editor.createModel(modified, language),
    });
    old?.original.dispose();
    old?.modified.dispose();
    onSelectionRef.current(null);
  }, [ready, original, modified, language]);

  useEffect(() => {
    const e = editor.current;
    if (!ready || !e || !revealLine) return;
    const side = e.diff.getModifiedEditor();
    side.revealLineInCenter(revealLine);
    side.setPosition({ lineNumber: revealLine, column: 1 });
  }, [ready, revealLine, original, modified]);

  useEffect(() => {
    editor.current?.diff.updateOptions({
      renderSideBySide: options.sideBySide,
      wordWrap: options.wordWrap ? 'on' : 'off',
      diffWordWrap: options.wordWrap ? 'on' : 'off',
      ignoreTrimWhitespace: options.ignoreWhitespace,
      hideUnchangedRegions: { enabled: options.collapseUnchanged, contextLineCount: 3, minimumLineCount: 5, revealLineCount: 20 },
    });
  }, [options, ready]);

  useEffect(() => {
    const e = editor.current;
    if (!ready || !e) return;
    for (const side of ['original', 'modified'] as const) {
      const ed = side === 'original' ? e.diff.getOriginalEditor() : e.diff.getModifiedEditor();
      const lines = commented.filter((c) => c.side === side);
      decorations.current[side] = ed.deltaDecorations(
        decorations.current[side],
        lines.map((c) => ({
          range: new e.monaco.Range(c.startLine, 1, c.endLine, 1),
          options: { isWholeLine: true, className: 'review-commented-line', glyphMarginClassName: 'review-comment-glyph' },
        })),
      );
    }
  }, [commented, ready, original, modified]);

  useEffect(() => {
    editor.current?.monaco.editor.setTheme(MONACO_THEMES[theme]);
  }, [theme, ready]);

  return <div className="diff-editor" ref={host} data-language={language} />;
});
