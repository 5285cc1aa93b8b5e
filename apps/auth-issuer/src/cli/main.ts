import 'reflect-metadata';
import { clientsCreate } from './clients-create.command';

type Command = (args: string[], env: NodeJS.ProcessEnv) => Promise<number>;

/** Operator commands: `node dist/apps/auth-issuer/src/cli/main.js <command> [args]`. */
const COMMANDS: Record<string, Command> = {
  'clients:create': clientsCreate,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`usage: main.js <${Object.keys(COMMANDS).join('|')}> [args]\n`);
    return 2;
  }
  return command(args, process.env);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
