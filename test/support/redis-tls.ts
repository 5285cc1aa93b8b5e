import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM files of a throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/**
 * Makes a CA and a server certificate with `openssl` into `dir` (a test's temp dir), valid one day.
 * Generated at run time: no key material lives in the repository.
 */
export async function makeTlsFiles(dir: string, name = 'redis'): Promise<TlsFiles> {
  const path = (file: string) => join(dir, `${name}-${file}`);
  const files = { ca: path('ca.crt'), cert: path('server.crt'), key: path('server.key') };
  const openssl = (...args: string[]) => run('openssl', args, { timeout: 20_000 });
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('ca.key'), '-out', files.ca, '-days', '1', '-subj', `/CN=${name} test CA`);
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', files.key, '-out', path('server.csr'), '-subj', '/CN=127.0.0.1');
  await writeFile(path('ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    files.ca,
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-out',
    files.cert,
    '-days',
    '1',
    '-extfile',
    path('ext'),
  );
  return files;
}
