import { ConfigError } from '../config/errors.js';
import { providerOf, qualify } from '../providers/aggregator.js';
import { describe } from '../runtime/build-middlewares.js';

/** A child of a weighted service, resolved. */
export interface WeightedMember<T> {
  item: T;
  weight: number;
}

/**
 * Builds the services of one TCP or UDP configuration on demand, each once: the result or its
 * ConfigError is kept, so a service shared by many routers is built (and reported) once. Weighted
 * services resolve their children through `resolveMembers`, which refuses loops. Subclasses only
 * say how to build one service of their protocol.
 */
export abstract class OnDemandBuilder<T> {
  private readonly built = new Map<string, T | ConfigError>();
  private readonly building = new Set<string>();

  /** How one service is built; throws a ConfigError naming the key when it cannot be. */
  protected abstract build(name: string): T;

  /** The built service `name`, or throws the ConfigError saying why there is none. */
  resolve(name: string): T {
    let entry = this.built.get(name);
    if (entry === undefined) {
      try {
        entry = this.build(name);
      } catch (error) {
        entry = error instanceof ConfigError ? error : new ConfigError(describe(error));
      }
      this.built.set(name, entry);
    }
    if (entry instanceof ConfigError) throw entry;
    return entry;
  }

  /** The error of a configured service, if it cannot be built. */
  errorOf(name: string): string | undefined {
    try {
      this.resolve(name);
      return undefined;
    } catch (error) {
      return describe(error);
    }
  }

  /** A child's weight, checked here: Docker labels reach the builder without the file schema's check. */
  private weightOf(weight: number | undefined, key: string): number {
    const checked = weight ?? 1;
    if (!Number.isInteger(checked) || checked < 0) {
      throw new ConfigError(`${key}: must be a whole number, 0 or more, not ${checked}`);
    }
    return checked;
  }

  /**
   * The children of the weighted service `name` (options under `key`), each resolved in its
   * provider's namespace; a child that leads back to `name` is an error naming the loop.
   */
  protected resolveMembers(
    name: string,
    children: { name: string; weight?: number }[],
    key: string,
  ): WeightedMember<T>[] {
    if (this.building.has(name)) throw new ConfigError(`${key}: "${name}" includes itself; remove the loop`);
    this.building.add(name);
    try {
      return children.map((child, i) => {
        const weight = this.weightOf(child.weight, `${key}[${i}].weight`);
        try {
          return { item: this.resolve(qualify(child.name, providerOf(name))), weight };
        } catch (error) {
          throw new ConfigError(`${key}[${i}].name: ${describe(error)}`);
        }
      });
    } finally {
      this.building.delete(name);
    }
  }
}
