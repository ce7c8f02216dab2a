import { countTokens, truncateToTokens } from './tokens.js';

// What the mock model "says": deterministic, and steered by the last user text so a
// test can make a response contain exactly what it needs (a card number for the
// proxy to mask, a tool call whose arguments hold a secret):
//
//   "... call tool <name> <rest>"  → a call of tool <name> with arguments {"text": "<rest>"}
//   "... say: <text>"              → exactly <text>
//   anything else                  → "You said: <last user text>"

/** A model's default output cap when the request sets none (gpt-4o's). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 16_384;

export type Generation =
  | {
      kind: 'text';
      text: string;
      /** `length` when the completion cap cut the text */
      finish: 'stop' | 'length';
      tokens: number;
    }
  | {
      kind: 'tool';
      /** the tool's name, as the prompt spelled it */
      name: string;
      /** the arguments as a JSON object text */
      arguments: string;
      input: { text: string };
      tokens: number;
    };

const TOOL = /\bcall tool ([A-Za-z0-9_-]{1,64})/;
const SAY = 'say:';

/** The text the model answers with, before any cap. */
export function answerText(userText: string): string {
  const at = userText.indexOf(SAY);
  if (at < 0) return `You said: ${userText}`;
  const rest = userText.slice(at + SAY.length);
  return rest.startsWith(' ') ? rest.slice(1) : rest;
}

/** The tool the text asks for, if any, with the rest of the text as its input. */
export function toolRequest(userText: string): { name: string; input: { text: string } } | undefined {
  const m = TOOL.exec(userText);
  if (!m) return undefined;
  return { name: m[1]!, input: { text: userText.slice(m.index + m[0].length).trim() } };
}

/**
 * The completion for a last user text. `tools` says whether the endpoint can return a
 * tool call (chat, responses, messages) or only text (completions, search).
 */
export function generate(userText: string, maxTokens: number | undefined, tools: boolean): Generation {
  const tool = tools ? toolRequest(userText) : undefined;
  if (tool) {
    const args = JSON.stringify(tool.input);
    return { kind: 'tool', name: tool.name, arguments: args, input: tool.input, tokens: countTokens(args) };
  }
  const cut = truncateToTokens(answerText(userText), maxTokens ?? DEFAULT_MAX_OUTPUT_TOKENS);
  return { kind: 'text', text: cut.text, finish: cut.truncated ? 'length' : 'stop', tokens: cut.tokens };
}

/** Splits text into pieces of `size` characters (code points, so a surrogate pair is never split). */
export function pieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** Prompt tokens of a chat: each message's text plus the per-message framing the chat format adds. */
export function chatPromptTokens(messageTexts: readonly string[]): number {
  let n = 3;
  for (const t of messageTexts) n += 3 + countTokens(t);
  return n;
}
