import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskText } from '../../../src/masking/index.js';
import type { MaskRule } from '../../../src/proxy/decision.js';
import { anthropicAdapter, httpAdapter, openaiAdapter } from '../../../src/proxy/protocols/index.js';
import { guardJsonResponse } from '../../../src/proxy/response/json-guard.js';
import { classifierSet, document, maskRules, render, secretsOf } from '../../masking/fixtures.js';

const set = classifierSet();
const rules = maskRules();
const KEY = 'AKIAIOSFODNN7EXAMPLE';

const chatCompletion = (content: string, args: string) => ({
  id: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
  object: 'chat.completion',
  created: 1_741_570_283,
  model: 'gpt-4.1-2025-04-14',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content,
        refusal: null,
        tool_calls: [{ id: 'call_Qm8xE2', type: 'function', function: { name: 'send_email', arguments: args } }],
        annotations: [],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage: { prompt_tokens: 1117, completion_tokens: 46, total_tokens: 1163 },
  service_tier: 'default',
  system_fingerprint: 'fp_fc9f1d7035',
});

const anthropicMessage = (text: string, input: Record<string, unknown>) => ({
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-20250514',
  content: [
    { type: 'text', text },
    { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'send_email', input },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 2095, output_tokens: 503 },
});

describe('guardJsonResponse', () => {
  it('masks OpenAI message content and tool-call arguments, and nothing else', () => {
    const body = chatCompletion(`Use ${KEY} to sign in.`, JSON.stringify({ to: 'jane.doe@example.com', body: 'hi' }));
    const r = guardJsonResponse(body, openaiAdapter, 'chat', rules, set);
    expect(r.blocked).toBe(false);
    expect(r.masked).toBe(2);
    expect(r.classifiers).toEqual(['pii.email', 'secret.aws_access_key']);
    const want = chatCompletion('Use [SECRET.AWS_ACCESS_KEY] to sign in.', JSON.stringify({ to: '[PII.EMAIL]', body: 'hi' }));
    expect(r.body).toEqual(want);
    // the input is not changed
    expect(body.choices[0]!.message.content).toContain(KEY);
  });

  it('masks Anthropic text blocks and tool inputs', () => {
    const body = anthropicMessage(`Card 4111 1111 1111 1111 is on file.`, { to: 'jane.doe@example.com', nested: { note: `key ${KEY}` } });
    const r = guardJsonResponse(body, anthropicAdapter, 'messages', rules, set);
    expect(r.body).toEqual(anthropicMessage('Card [PII.CREDIT_CARD] is on file.', { to: '[PII.EMAIL]', nested: { note: 'key [SECRET.AWS_ACCESS_KEY]' } }));
  });

  it('reports a blocking rule', () => {
    const block: MaskRule[] = [{ classifier: 'secret.aws_access_key', replacement: '[K]', action: 'block' }];
    const r = guardJsonResponse(chatCompletion(`key ${KEY}`, '{}'), openaiAdapter, 'chat', block, set);
    expect(r.blocked).toBe(true);
    expect(r.classifiers).toEqual(['secret.aws_access_key']);
    expect(JSON.stringify(r.body)).not.toContain(KEY);
  });

  it('applies rules limited to paths on a generic JSON connection by the path of each text', () => {
    const adapter = httpAdapter({ requestTexts: ['$.query'], responseTexts: ['$.results[*].text', '$.summary'], operation: 'other' });
    const body = { results: [{ id: 1, text: 'mail jane@example.com' }, { id: 2, text: 'ORION ships' }], summary: 'ORION and jane@example.com', other: 'jane@example.com' };
    const r = guardJsonResponse(
      body,
      adapter,
      'other',
      [
        { classifier: 'pii.email', replacement: '[E]', action: 'mask', paths: ['$.results[*].text'] },
        { classifier: 'codename', replacement: '[C]', action: 'mask' },
      ],
      set,
    );
    expect(r.body).toEqual({ results: [{ id: 1, text: 'mail [E]' }, { id: 2, text: '[C] ships' }], summary: '[C] and jane@example.com', other: 'jane@example.com' });
  });

  it('leaves the body as it is without rules', () => {
    const body = chatCompletion(`key ${KEY}`, '{}');
    expect(guardJsonResponse(body, openaiAdapter, 'chat', [], set)).toEqual({ body, blocked: false, masked: 0, classifiers: [] });
  });

  it('masks every text as maskText does, for realistic documents', () => {
    fc.assert(
      fc.property(document, document, (a, b) => {
        const content = render(a);
        const note = render(b.filter((p) => !p.text.includes('"')));
        const r = guardJsonResponse(anthropicMessage(content, { note }), anthropicAdapter, 'messages', rules, set);
        const body = r.body as ReturnType<typeof anthropicMessage>;
        expect(body.content[0]).toEqual({ type: 'text', text: maskText(content, rules, set).text });
        expect((body.content[1]!.input as { note: string }).note).toBe(maskText(note, rules, set).text);
        const json = JSON.stringify(r.body);
        for (const s of [...secretsOf(a), ...secretsOf(b.filter((p) => !p.text.includes('"')))]) expect(json).not.toContain(JSON.stringify(s).slice(1, -1));
      }),
      { numRuns: 100 },
    );
  });
});
