/** Monaco's diff editor, side by side and read-only, with language highlighting. */
import { useEffect, useRef, useState } from 'react';
import { MONACO_THEMES, type ThemeName } from '../theme';

type MonacoModule = typeof import('./monaco')['monaco'];
type DiffEditorInstance = ReturnType<MonacoModule['editor']['createDiffEditor']>;

let monacoPromise: Promise<MonacoModule> | null = null;
function loadMonaco(): Promise<MonacoModule> {
  monacoPromise ??= import('./monaco').then((m) => m.monaco);
  return monacoPromise;
}

interface Props {
  original: string;
  modified: string;
  language: string;
  theme: ThemeName;
}

export function DiffEditor({ original, modified, language, theme }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<{ monaco: MonacoModule; diff: DiffEditorInstance } | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let disposed = false;
    void loadMonaco().then((monaco) => {
      if (disposed || !host.current) return;
      const diff = monaco.editor.createDiffEditor(host.current, {
        readOnly: true,
        originalEditable: false,
        renderSideBySide: true,
        // Side by side even in a narrow pane: the reviewer asked for it.
        useInlineViewWhenSpaceIsLimited: false,
        automaticLayout: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 13,
        renderOverviewRuler: true,
        hideUnchangedRegions: { enabled: true, contextLineCount: 3, minimumLineCount: 5, revealLineCount: 20 },
        theme: MONACO_THEMES[theme],
      });
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
  }, [ready, original, modified, language]);

  useEffect(() => {
    editor.current?.monaco.editor.setTheme(MONACO_THEMES[theme]);
  }, [theme, ready]);

  return <div className="diff-editor" ref={host} data-language={language} />;
}
