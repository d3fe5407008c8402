/**
 * The per-request Prometheus series (requests, duration histogram, request and response bytes)
 * of one scope (entry point, router or service), kept as plain numbers and written out in the
 * text format at scrape time. prom-client hashes the label set on every `inc`/`observe`, even
 * through `labels()` children. Here a request costs map lookups on values whose hashes V8 already
 * keeps: the scope's names (the same string objects for every request of a configuration version),
 * the method, and a number made of the status code and the method. No key is built per request.
 */
interface Series {
  /** `code="200",method="GET",…`, escaped once when the series is created. */
  labels: string;
  count: number;
  sum: number;
  /** Per-bucket (not cumulative) counts; the last slot is `+Inf`. */
  buckets: Float64Array;
  requestBytes: number;
  responseBytes: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Prometheus method label values; any other method is one value, so clients cannot grow the set. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const METHOD_INDEX = new Map(METHODS.map((method, index) => [method, index]));
const OTHER_METHOD = 'EXTENSION_METHOD';

export class RequestSeries {
  /** Series by scope name, then by the scope's second name ('' if none), then by status and method. */
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();
  private readonly all: Series[] = [];

  /**
   * @param labelNames `code`, `method`, `protocol`, then the names of the scope's one or two values
   *   (`observe`'s `name` and `detail`).
   */
  constructor(
    private readonly scope: string,
    private readonly labelNames: readonly string[],
    private readonly bucketBounds: readonly number[],
    /** `traefik` for Traefik's own families; `portier` for the ones Traefik does not have. */
    private readonly prefix = 'traefik',
  ) {}

  /** Records one request of the scope value `name` (and `detail`, for routers their service). */
  observe(
    name: string,
    detail: string,
    status: number,
    method: string,
    seconds: number,
    requestBytes: number,
    responseBytes: number,
  ): void {
    let byDetail = this.series.get(name);
    if (!byDetail) this.series.set(name, (byDetail = new Map()));
    let byCode = byDetail.get(detail);
    if (!byCode) byDetail.set(detail, (byCode = new Map()));
    const methodIndex = METHOD_INDEX.get(method) ?? METHODS.length;
    const code = status * 16 + methodIndex;
    let series = byCode.get(code);
    if (!series)
      byCode.set(
        code,
        (series = this.create([String(status), METHODS[methodIndex] ?? OTHER_METHOD, 'http', name, detail])),
      );
    series.count++;
    series.sum += seconds;
    let slot = 0;
    while (slot < this.bucketBounds.length && seconds > this.bucketBounds[slot]!) slot++;
    series.buckets[slot]!++;
    series.requestBytes += requestBytes;
    series.responseBytes += responseBytes;
  }

  private create(values: string[]): Series {
    const series: Series = {
      labels: this.labelNames.map((name, i) => `${name}="${escapeLabel(values[i]!)}"`).join(','),
      count: 0,
      sum: 0,
      buckets: new Float64Array(this.bucketBounds.length + 1),
      requestBytes: 0,
      responseBytes: 0,
    };
    this.all.push(series);
    return series;
  }

  /** The four metric families in Prometheus text format (empty when no request was seen). */
  render(): string {
    const { all } = this;
    if (all.length === 0) return '';
    const base = `${this.prefix}_${this.scope}`;
    const family = (name: string, help: string, type: string, lines: string[]) =>
      `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines.join('')}\n`;
    const partition = `on a ${this.scope}, partitioned by status code, protocol, and method.`;
    const histogram: string[] = [];
    for (const s of all) {
      let cumulative = 0;
      this.bucketBounds.forEach((bound, i) => {
        cumulative += s.buckets[i]!;
        histogram.push(`${base}_request_duration_seconds_bucket{${s.labels},le="${bound}"} ${cumulative}\n`);
      });
      histogram.push(`${base}_request_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}\n`);
      histogram.push(`${base}_request_duration_seconds_sum{${s.labels}} ${s.sum}\n`);
      histogram.push(`${base}_request_duration_seconds_count{${s.labels}} ${s.count}\n`);
    }
    return (
      family(
        `${base}_requests_total`,
        `How many HTTP requests processed ${partition}`,
        'counter',
        all.map((s) => `${base}_requests_total{${s.labels}} ${s.count}\n`),
      ) +
      family(
        `${base}_request_duration_seconds`,
        `How long it took to process the request ${partition}`,
        'histogram',
        histogram,
      ) +
      family(
        `${base}_requests_bytes_total`,
        `The total size of requests in bytes handled ${partition}`,
        'counter',
        all.map((s) => `${base}_requests_bytes_total{${s.labels}} ${s.requestBytes}\n`),
      ) +
      family(
        `${base}_responses_bytes_total`,
        `The total size of responses in bytes handled ${partition}`,
        'counter',
        all.map((s) => `${base}_responses_bytes_total{${s.labels}} ${s.responseBytes}\n`),
      )
    );
  }
}
