import type { ServerResponse } from 'node:http';
import { patchResponse } from './response-patch.js';
import type { StatusRanges } from './status-ranges.js';

/**
 * Watches the status a response is about to be sent with. A status in `ranges` is caught: that
 * response (head and body) is swallowed so that the caller can answer instead. Any other status
 * unplugs the catcher at once, so normal responses stream untouched.
 */
export class StatusCatcher {
  /** The caught status, once one was caught. */
  caught: number | undefined;
  private ended = false;
  private onEnd: (() => void) | undefined;
  private readonly unpatch: () => void;

  constructor(
    private readonly res: ServerResponse,
    private readonly ranges: StatusRanges,
  ) {
    this.unpatch = patchResponse(res, (previous) => ({
      writeHead: (status, ...rest) => {
        const code = Number(status);
        return code >= 200 && this.decide(code) ? res : previous.writeHead(status, ...rest);
      },
      write: (...args) => (this.decide(res.statusCode) ? true : previous.write(...args)),
      end: (...args) => {
        if (!this.decide(res.statusCode)) return previous.end(...args);
        this.ended = true;
        this.onEnd?.();
        return res;
      },
    }));
  }

  /** Resolves once a caught response has been fully swallowed (or the client went away). */
  finished(): Promise<void> {
    if (this.caught === undefined || this.ended || this.res.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.onEnd = resolve;
      this.res.once('close', () => resolve());
    });
  }

  /** Stops catching; the response methods work normally again. */
  restore(): void {
    this.unpatch();
  }

  /** True when the response is (now) caught; otherwise unplugs the catcher. */
  private decide(status: number): boolean {
    if (this.caught !== undefined) return true;
    if (this.ranges.has(status)) {
      this.caught = status;
      return true;
    }
    this.unpatch();
    return false;
  }
}
