/**
 * Why `name` cannot name a router, service or middleware, or undefined when it can: providers
 * qualify names as `name@provider`, so a name that already holds an "@" (or is empty) would be
 * read as another provider's object.
 */
export function invalidObjectName(name: string): string | undefined {
  if (name !== '' && !name.includes('@')) return undefined;
  return `"${name}" is not a valid name: names may not be empty or contain "@" (it is added when qualifying by provider)`;
}
