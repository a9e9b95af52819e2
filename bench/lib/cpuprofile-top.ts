/** Top self-time and inclusive-time entries of a V8 .cpuprofile (from `node --cpu-prof`), by function
 * and file:line, and self time summed per file (node_modules folded to the package). */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const file = process.argv[2];
if (!file) throw new Error('usage: cpuprofile-top.ts <file.cpuprofile> [top]');
const TOP = Number(process.argv[3] ?? 30);
const prof = JSON.parse(readFileSync(file, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
};
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfCount = new Map<number, number>();
prof.samples.forEach((s, i) => selfCount.set(s, (selfCount.get(s) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const total = [...selfCount.values()].reduce((a, b) => a + b, 0);
const short = (url: string) => {
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return `npm:${m[1]}`;
  return url.replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/').replace(/^node:/, 'node:');
};
const key = (n: Node) =>
  `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}${n.callFrame.url ? ':' + (n.callFrame.lineNumber + 1) : ''}`;
const self = new Map<string, number>();
const incl = new Map<string, number>();
const perFile = new Map<string, number>();
for (const [id, t] of selfCount) {
  const n = byId.get(id)!;
  self.set(key(n), (self.get(key(n)) ?? 0) + t);
  const f = short(n.callFrame.url) || n.callFrame.functionName;
  perFile.set(f, (perFile.get(f) ?? 0) + t);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + t);
  }
}
const pct = (t: number) => ((100 * t) / total).toFixed(1).padStart(5) + ' %';
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${pct(t)}  ${k}`);
};
console.log(`profile ${file}: ${(total / 1e6).toFixed(2)} s sampled`);
print('self time by function', self);
print('self time by file / package', perFile);
print('inclusive time by function', incl);

// `--under name` (argv[4]): inclusive time of each direct callee of the frames named `name`.
const under = process.argv[4];
if (under) {
  const callees = new Map<string, number>();
  for (const [id, t] of selfCount) {
    const stack: number[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(cur);
    const i = stack.findIndex((s) => byId.get(s)!.callFrame.functionName === under);
    if (i < 0) continue;
    const k = i === 0 ? '(self)' : key(byId.get(stack[i - 1]!)!);
    callees.set(k, (callees.get(k) ?? 0) + t);
  }
  print(`callees of ${under} (inclusive)`, callees);
}

// Inclusive time per source folder (src/<dir>, or npm package): a sample counts once per folder on its stack.
const perDir = new Map<string, number>();
for (const [id, t] of selfCount) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = short(byId.get(cur)!.callFrame.url);
    const m = f.match(/^(src\/[^/]+(?:\/(?:simulated|replay|view|features))?)|^(npm:.+)/);
    if (m) seen.add(m[1] ?? m[2]!);
  }
  for (const d of seen) perDir.set(d, (perDir.get(d) ?? 0) + t);
}
print('inclusive time by folder / package', perDir);

// `--callers name` (argv[5]): inclusive time of `name` split by the first caller outside its package/file.
const callersOf = process.argv[5];
if (callersOf) {
  const callers = new Map<string, number>();
  for (const [id, t] of selfCount) {
    const stack: number[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(cur);
    const i = stack.findIndex(
      (s) => byId.get(s)!.callFrame.functionName === callersOf || short(byId.get(s)!.callFrame.url) === callersOf,
    );
    if (i < 0) continue;
    const own = short(byId.get(stack[i]!)!.callFrame.url);
    const j = stack.findIndex((s, k) => k > i && short(byId.get(s)!.callFrame.url) !== own);
    const k = j < 0 ? '(top)' : key(byId.get(stack[j]!)!);
    callers.set(k, (callers.get(k) ?? 0) + t);
  }
  print(`callers of ${callersOf} (inclusive, first frame outside its file/package)`, callers);
}
