import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstBlockedParent } from './path-access';

describe('firstBlockedParent', () => {
  let base: string;
  const other = { name: 'other', uid: 54321, gid: 54321 };

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'path-access-'));
    chmodSync(base, 0o755);
    mkdirSync(join(base, 'open', 'deep'), { recursive: true, mode: 0o755 });
    mkdirSync(join(base, 'closed', 'deep'), { recursive: true, mode: 0o755 });
    chmodSync(join(base, 'closed'), 0o700);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it.each([
    ['every parent open', 'open/deep/data', undefined],
    ['a 700 parent owned by someone else', 'closed/deep/data', 'closed'],
    ['a parent not created yet', 'open/missing/data', undefined],
  ])('%s', (_case, path, blocked) => {
    expect(firstBlockedParent(join(base, path), other)).toBe(blocked && join(base, blocked));
  });

  it('lets the owner of a 700 directory through', () => {
    const owner = { name: 'me', uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    expect(firstBlockedParent(join(base, 'closed', 'deep', 'data'), owner)).toBeUndefined();
  });
});
