/**
 * Traefik's name normalisation: every run of characters that are neither letters nor digits
 * becomes one `-`, and leading or trailing ones vanish (`/my_app` → `my-app`).
 */
export function normalize(name: string): string {
  return name
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join('-');
}
