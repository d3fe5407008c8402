/**
 * `true` when every key of `Type` is also a key of `Schema` (a zod output type); otherwise the
 * missing keys, so that assigning `true` fails to compile and names them.
 */
export type Covers<Schema, Type> = [Exclude<keyof Type, keyof Schema>] extends [never]
  ? true
  : Exclude<keyof Type, keyof Schema>;

/** `true` when what a schema produces can be used as `Type`. */
export type Fits<Output, Type> = Output extends Type ? true : never;
