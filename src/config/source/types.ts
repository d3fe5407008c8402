/** A configuration file parsed to plain data, with a way back from a key path to `file:line:col`. */
export interface ConfigSource {
  file: string;
  data: unknown;
  /** `file:line:col` of the key at `path` (or of its closest existing parent), if known. */
  locate: (path: readonly string[]) => string | undefined;
}
