// The benchmark's target in a process of its own: the fan-out workload's shards keep this process's
// event loop busy, and a target sharing that loop stamps arrivals late and bunched after each stall
// (a 1 s window then counts more requests than were sent in any second). The child runs the same
// target server (target-server.ts) over the docs' plans and answers stats and reset over IPC.
import { type ChildProcess, fork } from 'node:child_process';
import { planDocs } from './doc-plan.js';
import { buildRoutes } from './routes.js';
import { maxInWindow, startTargetServer, type TargetStats } from './target-server.js';

/** Set in the child's environment: `{ docsDir, latencyMs }`; bench.ts serves the target instead of benching. */
export const TARGET_CHILD_ENV = 'VERIFIER_BENCH_TARGET_CHILD';

interface Spec {
  readonly docsDir: string;
  readonly latencyMs: number;
}
type Request = { readonly id: number; readonly op: 'stats' | 'reset' | 'close' };

export interface TargetProcess {
  readonly baseUrl: string;
  readonly fallbackUrl: string;
  readonly partnersUrl: string;
  stats(): Promise<TargetStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the target in a child process over the docs under `docsDir`. By default the child is this
 * script again (bench.ts serves the target when TARGET_CHILD_ENV is set); tests, which run from
 * TypeScript, fork target-child.ts through tsx instead.
 */
export async function startTargetProcess(
  docsDir: string,
  latencyMs: number,
  how: { readonly script?: string; readonly execArgv?: string[] } = {},
): Promise<TargetProcess> {
  const script = how.script ?? process.argv[1];
  if (!script) throw new Error('bench: cannot find its own script to start the target process');
  const child: ChildProcess = fork(script, [], {
    env: { ...process.env, [TARGET_CHILD_ENV]: JSON.stringify({ docsDir, latencyMs } satisfies Spec) },
    execArgv: how.execArgv ?? [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  const ready = new Promise<{ baseUrl: string; fallbackUrl: string; partnersUrl: string }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`bench: the target process exited (${code})`)));
      child.on(
        'message',
        (m: { id?: number; ready?: { baseUrl: string; fallbackUrl: string; partnersUrl: string } }) => {
          if (m.ready) resolve(m.ready);
          else if (m.id !== undefined) waiting.get(m.id)?.(m);
        },
      );
    },
  );
  const ask = (op: Request['op']) =>
    new Promise<unknown>((resolve) => {
      const id = next++;
      waiting.set(id, (v) => {
        waiting.delete(id);
        resolve(v);
      });
      child.send({ id, op } satisfies Request);
    });
  const urls = await ready;
  return {
    ...urls,
    async stats() {
      const s = (await ask('stats')) as {
        requests: number;
        unmatched: number;
        literalBraces: number;
        times: number[];
      };
      return {
        requests: s.requests,
        unmatched: s.unmatched,
        literalBraces: s.literalBraces,
        firstAt: s.times[0],
        lastAt: s.times.at(-1),
        maxInWindow: (windowMs = 1000) => maxInWindow(s.times, windowMs),
      };
    },
    reset: async () => void (await ask('reset')),
    async close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ id: next++, op: 'close' } satisfies Request);
      await exited;
    },
  };
}

/** The child's side: the target server, its arrival times sent on request. */
export async function serveTargetChild(specText: string): Promise<void> {
  const spec = JSON.parse(specText) as Spec;
  const server = await startTargetServer({
    latencyMs: spec.latencyMs,
    routes: buildRoutes(await planDocs(spec.docsDir)),
  });
  process.on('message', async (m: Request) => {
    if (m.op === 'stats') {
      const s = server.stats();
      process.send?.({
        id: m.id,
        requests: s.requests,
        unmatched: s.unmatched,
        literalBraces: s.literalBraces,
        times: s.arrivals ?? [],
      });
    } else if (m.op === 'reset') {
      server.reset();
      process.send?.({ id: m.id });
    } else {
      await server.close();
      process.exit(0);
    }
  });
  process.send?.({
    ready: { baseUrl: server.baseUrl, fallbackUrl: server.fallbackUrl, partnersUrl: server.partnersUrl },
  });
}
