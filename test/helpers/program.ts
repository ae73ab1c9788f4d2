/** Runs the real `srx5k` program (compiled, as users run it). */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'srx5k.js');

export interface ProgramResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runProgram(args: readonly string[], stdin: string): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The output lines that follow one echoed command line in a transcript. */
export function outputOf(transcript: string, commandLine: string, occurrence = 0): string[] {
  const lines = transcript.replace(/\n$/, '').split('\n');
  let seen = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === commandLine && ++seen === occurrence) {
      const out: string[] = [];
      for (let j = i + 1; j < lines.length; j++) {
        if (/^root@[\w.-]+[>#] /.test(lines[j]!) || (lines[j] === '' && lines[j + 1]?.startsWith('[edit'))) break;
        out.push(lines[j]!);
      }
      return out;
    }
  }
  throw new Error(`'${commandLine}' not found in transcript:\n${transcript}`);
}
