import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QUICKSTART_API_KEY, quickstartConfig } from '../../src/config/index.js';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { startProxy, type ProxyServer } from '../../src/proxy/index.js';
import { CARD, logSink } from '../proxy/support.js';

// The quickstart as `railgate serve --quickstart` runs it: the reference policies
// (policies/, package railgate.chat) in front of the mock model server, driven by
// the official clients with the quickstart API key (group engineering).

const REPO = fileURLToPath(new URL('../..', import.meta.url));

let mock: MockUpstream;
let proxy: ProxyServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  mock = await startMockUpstream({});
  proxy = await startProxy(quickstartConfig({ upstream: mock.url, packageRoot: REPO, overrides: { listen: '127.0.0.1:0' } }), { logStream: logSink().stream });
  openai = new OpenAI({ baseURL: `${proxy.url}/openai/v1`, apiKey: QUICKSTART_API_KEY, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: `${proxy.url}/anthropic`, apiKey: QUICKSTART_API_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await mock?.close();
});

beforeEach(() => mock.reset());

describe('the reference chat policy', () => {
  it('forwards a base model request with the e-mail redacted and the cap for engineering', async () => {
    const r = await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello! My email is ada@example.com' }], max_tokens: 100_000 });
    expect(r.choices[0]!.message.content).toBe('You said: Hello! My email is [EMAIL]');
    expect(mock.requests[0]!.body).toMatchObject({ max_tokens: 2048 });
  });

  it('refuses a card number in the prompt, naming the classifier and not the number', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `charge ${CARD}` }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const body = (err as InstanceType<typeof OpenAI.PermissionDeniedError>).error as { policy: string; reasons: string[] };
    expect(body.policy).toBe('railgate.chat');
    expect(body.reasons.join()).toContain('pii.credit_card');
    expect(JSON.stringify(body)).not.toContain('4111');
    expect(mock.requests).toHaveLength(0);
  });

  it('holds a premium model for approval', async () => {
    const err = await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e = err as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(e.code).toBe('approval_required');
    expect(e.error).toMatchObject({ approvers: ['ml-leads'], policy: 'railgate.chat' });
    expect(mock.requests).toHaveLength(0);
  });

  it('streams an Anthropic answer through the reference policy', async () => {
    const final = await anthropic.messages.stream({ model: 'claude-3-5-haiku', max_tokens: 50, messages: [{ role: 'user', content: 'say: all good' }] }).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'all good' });
  });
});

describe('the reference embeddings policy, on the same OpenAI connection (policies.embedding)', () => {
  it('embeds with personal data redacted: the embeddings package decides, not the chat one', async () => {
    const r = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['hello', 'mail ada@example.com'] });
    expect(r.data).toHaveLength(2);
    expect(mock.requests[0]!.body).toMatchObject({ input: ['hello', 'mail [EMAIL]'] });
  });

  it('refuses a credential in an input, naming the input and railgate.embeddings', async () => {
    const err = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['fine', 'key AKIAQYLPMN5HFIQR7XZA'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const body = (err as InstanceType<typeof OpenAI.PermissionDeniedError>).error as { policy: string; reasons: string[] };
    expect(body.policy).toBe('railgate.embeddings');
    expect(body.reasons).toEqual(['input 1 contains a credential (secret.aws_access_key): remove it before indexing']);
    expect(JSON.stringify(body)).not.toContain('AKIA');
    expect(mock.requests).toHaveLength(0);
  });

  it('refuses an embedding model the caller groups do not unlock', async () => {
    const err = await openai.embeddings.create({ model: 'text-embedding-ada-002', input: 'x' }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.PermissionDeniedError>).error).toMatchObject({
      policy: 'railgate.embeddings',
      reasons: ['embedding model text-embedding-ada-002 is not enabled for your groups'],
    });
  });
});
