/**
 * The mock model server and the refusing proxy on their own (no agent CLI): each API's wire
 * format, turn selection from the conversation, side requests, tool-result bookkeeping, 404s.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockModelServer, type MockModelServer, type MockScript } from '../../fixtures/mock-model/server';
import { startRefusingProxy } from '../../fixtures/mock-model/refusing-proxy';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

const SCRIPT: MockScript = {
  turns: [
    { writeFile: { path: 'a.txt', content: 'A\n' }, say: 'Writing.' },
    { final: 'Finished.' },
  ],
};

async function mockServer(script: MockScript = SCRIPT): Promise<MockModelServer> {
  const mock = await startMockModelServer({ script });
  closers.push(() => mock.close());
  return mock;
}

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

/** The `data:` payloads of an SSE body, parsed (`[DONE]` left out). */
function events(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
}

const CWD_TEXT = 'Primary working directory: /work/repo';

describe('mock model server', () => {
  it('Anthropic: streams a Write call with an absolute path, then the final answer once the tool result comes back', async () => {
    const mock = await mockServer();
    const tools = [
      { name: 'Write', input_schema: { type: 'object', properties: { file_path: { type: 'string' }, content: { type: 'string' } }, required: ['file_path', 'content'] } },
      { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
    ];
    const user = { role: 'user', content: [{ type: 'text', text: CWD_TEXT }, { type: 'text', text: 'write a.txt' }] };
    const first = await post(`${mock.url}/v1/messages?beta=true`, { model: 'm', stream: true, tools, messages: [user] });
    const evs = events(first.text);
    const json = evs
      .filter((e) => (e['delta'] as { type?: string } | undefined)?.type === 'input_json_delta')
      .map((e) => (e['delta'] as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual({ file_path: '/work/repo/a.txt', content: 'A\n' });
    expect(evs.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'tool_use' } });

    const history = [
      user,
      { role: 'assistant', content: [{ type: 'text', text: 'Writing.' }, { type: 'tool_use', id: 'toolu_mockcall_0', name: 'Write', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_mockcall_0', content: 'File created' }] },
    ];
    const second = await post(`${mock.url}/v1/messages`, { model: 'm', stream: false, tools, messages: history });
    expect(JSON.parse(second.text)).toMatchObject({ content: [{ type: 'text', text: 'Finished.' }], stop_reason: 'end_turn' });
    expect(mock.toolResultsReceived()).toMatchObject([{ callId: 'toolu_mockcall_0', toolName: 'Write', turn: 0, output: 'File created', isError: false }]);
    expect(mock.turnRequests().map((r) => r.turn)).toEqual([0, 1]);
  });

  it('Anthropic: side requests (no tools, structured output) get a harmless answer; token counts are answered', async () => {
    const mock = await mockServer();
    const title = await post(`${mock.url}/v1/messages`, {
      model: 'm',
      tools: [],
      messages: [{ role: 'user', content: 'name this session' }],
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } } } } },
    });
    expect(JSON.parse((JSON.parse(title.text) as { content: { text: string }[] }).content[0]!.text)).toEqual({ title: 'mock' });
    const quota = await post(`${mock.url}/v1/messages`, { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'quota' }] });
    expect(JSON.parse(quota.text)).toMatchObject({ content: [{ type: 'text', text: 'OK' }] });
    const count = await post(`${mock.url}/v1/messages/count_tokens?beta=true`, { model: 'm', messages: [] });
    expect(JSON.parse(count.text)).toMatchObject({ input_tokens: expect.any(Number) });
    expect(mock.requests.map((r) => r.kind)).toEqual(['side', 'side', 'count-tokens']);
  });

  it('OpenAI Responses: a freeform apply_patch call that adds the file, with named SSE events ending in response.completed', async () => {
    const mock = await mockServer();
    const body = {
      model: 'gpt',
      stream: true,
      tools: [
        { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
        { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
      ],
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: '<cwd>/work/repo</cwd> write a.txt' }] }],
    };
    const res = await post(`${mock.url}/v1/responses`, body);
    expect(res.text).toContain('event: response.completed');
    const done = events(res.text).find((e) => e['type'] === 'response.completed') as { response: { output: Record<string, unknown>[] } };
    expect(done.response.output.at(-1)).toMatchObject({
      type: 'custom_tool_call',
      name: 'apply_patch',
      call_id: 'call_mockcall_0',
      input: '*** Begin Patch\n*** Add File: a.txt\n+A\n*** End Patch\n',
    });
    // Codex names its threads with a structured request that still declares apply_patch: a side request.
    const titled = await post(`${mock.url}/v1/responses`, { ...body, stream: false, text: { format: { type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } } } } } });
    expect(JSON.stringify(JSON.parse(titled.text))).toContain('{\\"title\\":\\"mock\\"}');
    expect(mock.requests.map((r) => r.kind)).toEqual(['turn', 'side']);
  });

  it('OpenAI Chat Completions: streams a write tool call, then counts the tool result', async () => {
    const mock = await mockServer();
    const tools = [{ type: 'function', function: { name: 'write', parameters: { type: 'object', properties: { filePath: { type: 'string' }, content: { type: 'string' } } } } }];
    const messages = [{ role: 'system', content: 'Working directory: /work/repo' }, { role: 'user', content: 'write a.txt' }];
    const res = await post(`${mock.url}/v1/chat/completions`, { model: 'm', stream: true, tools, messages });
    expect(res.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const args = events(res.text)
      .flatMap((e) => (e['choices'] as { delta?: { tool_calls?: { function?: { arguments?: string } }[] } }[]) ?? [])
      .map((c) => c.delta?.tool_calls?.[0]?.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ filePath: '/work/repo/a.txt', content: 'A\n' });
    const next = await post(`${mock.url}/v1/chat/completions`, {
      model: 'm',
      tools,
      messages: [...messages, { role: 'assistant', content: 'Writing.', tool_calls: [{ id: 'call_mockcall_0', type: 'function', function: { name: 'write', arguments: args } }] }, { role: 'tool', tool_call_id: 'call_mockcall_0', content: 'Wrote file successfully.' }],
    });
    expect(JSON.parse(next.text)).toMatchObject({ choices: [{ message: { content: 'Finished.' }, finish_reason: 'stop' }] });
    expect(mock.toolResultsReceived()).toMatchObject([{ toolName: 'write', turn: 0, output: 'Wrote file successfully.' }]);
  });

  it('Gemini: streams a write_file call; next-speaker checks are told "user"; tokens are counted', async () => {
    const mock = await mockServer({ turns: [{ shell: 'touch x' }] });
    const tools = [
      {
        functionDeclarations: [
          { name: 'write_file', parametersJsonSchema: { type: 'object', properties: { file_path: { type: 'string' }, content: { type: 'string' } } } },
          { name: 'run_shell_command', parametersJsonSchema: { type: 'object', properties: { command: { type: 'string' }, description: { type: 'string' } }, required: ['command', 'description'] } },
        ],
      },
    ];
    const res = await post(`${mock.url}/v1beta/models/gemini-x:streamGenerateContent?alt=sse`, { contents: [{ role: 'user', parts: [{ text: 'run it' }] }], tools });
    const last = events(res.text).at(-1) as { candidates: { content: { parts: { functionCall?: unknown }[] }; finishReason: string }[] };
    expect(last.candidates[0]!.content.parts[0]!.functionCall).toEqual({ id: 'mockcall_0', name: 'run_shell_command', args: { command: 'touch x', description: 'Run touch x' } });
    const check = await post(`${mock.url}/v1beta/models/gemini-lite:generateContent`, {
      contents: [{ role: 'user', parts: [{ text: 'who speaks next?' }] }],
      generationConfig: { responseMimeType: 'application/json', responseJsonSchema: { type: 'object', properties: { reasoning: { type: 'string' }, next_speaker: { type: 'string', enum: ['user', 'model'] } } } },
    });
    const answer = (JSON.parse(check.text) as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]!.content.parts[0]!.text;
    expect(JSON.parse(answer)).toEqual({ reasoning: 'mock', next_speaker: 'user' });
    const count = await post(`${mock.url}/v1beta/models/gemini-x:countTokens`, { contents: [] });
    expect(JSON.parse(count.text)).toMatchObject({ totalTokens: expect.any(Number) });
  });

  it('answers unknown paths with a 404, records them, and says so in problems()', async () => {
    const mock = await mockServer();
    const res = await fetch(`${mock.url}/v1/models`);
    expect(res.status).toBe(404);
    expect(mock.requests).toMatchObject([{ method: 'GET', path: '/v1/models', kind: 'not-found' }]);
    expect(mock.problems()).toEqual(['404 GET /v1/models']);
  });

  it('says when no declared tool can play a turn', async () => {
    const mock = await mockServer({ turns: [{ editFile: { path: 'a', oldText: 'x', newText: 'y' } }] });
    const res = await post(`${mock.url}/v1/messages`, { model: 'm', tools: [{ name: 'Read', input_schema: {} }], messages: [{ role: 'user', content: 'edit' }] });
    expect(res.text).toContain('cannot play turn 0');
    expect(mock.problems()).toEqual(['turn 0 (anthropic): no tool to edit a file among: Read']);
  });
});

describe('refusing proxy', () => {
  it('refuses CONNECT tunnels and plain requests, and records each', async () => {
    const proxy = await startRefusingProxy();
    closers.push(() => proxy.close());
    const { port } = new URL(proxy.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: Number(port), method: 'CONNECT', path: 'registry.npmjs.org:443' });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    const plain = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: Number(port), method: 'GET', path: 'http://example.com/x', headers: { host: 'example.com' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(plain).toBe(403);
    expect(proxy.attempts).toMatchObject([
      { method: 'CONNECT', host: 'registry.npmjs.org', port: 443 },
      { method: 'GET', host: 'example.com', port: 80, target: 'http://example.com/x' },
    ]);
    expect(proxy.unexpected([{ host: 'registry.npmjs.org', port: 443 }])).toMatchObject([{ host: 'example.com' }]);
  });
});
