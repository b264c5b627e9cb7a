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
