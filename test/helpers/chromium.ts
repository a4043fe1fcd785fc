import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Drives Debian's headless `chromium` over the DevTools protocol on a pipe (fds 3 and 4, no port):
 * enough of CDP to load a page, collect console errors, exceptions and network requests, evaluate
 * expressions and take a screenshot. No browser is downloaded; without `chromium` on PATH the
 * caller skips.
 */

export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}

export interface Problem {
  kind: 'console' | 'exception' | 'log';
  text: string;
}

export interface Page {
  /** Console errors, uncaught exceptions and browser log errors since the last navigation. */
  problems: Problem[];
  /** URLs requested since the last navigation, the page's own included. */
  requests: string[];
  navigate(url: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  /** The page at this width, down to `maxHeight` pixels. */
  screenshot(width: number, maxHeight?: number): Promise<Buffer>;
  setScriptsDisabled(disabled: boolean): Promise<void>;
  close(): Promise<void>;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export async function openPage(binary: string): Promise<Page> {
  const profile = mkdtempSync(path.join(tmpdir(), 'wma-chromium-'));
  const child: ChildProcess = spawn(
    binary,
    ['--headless', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-extensions', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  const listeners: ((message: Message) => void)[] = [];
  let buffered = Buffer.alloc(0);
  output.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
      const message = JSON.parse(buffered.subarray(0, end).toString('utf8')) as Message;
      buffered = buffered.subarray(end + 1);
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result ?? {});
      } else for (const listener of listeners) listener(message);
    }
  });
  const gone = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const exited = gone.then((): never => {
    throw new Error(`chromium exited (${child.exitCode}): ${stderr}`);
  });
  exited.catch(() => undefined);
  let nextId = 1;
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    const id = nextId++;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
    input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return Promise.race([reply, exited, timeout(30_000, method)]);
  };

  const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
  const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
  const call = (method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> => send(method, params, sessionId);
  const page: Page = {
    problems: [],
    requests: [],
    async navigate(url) {
      page.problems = [];
      page.requests = [];
      const loaded = new Promise<void>((resolve) => {
        const listener = (message: Message): void => {
          if (message.sessionId === sessionId && message.method === 'Page.loadEventFired') {
            listeners.splice(listeners.indexOf(listener), 1);
            resolve();
          }
        };
        listeners.push(listener);
      });
      await call('Page.navigate', { url });
      await Promise.race([loaded, exited, timeout(30_000, `loading ${url}`)]);
    },
    async evaluate<T>(expression: string): Promise<T> {
      const reply = (await call('Runtime.evaluate', { expression, returnByValue: true })) as { result: { value: T }; exceptionDetails?: { text: string } };
      if (reply.exceptionDetails) throw new Error(`${expression}: ${reply.exceptionDetails.text}`);
      return reply.result.value;
    },
    async screenshot(width, maxHeight = 4000) {
      await call('Emulation.setScrollbarsHidden', { hidden: true });
      await call('Emulation.setDeviceMetricsOverride', { width, height: 800, deviceScaleFactor: 1, mobile: false });
      const height = await page.evaluate<number>('document.documentElement.scrollHeight');
      await call('Emulation.setDeviceMetricsOverride', { width, height: Math.min(height, maxHeight), deviceScaleFactor: 1, mobile: false });
      const { data } = (await call('Page.captureScreenshot', { format: 'png' })) as { data: string };
      return Buffer.from(data, 'base64');
    },
    async setScriptsDisabled(disabled) {
      await call('Emulation.setScriptExecutionDisabled', { value: disabled });
    },
    async close() {
      try {
        await send('Browser.close');
      } catch {
        // Already gone: nothing to close.
      }
      // The profile can be removed only once the browser has stopped writing to it.
      const stopped = Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      child.kill();
      await stopped;
      // Chromium's helper processes (crashpad, a zygote) can outlive the browser and still write a
      // file or two into the profile: try again once they have had time to go, and never let a
      // leftover temporary folder fail the test that used the browser.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
  };
  listeners.push((message) => {
    if (message.sessionId !== sessionId || !message.params) return;
    const params = message.params as Record<string, any>;
    if (message.method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) {
      page.problems.push({ kind: 'console', text: (params.args ?? []).map((arg: { value?: unknown; description?: string }) => String(arg.value ?? arg.description)).join(' ') });
    } else if (message.method === 'Runtime.exceptionThrown') {
      page.problems.push({ kind: 'exception', text: String(params.exceptionDetails?.exception?.description ?? params.exceptionDetails?.text) });
    } else if (message.method === 'Log.entryAdded' && params.entry?.level === 'error') {
      page.problems.push({ kind: 'log', text: `${params.entry.text} ${params.entry.url ?? ''}` });
    } else if (message.method === 'Network.requestWillBeSent') {
      page.requests.push(String(params.request?.url));
    }
  });
  await Promise.all([call('Page.enable'), call('Runtime.enable'), call('Log.enable'), call('Network.enable')]);
  return page;
}

function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`chromium: no answer to ${what} within ${ms} ms`)), ms);
    timer.unref();
  });
}
