import { ConfigError } from '../config/errors.js';
import { version } from './version.js';

// Commands are imported when chosen: `portier version` should not load the whole proxy.
const runProxy = async (args: string[]) => (await import('./run.js')).runProxy(args);
const runCheck = async (args: string[]) => (await import('./check.js')).runCheck(args);

const HELP = `Usage: portier [command] [options]

Dynamic reverse proxy, API gateway and function runtime. Reads Traefik v3 and v1 configuration.

Commands:
  (none), run     Run the proxy in the foreground
  check           Validate a static configuration, its dynamic files and its KV providers
  functions       Deploy, list, invoke and develop functions (portier functions --help)
  kv              Edit the embedded KV store: put, get, ls, rm (portier kv --help)
  version         Print the version

Options:
  -c, --configFile=FILE   Static configuration file (TOML or YAML; Traefik v3 or v1 format)
  --<key.path>=VALUE      Any static configuration key, e.g. --entryPoints.web.address=:8000
  -h, --help              Show help for a command

Environment:
  PORTIER_<KEY_PATH>=VALUE   Any static key, e.g. PORTIER_ENTRYPOINTS_WEB_ADDRESS=:8000
                             (TRAEFIK_ prefixed variables are read too)
`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  switch (first) {
    case 'version':
    case '--version':
      console.log(`portier ${version} (node ${process.version})`);
      return 0;
    case 'help':
    case '-h':
    case '--help':
      console.log(HELP);
      return 0;
    case 'check':
      return runCheck(rest);
    case 'functions': {
      const { runFunctionsCommand } = await import('./functions.js');
      return runFunctionsCommand(rest);
    }
    case 'kv': {
      const { runKvCommand } = await import('./kv.js');
      return runKvCommand(rest);
    }
    case 'run':
      return runProxy(rest);
    default:
      if (first && !first.startsWith('-')) {
        console.error(`portier: unknown command "${first}"; see portier --help`);
        return 2;
      }
      return runProxy(argv);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A configuration error found while starting names its key, as `portier check` does.
    const text =
      error instanceof ConfigError ? error.describe() : error instanceof Error ? error.message : String(error);
    console.error(`portier: ${text}`);
    process.exitCode = 1;
  },
);
