/**
 * The metric names a PromQL expression reads. Not a parser: it removes what cannot be a metric
 * name (strings, label matchers, ranges, grouping clauses, Grafana variables, numbers) and keeps
 * identifiers that are not functions or keywords. Good enough for the rules and dashboard in
 * deploy/, which is all it is used for; a name it misses would still be caught by promtool
 * (rules) or show up as an empty panel (dashboard).
 */

const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (!name || call || keywords.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}

/** One label matcher of a selector: `outcome="failed"` → `{ label: 'outcome', op: '=', value: 'failed' }`. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Every `metric{…}` selector in an expression, with its matchers (Grafana variables left as they are). */
export function selectorsIn(expr: string): { metric: string; matchers: LabelMatcher[] }[] {
  const selectors: { metric: string; matchers: LabelMatcher[] }[] = [];
  for (const [, metric, body] of expr.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}/g)) {
    if (!metric || body === undefined) continue;
    const matchers = [...body.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(([, label, op, value]) => ({
      label: label!,
      op: op as LabelMatcher['op'],
      value: value!,
    }));
    selectors.push({ metric, matchers });
  }
  return selectors;
}

/**
 * The literal values a matcher names: `"failed"` → ['failed'], `"failed|rejected"` → both;
 * empty for patterns and Grafana variables, which cannot be checked against a closed set.
 */
export function literalValues(matcher: LabelMatcher): string[] {
  if (matcher.value.includes('$')) return [];
  const parts = matcher.op === '=~' || matcher.op === '!~' ? matcher.value.split('|') : [matcher.value];
  return parts.every((part) => /^[\w-]+$/.test(part)) ? parts : [];
}
