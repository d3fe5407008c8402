/**
 * Errors about configuration: they always name the offending key or value and say how to fix it.
 * `location` is `file:line:column` when the source is a file, or the label / KV key it came from.
 */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly key?: string,
    readonly location?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }

  /** One line for logs and `portier check`: `location: key: message`. */
  describe(): string {
    return [this.location, this.key, this.message].filter(Boolean).join(': ');
  }
}
