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

export { monaco };
