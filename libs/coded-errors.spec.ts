import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every error the product throws carries a code from the closed ErrorCode union: so no production file in
 * apps/ or libs/ throws a bare Error, and every error class extends AppError (in @app/platform).
 */
const root = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    // *.script.ts files run in the browser (the operator console), where the union and AppError do not exist.
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.script.ts') ? [relative(root, path)] : [];
  });
}

describe('coded errors', () => {
  const files = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))];
  const matching = (pattern: RegExp) => files.filter((file) => pattern.test(readFileSync(join(root, file), 'utf8')));

  it('found the code it checks', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  it('no production code throws a bare Error', () => {
    expect(matching(/throw new (Type|Range|Syntax)?Error\(/)).toEqual([]);
  });

  it('every error class extends AppError', () => {
    expect(matching(/class \w+ extends (Type|Range|Syntax)?Error\b/).filter((file) => file !== 'libs/platform/src/app-error.ts')).toEqual([]);
  });
});
