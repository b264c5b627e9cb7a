'use strict';
// A small hand-written SVG line plot for bench/load.js (no plotting dependency): lines of
// (x, y) points, axes with round ticks, a legend, optional horizontal reference lines (a bound)
// and vertical markers (the end of the load window).

const WIDTH = 800;
const HEIGHT = 380;
const MARGIN = { top: 44, right: 200, bottom: 46, left: 62 };
const FAMILY = 'font-family="system-ui, sans-serif"';
const FONT = `${FAMILY} font-size="12"`;

/**
 * `plot`: { title, subtitle?, xLabel, yLabel, lines: [{ label, color, points: [[x, y]], dashed? }],
 *           hlines?: [{ y, label, color }], vlines?: [{ x, label }] } → SVG document text.
 */
function linePlot(plot) {
  const xs = plot.lines.flatMap((line) => line.points.map(([x]) => x)).concat((plot.vlines ?? []).map((v) => v.x));
  const ys = plot.lines.flatMap((line) => line.points.map(([, y]) => y)).concat((plot.hlines ?? []).map((h) => h.y));
  const xTicks = ticks(0, Math.max(1, ...xs));
  const yTicks = ticks(0, Math.max(1, ...ys));
  const xMax = xTicks[xTicks.length - 1];
  const yMax = yTicks[yTicks.length - 1];
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x) => MARGIN.left + (x / xMax) * innerW;
  const sy = (y) => MARGIN.top + innerH - (y / yMax) * innerH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="18" ${FAMILY} font-size="14" font-weight="600">${escapeXml(plot.title)}</text>`,
  ];
  if (plot.subtitle)
    out.push(`<text x="${MARGIN.left}" y="32" ${FAMILY} font-size="11" fill="#555">${escapeXml(plot.subtitle)}</text>`);
  for (const y of yTicks) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + innerW}" y1="${sy(y)}" y2="${sy(y)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${sy(y) + 4}" text-anchor="end" ${FONT}>${y}</text>`);
  }
  for (const x of xTicks) {
    out.push(`<line x1="${sx(x)}" x2="${sx(x)}" y1="${MARGIN.top + innerH}" y2="${MARGIN.top + innerH + 4}" stroke="#333"/>`);
    out.push(`<text x="${sx(x)}" y="${MARGIN.top + innerH + 17}" text-anchor="middle" ${FONT}>${x}</text>`);
  }
  out.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + innerW}" y1="${MARGIN.top + innerH}" y2="${MARGIN.top + innerH}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + innerH}" stroke="#333"/>`,
    `<text x="${MARGIN.left + innerW / 2}" y="${HEIGHT - 8}" text-anchor="middle" ${FONT}>${escapeXml(plot.xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + innerH / 2}) rotate(-90)" text-anchor="middle" ${FONT}>${escapeXml(plot.yLabel)}</text>`,
  );
  for (const v of plot.vlines ?? []) {
    out.push(
      `<line x1="${sx(v.x)}" x2="${sx(v.x)}" y1="${MARGIN.top}" y2="${MARGIN.top + innerH}" stroke="#888" stroke-dasharray="4 3"/>`,
    );
    out.push(`<text x="${sx(v.x) + 4}" y="${MARGIN.top + 12}" ${FONT} fill="#555">${escapeXml(v.label)}</text>`);
  }
  for (const h of plot.hlines ?? []) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + innerW}" y1="${sy(h.y)}" y2="${sy(h.y)}" stroke="${h.color}" stroke-dasharray="6 4"/>`,
    );
  }
  for (const line of plot.lines) {
    const points = line.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    const dash = line.dashed ? ' stroke-dasharray="5 3"' : '';
    out.push(`<polyline points="${points}" fill="none" stroke="${line.color}" stroke-width="1.8"${dash}/>`);
  }
  const legend = [...plot.lines, ...(plot.hlines ?? []).map((h) => ({ ...h, dashed: true }))];
  legend.forEach((entry, i) => {
    const x = MARGIN.left + innerW + 14;
    const y = MARGIN.top + 8 + i * 18;
    const dash = entry.dashed ? ' stroke-dasharray="5 3"' : '';
    out.push(`<line x1="${x}" x2="${x + 22}" y1="${y}" y2="${y}" stroke="${entry.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${x + 28}" y="${y + 4}" ${FONT}>${escapeXml(entry.label)}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}

/** Round tick values from min up to at least max: steps of 1, 2 or 5 × 10^k, about 5 of them. */
function ticks(min, max) {
  const raw = (max - min) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const values = [];
  for (let v = min; v < max + step; v += step) {
    values.push(Number(v.toFixed(6)));
    if (v >= max) break;
  }
  return values;
}

function escapeXml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

module.exports = { linePlot, ticks };
