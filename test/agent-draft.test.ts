import { describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES } from '../src/shared/agent-catalog';
import { agentProfileSchema } from '../src/shared/agents';
import { changedFields, fromDraft, toDraft } from '../src/renderer/components/agent-draft';

describe('editing a profile as text', () => {
  it('round-trips every built-in profile through the editable form', () => {
    for (const p of BUILTIN_PROFILES) {
      const back = fromDraft(toDraft(p));
      expect('profile' in back, p.id).toBe(true);
      if ('profile' in back) expect({ ...back.profile, id: p.id }).toEqual(p);
    }
  });

  it('parses quoted arguments and KEY=value lines, and keeps an = in a value', () => {
    const d = { ...toDraft(BUILTIN_PROFILES[0]!), interactiveArgs: `--model 'opus 4' "{prompt}"`, env: 'A=1\n\nB=x=y\n', resumeArgs: '' };
    const r = fromDraft(d);
    if (!('profile' in r)) throw new Error(JSON.stringify(r.errors));
    expect(r.profile.interactiveArgs).toEqual(['--model', 'opus 4', '{prompt}']);
    expect(r.profile.env).toEqual({ A: '1', B: 'x=y' });
    expect(r.profile.resumeArgs).toBeNull();
    expect(agentProfileSchema.safeParse({ ...r.profile, id: 'x' }).success).toBe(true);
  });

  it('names the field that is wrong', () => {
    const d = { ...toDraft(BUILTIN_PROFILES[0]!), interactiveArgs: 'claude | tee log', env: 'NOVALUE', name: ' ' };
    const r = fromDraft(d);
    if (!('errors' in r)) throw new Error('expected errors');
    expect(r.errors.interactiveArgs).toContain('without a shell');
    expect(r.errors.env).toBe('line 1: write KEY=value');
    expect(r.errors.name).toBeTruthy();
  });

  it('overrides only what changed', () => {
    const p = BUILTIN_PROFILES.find((x) => x.id === 'codex')!;
    const r = fromDraft({ ...toDraft(p), executable: '/opt/codex/bin/codex', env: 'OPENAI_BASE_URL=http://localhost:1234' });
    if (!('profile' in r)) throw new Error('expected a profile');
    expect(changedFields(p, r.profile)).toEqual({ executable: '/opt/codex/bin/codex', env: { OPENAI_BASE_URL: 'http://localhost:1234' } });
  });
});
