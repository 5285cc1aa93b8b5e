import type { INestApplicationContext } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/audit-log.service';
import type { KeyActor } from '../keys/lifecycle/key-change.transaction';
import { KeyImportService } from '../keys/lifecycle/key-import.service';
import { listKeys } from '../keys/http/key-listing';
import { KeyRotationService } from '../keys/lifecycle/key-rotation.service';
import { SigningKeyStore } from '../keys/store/signing-key.store';
import { UsersService } from '../users/users.service';
import { readKeyInput, readSecretLine } from './cli-input';
import { UsageError } from './usage.error';

type Out = (line: string) => void;

/** A command that runs inside the issuer's CLI application context (see issuer-context.command.ts). */
export interface ContextCommand {
  usage: string;
  run(app: INestApplicationContext, args: string[], actor: KeyActor, out: Out): Promise<void>;
}

/** Strict flags: an unknown one (say --password) is a usage error, never silently ignored. */
function flags<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length !== positionals) throw new UsageError(`expected ${positionals} argument(s)`);
    return parsed;
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

export const ISSUER_COMMANDS: Record<string, ContextCommand> = {
  'users:create': {
    usage: 'users:create <username> [--roles admin,user]   (password read from stdin, never from arguments)',
    async run(app, args, actor, out) {
      if (args.some((arg) => arg.startsWith('--password')))
        throw new UsageError('passwords are read from stdin, never from arguments (where ps and shell history keep them)');
      const { values, positionals } = flags(args, { roles: { type: 'string' } }, 1);
      const roles = (values.roles ?? 'user')
        .split(',')
        .map((role) => role.trim())
        .filter(Boolean);
      const password = await readSecretLine('password: ');
      const user = await app.get(UsersService).create(positionals[0], password, roles);
      await app.get(AuditLog).record('user_created', user.id, { username: user.username, roles: user.roles.join(' '), via: actor.via });
      out(`created user ${user.username} (${user.id}) with roles ${user.roles.join(', ')}`);
    },
  },
  'keys:list': {
    usage: 'keys:list [--json]',
    async run(app, args, _actor, out) {
      const { values } = flags(args, { json: { type: 'boolean' } });
      const keys = listKeys(await app.get(SigningKeyStore).findAll());
      if (values.json) return out(JSON.stringify({ keys }, null, 2));
      out(['kid', 'alg', 'state', 'origin', 'activate_after', 'activated_at', 'remove_after'].join('\t'));
      for (const k of keys)
        out([k.kid, k.alg, k.state, k.origin, k.activate_after ?? '-', k.activated_at ?? '-', k.remove_after ?? k.removed_at ?? '-'].join('\t'));
    },
  },
  'keys:rotate': {
    usage: 'keys:rotate   (the pre-published next key signs from now on)',
    async run(app, args, actor, out) {
      flags(args, {});
      const result = await app.get(KeyRotationService).rotateNow(actor);
      out(`rotated: ${result.kid} signs now (published ${result.published_seconds}s before); retired ${result.retired_kid ?? 'none'}`);
      if (!result.prepublished)
        out('note: published for less than JWKS_MAX_AGE + KEY_RELOAD_INTERVAL; verifiers without push refetch the JWKS on its first token');
    },
  },
  'keys:revoke': {
    usage: 'keys:revoke <kid>   (emergency: removes the key from the JWKS now and destroys its private key)',
    async run(app, args, actor, out) {
      const { positionals } = flags(args, {}, 1);
      const result = await app.get(KeyRotationService).revoke(positionals[0], actor);
      out(`revoked ${result.revoked}; ${result.kid} signs now`);
    },
  },
  'keys:import': {
    usage: 'keys:import --kid <kid> [--alg RS256|ES256|EdDSA] [--activate] [--file <path>]   (PEM or JWK on stdin unless --file)',
    async run(app, args, actor, out) {
      const { values } = flags(args, { kid: { type: 'string' }, alg: { type: 'string' }, activate: { type: 'boolean' }, file: { type: 'string' } });
      const key = await readKeyInput(values.file);
      const result = await app.get(KeyImportService).import({ kid: values.kid, alg: values.alg, key, activate: values.activate ?? false }, actor);
      out(`imported ${result.kid} (${result.alg}) as ${result.state}${result.activate_after ? `, signs from ${result.activate_after}` : ''}`);
    },
  },
};
