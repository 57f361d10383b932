/** The folder rules of DESIGN.md are kept by the lint config; this checks the rule bites. */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

async function lint(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint rule', () => {
  it('refuses imports across the process boundaries', async () => {
    expect((await lint('src/shared/x.ts', "import { Engine } from '../engine/engine';\nexport type X = Engine;\n")).join()).toContain('boundaries/dependencies');
    expect((await lint('src/renderer/x.ts', "import { Store } from '../engine/store/store';\nexport type X = Store;\n")).join()).toContain('boundaries/dependencies');
    expect((await lint('src/ptyd/x.ts', "import { Engine } from '../engine/engine';\nexport type X = Engine;\n")).join()).toContain('boundaries/dependencies');
    expect((await lint('src/preload/x.ts', "import { Engine } from '../engine/engine';\nexport type X = Engine;\n")).join()).toContain('boundaries/dependencies');
    expect((await lint('src/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).join()).toContain('no-restricted-imports');
  });

  it('allows the imports the design allows', async () => {
    expect(await lint('src/server/x.ts', "import { Engine } from '../engine/engine';\nimport { API } from '../shared/contract';\nexport type X = [Engine, typeof API];\n")).toEqual([]);
    expect(await lint('src/renderer/x.ts', "import { API } from '../shared/contract';\nexport type X = typeof API;\n")).toEqual([]);
  });
});
