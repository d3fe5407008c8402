import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DEPLOY = resolve(import.meta.dirname, '../../deploy');

export interface BuiltImage {
  tag: string;
  /** Time the build script took: well under a second when the content hash matched. */
  ms: number;
}

/**
 * The images the Swarm stack runs, built FROM scratch on this machine (there is no registry):
 * `portier:local` from dist/ and the production modules, `portier-redis:local` from Debian's
 * redis-server. Each script labels its image with a hash of its inputs and skips the build when
 * the tag already carries it, so both images stay cached between runs.
 */
export async function stackImages(): Promise<{ portier: BuiltImage; redis: BuiltImage }> {
  const [portier, redis] = await Promise.all([buildWith('build-image.sh'), buildWith('build-redis-image.sh')]);
  return { portier, redis };
}

async function buildWith(script: string): Promise<BuiltImage> {
  const started = Date.now();
  const { stdout } = await run('bash', [resolve(DEPLOY, script)], { maxBuffer: 16 * 1024 * 1024 });
  return { tag: stdout.trim().split('\n').pop()!, ms: Date.now() - started };
}
