// One-click charts of a result as SVG: bar, line or scatter of a y column against an x column.

const SVG = 'http://www.w3.org/2000/svg';
const MAX_BARS = 200;
const MAX_POINTS = 5000;

export function drawChart(container, { type, columns, rows, x, y }) {
  container.replaceChildren();
  const xi = columns.indexOf(x);
  const yi = columns.indexOf(y);
  if (xi < 0 || yi < 0 || !rows.length) {
    container.textContent = 'Nothing to chart: run a query that returns rows, then pick x and y columns.';
    return null;
  }
  const limit = type === 'bar' ? MAX_BARS : MAX_POINTS;
  const step = Math.max(1, Math.ceil(rows.length / limit));
  const points = [];
  for (let index = 0; index < rows.length && points.length < limit; index += step) {
    const yValue = Number(rows[index][yi]);
    if (Number.isFinite(yValue)) points.push({ x: rows[index][xi], y: yValue });
  }
  if (!points.length) {
    container.textContent = `Column ${y} has no numbers to chart.`;
    return null;
  }
  const numericX = type !== 'bar' && points.every(point => asNumber(point.x) !== null);
  if (type === 'line' && numericX) points.sort((a, b) => asNumber(a.x) - asNumber(b.x));

  const width = Math.max(480, container.clientWidth || 800);
  const height = 320;
  const margin = { left: 64, right: 16, top: 12, bottom: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const yMin = Math.min(0, ...points.map(point => point.y));
  const yMax = Math.max(...points.map(point => point.y), yMin + 1e-9);
  const yScale = value => margin.top + plotHeight - ((value - yMin) / (yMax - yMin)) * plotHeight;
  let xScale;
  if (numericX) {
    const values = points.map(point => asNumber(point.x));
    const xMin = Math.min(...values);
    const xMax = Math.max(...values);
    xScale = point => margin.left + (xMax === xMin ? plotWidth / 2 : ((asNumber(point.x) - xMin) / (xMax - xMin)) * plotWidth);
  } else {
    const band = plotWidth / points.length;
    xScale = (point, index) => margin.left + band * index + band / 2;
  }

  const svg = element('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${type} chart of ${y} by ${x}`, class: `chart chart-${type}` });
  svg.appendChild(element('line', { x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + plotHeight, stroke: '#888' }));
  svg.appendChild(element('line', { x1: margin.left, x2: margin.left + plotWidth, y1: yScale(yMin), y2: yScale(yMin), stroke: '#888' }));
  for (let tick = 0; tick <= 4; tick++) {
    const value = yMin + ((yMax - yMin) * tick) / 4;
    const ty = yScale(value);
    svg.appendChild(element('line', { x1: margin.left, x2: margin.left + plotWidth, y1: ty, y2: ty, stroke: '#eee' }));
    svg.appendChild(label(margin.left - 6, ty + 4, formatNumber(value), 'end'));
  }
  const color = '#0b6bcb';
  if (type === 'bar') {
    const band = plotWidth / points.length;
    points.forEach((point, index) => {
      const top = yScale(Math.max(point.y, 0));
      const bottom = yScale(Math.min(point.y, 0));
      const bar = element('rect', { x: margin.left + band * index + band * 0.1, y: top, width: Math.max(1, band * 0.8), height: Math.max(0, bottom - top), fill: color, class: 'bar' });
      bar.appendChild(element('title', {}, `${point.x}: ${point.y}`));
      svg.appendChild(bar);
    });
  } else if (type === 'line') {
    const path = points.map((point, index) => `${index ? 'L' : 'M'}${xScale(point, index).toFixed(1)},${yScale(point.y).toFixed(1)}`).join('');
    svg.appendChild(element('path', { d: path, fill: 'none', stroke: color, 'stroke-width': 1.5, class: 'line' }));
  } else {
    points.forEach((point, index) => svg.appendChild(element('circle', { cx: xScale(point, index), cy: yScale(point.y), r: 3, fill: color, 'fill-opacity': 0.6, class: 'point' })));
  }
  const labels = Math.min(points.length, 10);
  for (let n = 0; n < labels; n++) {
    const index = Math.floor((n * points.length) / labels);
    const lx = xScale(points[index], index);
    const text = label(lx, margin.top + plotHeight + 14, shorten(String(points[index].x)), 'end');
    text.setAttribute('transform', `rotate(-30 ${lx} ${margin.top + plotHeight + 14})`);
    svg.appendChild(text);
  }
  svg.appendChild(label(margin.left + plotWidth / 2, height - 4, x, 'middle'));
  const yLabel = label(14, margin.top + plotHeight / 2, y, 'middle');
  yLabel.setAttribute('transform', `rotate(-90 14 ${margin.top + plotHeight / 2})`);
  svg.appendChild(yLabel);
  container.appendChild(svg);
  return { points: points.length, sampledEvery: step };
}

function asNumber(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    if (Number.isFinite(number)) return number;
    const time = Date.parse(value);
    if (Number.isFinite(time)) return time;
  }
  return null;
}

function formatNumber(value) {
  return Math.abs(value) >= 1e6 || (Math.abs(value) < 1e-2 && value !== 0) ? value.toExponential(2) : String(Math.round(value * 100) / 100);
}

function shorten(text) {
  return text.length > 16 ? `${text.slice(0, 15)}…` : text;
}

function label(x, y, text, anchor) {
  const node = element('text', { x, y, 'font-size': 11, 'text-anchor': anchor, fill: '#444' });
  node.textContent = text;
  return node;
}

function element(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}
