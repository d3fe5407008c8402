import { loadStaticConfig } from '../config/static/index.js';
import { logger, setLogLevel } from '../observability/logger.js';
import { takeConfigFile } from './args.js';
import { assemble } from './assemble.js';

const HELP = `Usage: portier [run] [-c FILE] [--<static.key>=VALUE…]

Runs the proxy in the foreground until SIGTERM or SIGINT, then drains in-flight requests
(entryPoints.<name>.transport.lifeCycle.graceTimeOut, default 10s) and exits. SIGUSR1 reopens
log.filePath and accessLog.filePath, after logrotate moved them.

  -c, --configFile=FILE   Static configuration (TOML or YAML, Traefik v3 or v1 format)
  --<key.path>=VALUE      Override any static key, e.g. --entryPoints.web.address=:8000
`;

export async function runProxy(args: string[]): Promise<number> {
  const { configFile, rest, help } = takeConfigFile(args);
  if (help) {
    console.log(HELP);
    return 0;
  }
  const { config, errors, warnings } = loadStaticConfig({ configFile, args: rest, env: process.env });
  setLogLevel(process.env.PORTIER_LOG_LEVEL ?? config.log?.level);
  for (const warning of warnings) logger.warn(warning);
  if (errors.length > 0) {
    for (const error of errors) console.error(`portier: ${error.describe()}`);
    console.error(`portier: ${errors.length} error(s) in the static configuration; nothing was started`);
    return 1;
  }
  const { portier, close, reopenLogs } = assemble(config);
  process.on('SIGUSR1', () => {
    logger.info('SIGUSR1: reopening the log files');
    reopenLogs();
  });
  await portier.start();
  logger.info(
    {
      entryPoints: Object.fromEntries(
        [...portier.entryPoints, ...portier.udpEntryPoints].map(([name, ep]) => [name, ep.port]),
      ),
    },
    'portier started',
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down: draining in-flight requests');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await close();
  logger.info('stopped');
  logger.flush();
  return 0;
}
