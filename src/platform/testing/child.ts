import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

export interface ChildPlatform {
  readonly process: ChildProcess;
  readonly ports: { http: number; https?: number; mqtt: number; mqtts?: number };
  readonly stderr: () => string;
}

/** Runs `twinworks start` as a real child process and waits for its "platform ready" log line. */
export async function spawnPlatform(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<ChildPlatform> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ports = await new Promise<ChildPlatform['ports']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not become ready in ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code} before it was ready; stderr:\n${err}`));
    });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; ports?: ChildPlatform['ports'] };
        if (entry.msg === 'platform ready' && entry.ports) {
          clearTimeout(timer);
          resolve(entry.ports);
        }
      } catch {
        // not a log line
      }
    });
  });
  return { process: child, ports, stderr: () => err };
}

export function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
