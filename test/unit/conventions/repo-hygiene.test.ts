// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** True when git ignores `path` (exit 0 of `git check-ignore`; the file need not exist). */
function ignored(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', '--no-index', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('secrets stay out of git', () => {
  it.each(['.env', '.env.local', '.env.production', '.env.test.local', '.env.development'])('%s is ignored', (path) => {
    expect(ignored(path)).toBe(true);
  });

  it('.env.example (the template, no values) is tracked', () => {
    expect(ignored('.env.example')).toBe(false);
  });
});

describe('package.json scripts', () => {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

  it.each(Object.entries(scripts))('%s names only files that exist', (_name, command) => {
    const files = command.match(/(?:test|lib|entrypoints)\/[\w./-]+\.(?:ts|sh|js)\b/g) ?? [];
    for (const file of files) expect(existsSync(file), `${file} is missing`).toBe(true);
  });
});
