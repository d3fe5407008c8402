import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validateDynamicConfig } from '../../config/dynamic/index.js';
import {
  emptyDynamicConfig,
  type DynamicConfig,
  type HttpConfig,
  type TcpConfig,
  type UdpConfig,
  type TlsConfig,
} from '../../config/dynamic/types.js';
import { ConfigError } from '../../config/errors.js';
import type { Locate } from '../../config/schema/parse-located.js';
import { parseConfigText } from '../../config/source/index.js';
import type { ObjectKind, ProviderIssue, ProviderSnapshot } from '../types.js';

interface FileState {
  hash: string;
  /** The last content that parsed, validated: kept while the file is broken. */
  good?: { config: DynamicConfig; issues: ProviderIssue[]; locate: Locate };
  /** Why the current content cannot be read, if it cannot. */
  problem?: ProviderIssue;
}

const KINDS: [keyof HttpConfig, ObjectKind | 'consumer' | 'serversTransport'][] = [
  ['routers', 'router'],
  ['services', 'service'],
  ['middlewares', 'middleware'],
  ['consumers', 'consumer'],
  ['serversTransports', 'serversTransport'],
];

/**
 * The dynamic configuration files of one provider, each remembered with its content hash and its
 * last good version. A file that stops parsing keeps serving what it last said.
 */
export class FileSet {
  private states = new Map<string, FileState>();

  /** Re-reads `files` (unchanged contents are skipped by hash); files not listed are forgotten. */
  refresh(files: readonly string[]): void {
    for (const file of files) this.refreshFile(file);
    // Kept in the listing's order, so which duplicate wins does not depend on when a file appeared.
    this.states = new Map(
      files.flatMap((file) => {
        const state = this.states.get(file);
        return state ? [[file, state] as const] : [];
      }),
    );
  }

  /** The merged configuration of all files: the first file (in sorted order) wins a duplicate. */
  snapshot(extraIssues: ProviderIssue[] = []): ProviderSnapshot {
    const config = emptyDynamicConfig();
    const issues = [...extraIssues];
    const definedIn = new Map<string, string>();
    for (const [file, state] of this.states) {
      if (state.problem) issues.push(state.problem);
      if (!state.good) continue;
      issues.push(...state.good.issues);
      mergeTls(config, state.good.config.tls);
      mergeTcp(config, state.good.config.tcp);
      mergeUdp(config, state.good.config.udp);
      for (const [section, kind] of KINDS) {
        const objects = state.good.config.http[section];
        if (!objects) continue;
        const target = (config.http[section] ??= {}) as Record<string, unknown>;
        for (const [name, object] of Object.entries(objects)) {
          const id = `${section}.${name}`;
          const first = definedIn.get(id);
          if (first === undefined) {
            definedIn.set(id, file);
            target[name] = object;
            continue;
          }
          issues.push({
            message: `${kind} "${name}" is defined in both ${first} and ${file}; the one in ${first} is used: rename or remove one of them`,
            key: `http.${id}`,
            location: state.good.locate(['http', section, name]),
          });
        }
      }
    }
    return { config, issues };
  }

  private refreshFile(file: string): void {
    const previous = this.states.get(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.states.delete(file);
        return;
      }
      this.states.set(file, {
        hash: '',
        good: previous?.good,
        problem: this.problem(`cannot read: ${String(error)}`, file, previous),
      });
      return;
    }
    const hash = createHash('sha256').update(text).digest('hex');
    if (previous?.hash === hash) return;
    try {
      const source = parseConfigText(text, file);
      const validation = validateDynamicConfig(source.data, { location: source.locate });
      this.states.set(file, { hash, good: { ...validation, locate: source.locate } });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.states.set(file, {
        hash,
        good: previous?.good,
        problem: this.problem(error.message, error.location ?? file, previous),
      });
    }
  }

  private problem(message: string, location: string, previous: FileState | undefined): ProviderIssue {
    const kept = previous?.good ? '; its last good version is still served' : '';
    return { message: `${message}${kept}`, location };
  }
}

/** Certificates of every file add up; options and stores by name, the first file winning. */
function mergeTls(config: DynamicConfig, tls: TlsConfig | undefined): void {
  if (!tls) return;
  const target = (config.tls ??= {});
  if (tls.certificates) (target.certificates ??= []).push(...tls.certificates);
  if (tls.options) target.options = { ...tls.options, ...target.options };
  if (tls.stores) target.stores = { ...tls.stores, ...target.stores };
}

/** TCP routers and services by name, the first file winning. */
function mergeTcp(config: DynamicConfig, tcp: TcpConfig | undefined): void {
  if (!tcp) return;
  const target = (config.tcp ??= {});
  target.routers = { ...tcp.routers, ...target.routers };
  target.services = { ...tcp.services, ...target.services };
  target.middlewares = { ...tcp.middlewares, ...target.middlewares };
}

/** UDP routers and services by name, the first file winning. */
function mergeUdp(config: DynamicConfig, udp: UdpConfig | undefined): void {
  if (!udp) return;
  const target = (config.udp ??= {});
  target.routers = { ...udp.routers, ...target.routers };
  target.services = { ...udp.services, ...target.services };
}
