/**
 * A reference as the configuration writes it, and so as Traefik's API shows it (`whoami`,
 * `auth@docker`): a bare name belongs to the referring object's provider. Links and lookups need
 * the qualified name, the one the object is listed under. A router waiting for its service has
 * none (''), and stays without one.
 */
export function qualified(name: string, provider: string): string {
  return name === '' || name.includes('@') ? name : `${name}@${provider}`;
}
