/**
 * Monaco, loaded on first use: the editor core, the diff editor, and the Monarch grammars for
 * highlighting. The language services (TypeScript, JSON, CSS, HTML workers) are left out: a
 * read-only diff needs colours, not completions.
 */
import 'monaco-editor/languages/definitions/register.all';
import 'monaco-editor/editor/browser/widget/diffEditor/diffEditor.contribution';
import 'monaco-editor/features/find/register';
import 'monaco-codicon.css';
import * as monaco from 'monaco-editor/editor/editor.api';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

// The diff sits on the app's own backgrounds, not Monaco's stock grey.
monaco.editor.defineTheme('switchyard-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#0f1115', 'editorGutter.background': '#0f1115', 'diffEditor.insertedTextBackground': '#3fb27f33', 'diffEditor.removedTextBackground': '#f0616d33' },
});
monaco.editor.defineTheme('switchyard-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#ffffff', 'editorGutter.background': '#fbfbfc', 'diffEditor.insertedTextBackground': '#1f883d22', 'diffEditor.removedTextBackground': '#cf222e22' },
});

export { monaco };
