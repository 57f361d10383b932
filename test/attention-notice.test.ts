/** Which engine events become OS notifications on desktop (src/main/attention-notice.ts). */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/shared/contract';
import { noticeFor } from '../src/main/attention-notice';

const needsInput: EngineEvent = { type: 'attention', taskId: 't1', reason: 'needs-input', title: 'Fix the parser', detail: 'Waiting for your input' };

describe('OS notifications for attention events', () => {
  it('turns attention into a notice that names the task', () => {
    expect(noticeFor(needsInput, { enabled: true, windowFocused: false })).toEqual({ title: 'Fix the parser needs your input', body: 'Waiting for your input', taskId: 't1' });
    const finished: EngineEvent = { ...needsInput, reason: 'finished', detail: 'Finished: ready for review' };
    expect(noticeFor(finished, { enabled: true, windowFocused: false })?.title).toBe('Fix the parser finished');
  });

  it('stays quiet when notifications are off, the window has focus, or the event is not attention', () => {
    expect(noticeFor(needsInput, { enabled: false, windowFocused: false })).toBeNull();
    expect(noticeFor(needsInput, { enabled: true, windowFocused: true })).toBeNull();
    expect(noticeFor({ type: 'terminal', taskId: 't1', session: 's', state: 'exited', exitCode: 0, signal: null }, { enabled: true, windowFocused: false })).toBeNull();
  });
});
