import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderProxyCharts, type ProxyResults } from '../../bench/lib/proxy-plots.js';
import { escapeXml } from '../../bench/lib/svg.js';

const RESULTS: ProxyResults = {
  date: '2026-11-26T06:16:29.431Z',
  rows: [
    { name: 'nginx', perCpuSecond: 58_000 },
    { name: 'caddy', perCpuSecond: 13_000 },
    { name: 'portier', perCpuSecond: 20_000 },
    { name: 'portier', method: 'paired-rounds', perCpuSecond: 14_000, costPercent: null, roundCostsPercent: [] },
    {
      name: 'portier (again)',
      method: 'paired-rounds',
      perCpuSecond: 14_100,
      costPercent: -1,
      roundCostsPercent: [-3, -1, 2],
    },
    {
      name: 'metrics & <JSON> log',
      method: 'paired-rounds',
      perCpuSecond: 13_000,
      costPercent: 6,
      roundCostsPercent: [5, 6, 24],
    },
  ],
  pairedRounds: { rounds: 3, seconds: 4, connections: 25 },
};

/**
 * Well-formedness by hand, enough for what the charts emit: every tag closes in order, attribute
 * values are quoted, and text holds no raw '<' or bare '&' (a name escaped wrongly would show here).
 */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while ((match = token.exec(xml)) !== null) {
    position = token.lastIndex;
    const [, closing, name, , selfClosing, content] = match;
    if (content !== undefined) {
      assert.doesNotMatch(content, /&(?!(amp|lt|gt|quot|#\d+);)/, `bare & in ${JSON.stringify(content)}`);
    } else if (closing) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClosing) stack.push(name!);
  }
  assert.equal(position, xml.length, `not XML from offset ${position}: ${xml.slice(position, position + 60)}`);
  assert.deepEqual(stack, [], 'unclosed elements');
}

function count(svg: string, pattern: RegExp): number {
  return svg.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

test('the well-formedness check rejects broken markup, so it can vouch for the charts', () => {
  assert.throws(() => assertWellFormedXml('<svg><text>a < b</text></svg>'));
  assert.throws(() => assertWellFormedXml('<svg><g></svg>'));
  assert.throws(() => assertWellFormedXml('<svg><text>R&D</text></svg>'));
  assertWellFormedXml('<svg a="1"><text>R&amp;D</text><rect/></svg>');
});

test('the cost chart draws a median bar per variant, a dot per round, the goal and the noise floor', () => {
  const svg = renderProxyCharts(RESULTS).observabilityCost;
  assertWellFormedXml(svg);
  assert.equal(count(svg, /class="median"/), 2, 'the plain baseline has no cost and gets no bar');
  assert.equal(count(svg, /class="round"/), 6);
  assert.equal(count(svg, /class="goal"/), 1);
  assert.equal(count(svg, /class="noise-floor"/), 1);
  assert.match(svg, /goal: under 10%/);
  assert.match(svg, /metrics &amp; &lt;JSON&gt; log/);
  assert.match(svg, /<title id="title">[^<]+<\/title>/);
  assert.match(svg, /<rect width="100%" height="100%" fill="#ffffff"\/>/, 'readable in dark themes');
});

test('the goal line sits at 10% of an axis that covers every round', () => {
  const svg = renderProxyCharts(RESULTS).observabilityCost;
  const x = (label: string): number => Number(new RegExp(`x="([\\d.]+)"[^>]*>${label}</text>`).exec(svg)![1]);
  const goal = Number(/class="goal" x1="([\d.]+)"/.exec(svg)![1]);
  assert.ok(Math.abs(goal - x('10%')) < 0.2, `goal at ${goal}, 10% tick at ${x('10%')}`);
  assert.match(svg, />25%<\/text>/, 'the 24% round fits on the axis');
  assert.match(svg, />\u22125%<\/text>/, 'the -3% round fits on the axis');
});

test('the throughput chart has a bar per proxy, best first, Portier highlighted, ratios to nginx', () => {
  const svg = renderProxyCharts(RESULTS).throughput;
  assertWellFormedXml(svg);
  const bars = [...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)"[^>]*fill="(#\w+)"/g)];
  assert.equal(bars.length, 3);
  const widths = bars.map((b) => Number(b[1]));
  assert.deepEqual(
    widths,
    [...widths].sort((a, b) => b - a),
  );
  assert.equal(new Set(bars.map((b) => b[2])).size, 2, 'one colour for peers, another for Portier');
  assert.match(svg, /20,000 · 0\.34× nginx/);
});

test('names are escaped in SVG text', () => {
  assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&#39;');
});
