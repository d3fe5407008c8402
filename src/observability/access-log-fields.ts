import type { StaticConfig } from '../config/static/types.js';

type FieldsConfig = NonNullable<NonNullable<StaticConfig['accessLog']>['fields']>;
export type HeaderMode = 'keep' | 'drop' | 'redact';

/**
 * Traefik's `accessLog.fields` rules, resolved once: which named fields are kept, and for each
 * header whether it is kept, dropped or redacted. Fields are kept and headers dropped by default,
 * so credentials never reach the log unless asked for.
 */
export class FieldFilter {
  private readonly fieldDefault: boolean;
  private readonly fieldModes: Map<string, boolean>;
  private readonly headerDefault: HeaderMode;
  private readonly headerModes: Map<string, HeaderMode>;

  constructor(fields: FieldsConfig | undefined) {
    this.fieldDefault = (fields?.defaultMode ?? 'keep') === 'keep';
    this.fieldModes = new Map(Object.entries(fields?.names ?? {}).map(([name, mode]) => [name, mode === 'keep']));
    this.headerDefault = fields?.headers?.defaultMode ?? 'drop';
    this.headerModes = new Map(
      Object.entries(fields?.headers?.names ?? {}).map(([name, mode]) => [name.toLowerCase(), mode]),
    );
  }

  keeps(field: string): boolean {
    return this.fieldModes.get(field) ?? this.fieldDefault;
  }

  /** Whether any header can appear at all, so requests skip the header walk when none can. */
  get anyHeader(): boolean {
    return this.headerDefault !== 'drop' || [...this.headerModes.values()].some((mode) => mode !== 'drop');
  }

  /**
   * For one header name, resolved once: the value to log, or undefined to leave the header out
   * (dropped, or not sent).
   */
  headerRule(name: string): (value: string | undefined) => string | undefined {
    const mode = this.headerModes.get(name.toLowerCase()) ?? this.headerDefault;
    if (mode === 'drop') return () => undefined;
    if (mode === 'redact') return (value) => (value === undefined ? undefined : 'REDACTED');
    return (value) => value;
  }
}

/** `content-type` → `Content-Type`, the way Traefik names header fields (`request_Content-Type`). */
export function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
