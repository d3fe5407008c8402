/** The shared store could not be used; callers fail closed (or open, where configured). */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}
