// Classification throughput of the whole built-in library.
// Run: npx tsx bench/classify.ts
//
// Builds 1 MB of mixed, realistic text (prose, source code, logs, JSON, with some
// secrets and PII sprinkled in), then prints the median of 5 full scans in MB/s, the
// median time to scan one 2 KB slice of it, and the time to scan the chat benchmark's
// 2 KB prose prompt (bench/fixtures/chat-prompt.txt).
//
// Texts are flat strings, as JSON.parse delivers a request's prompt: V8 reads
// characters of a sliced or concatenated string through an indirection, and code that
// has seen several representations runs slower on all of them.

import { readFileSync } from 'node:fs';
import { builtinLibrary } from '../src/runtime/classifiers/index.js';

/** A flat copy of `s` (what JSON.parse would produce for it). */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

let seed = 42;
function rand(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}
function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 10);
  return s;
}
/** A version-4-shaped UUID from the seeded generator, so the corpus is the same every run. */
function uuid(): string {
  const hex = () => Math.floor(rand() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-${pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
}
function alnum(n: number): string {
  const cs = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += cs[Math.floor(rand() * cs.length)];
  return s;
}

const WORDS =
  'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will more about can said two what up its into them than only other time new some could these may first then do any like my now over such our man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long here get both between life being under never day same another know while last might us great old year off come since against go came right used take three'.split(
    ' ',
  );

function prose(): string {
  const n = 8 + Math.floor(rand() * 20);
  const ws: string[] = [];
  for (let i = 0; i < n; i++) ws.push(pick(WORDS));
  let s = ws.join(' ');
  s = s[0]!.toUpperCase() + s.slice(1) + pick(['.', '.', '?', '!', ':']);
  if (rand() < 0.15) s += ` See section ${1 + Math.floor(rand() * 12)}.${Math.floor(rand() * 9)} (version ${Math.floor(rand() * 5)}.${Math.floor(rand() * 20)}.${Math.floor(rand() * 9)}).`;
  if (rand() < 0.1) s += ` Call us on ${pick(['+1 415 555 2671', '(212) 555-0147', '+44 20 7946 0958'])}.`;
  if (rand() < 0.1) s += ` Write to ${pick(['alice', 'bob.smith', 'ops+alerts'])}@${pick(['example.com', 'corp.example.org', 'mail.test.io'])}.`;
  return s;
}

function code(): string {
  const name = pick(['user', 'order', 'items', 'config', 'result', 'total', 'request']);
  return pick([
    `function ${name}Handler(req, res) {\n  const ${name} = await db.find({ id: req.params.id });\n  if (!${name}) return res.status(404).json({ error: "not found" });\n  return res.json(${name});\n}\n`,
    `for (let i = 0; i < ${name}.length; i++) {\n  total += ${name}[i].price * ${name}[i].qty; // ${pick(WORDS)} ${pick(WORDS)}\n}\n`,
    `def ${name}_view(request):\n    qs = ${name.charAt(0).toUpperCase() + name.slice(1)}.objects.filter(owner=request.user)[:50]\n    return render(request, "${name}.html", {"items": qs})\n`,
    `const API_URL = "https://api.example.com/v2/${name}s?page=${Math.floor(rand() * 100)}&limit=50";\n`,
    `std::vector<int> ${name}; ${name}.reserve(${Math.floor(rand() * 1000)}); std::sort(${name}.begin(), ${name}.end());\n`,
    `commit ${alnum(40).toLowerCase().replace(/[g-z]/g, 'a')}\nAuthor: Dev <dev@example.com>\n`,
  ]);
}

function log(): string {
  const ts = `2025-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}.${digits(3)}Z`;
  return `${ts} ${pick(['INFO', 'WARN', 'ERROR', 'DEBUG'])} [${pick(['api', 'worker', 'db', 'auth'])}] ${pick([
    `request id=${alnum(12)} path=/v1/chat/completions status=${pick([200, 201, 400, 429, 500])} latency_ms=${Math.floor(rand() * 900)}`,
    `connection from 10.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}:${1024 + Math.floor(rand() * 60000)} accepted`,
    `trace ${uuid()} span ${alnum(16).toLowerCase()} duration=${Math.floor(rand() * 100)}ms`,
    `order #${digits(10)} shipped, tracking ${digits(12)}`,
  ])}\n`;
}

function json(): string {
  return `${JSON.stringify({
    id: uuid(),
    user: { name: pick(['Ana', 'Li', 'Sam']), email: `${pick(['ana', 'li', 'sam'])}@example.com`, created: '2024-03-05T10:11:12Z' },
    items: [{ sku: `SKU-${digits(6)}`, qty: Math.floor(rand() * 5), price: Math.floor(rand() * 10000) / 100 }],
    etag: alnum(32).toLowerCase().replace(/[g-z]/g, 'f'),
  })}\n`;
}

function secret(): string {
  return pick([
    `aws_access_key_id = AKIA${alnum(16).toUpperCase().replace(/[0189]/g, 'Q')}\n`,
    `export GITHUB_TOKEN=ghp_${alnum(36)}\n`,
    `card on file: 4111 1111 1111 1111, exp 12/27\n`,
    `SSN 219-09-9998 for the applicant\n`,
    `Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${alnum(43)}\n`,
    `api_key = "${alnum(32)}"\n`,
    `IBAN: GB82 WEST 1234 5698 7654 32\n`,
  ]);
}

function document(size: number): string {
  const parts: string[] = [];
  let n = 0;
  while (n < size) {
    const r = rand();
    const p = r < 0.45 ? prose() + ' ' : r < 0.65 ? code() : r < 0.82 ? log() : r < 0.97 ? json() : secret();
    parts.push(p);
    n += p.length;
  }
  return parts.join('').slice(0, size);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall-clock and CPU milliseconds of `f` (CPU time is steadier on a busy machine). */
function time(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

const lib = builtinLibrary();
const text = flat(document(1 << 20));

// warm up: build the DFA states the text needs
lib.scan(text);

const wall: number[] = [];
const cpu: number[] = [];
let found = 0;
for (let r = 0; r < 5; r++) {
  const t = time(() => (found = lib.scan(text).length));
  wall.push(t.wall);
  cpu.push(t.cpu);
}
console.log(`built-in library: ${lib.names().length} classifiers`);
console.log(
  `1 MB mixed text: ${(1000 / median(wall)).toFixed(1)} MB/s wall (${(1000 / median(cpu)).toFixed(1)} MB/s CPU), median of 5, ${found} matches`,
);

/**
 * Microseconds per call of `f` over `items`, wall and CPU: median of 5 rounds, each
 * repeating the items until it has run 100 ms (CPU time is accounted in clock ticks,
 * so a shorter round would be mostly rounding).
 */
function perScan(items: readonly string[], f: (s: string) => unknown): { wall: number; cpu: number } {
  for (const s of items) f(s);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const t = time(() => {
      const t0 = performance.now();
      do {
        for (const s of items) f(s);
        calls += items.length;
      } while (performance.now() - t0 < 100);
    });
    wall.push((t.wall * 1000) / calls);
    cpu.push((t.cpu * 1000) / calls);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

// 2 KB prompts: distinct slices of the same text
const prompts: string[] = [];
for (let i = 0; i < 400; i++) prompts.push(flat(text.slice(i * 2048, (i + 1) * 2048)));
const p = perScan(prompts, (s) => lib.scan(s));
console.log(`2 KB prompt: ${p.wall.toFixed(1)} µs wall (${p.cpu.toFixed(1)} µs CPU) per scan, median of 5 rounds over ${prompts.length} prompts`);

// A policy that asks only for secrets with literal anchors (`-----BEGIN`, `eyJ`,
// `sk-`, `AIza`): the prefilter skips text far from those literals.
const literalOnly = ['secret.private_key', 'secret.jwt', 'secret.openai_api_key', 'secret.google_api_key'];
const l = perScan(prompts, (s) => lib.scan(s, literalOnly));
console.log(`2 KB prompt, ${literalOnly.length} literal-anchored secrets only: ${l.wall.toFixed(1)} µs wall (${l.cpu.toFixed(1)} µs CPU) per scan`);

// The chat benchmark's prompt: prose with one email address, the common case.
const chat = flat(readFileSync(new URL('./fixtures/chat-prompt.txt', import.meta.url), 'utf8'));
const c = perScan([chat], (s) => lib.scan(s));
console.log(
  `2 KB prose prompt (chat-prompt.txt, ${chat.length} chars): ${c.wall.toFixed(1)} µs wall (${c.cpu.toFixed(1)} µs CPU) per scan, ${lib.scan(chat).length} match`,
);
