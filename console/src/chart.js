// One-click charts of a result as SVG: bar, line or scatter of a y column against an x column. Time columns
// get a time axis and every axis ticks on round values.

const SVG = 'http://www.w3.org/2000/svg';
const MAX_BARS = 200;
const MAX_POINTS = 5000;

export function drawChart(container, { type, columns, types = [], rows, x, y }) {
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
  // DATE and TIMESTAMP columns go on a time axis (for bars too: a gap in time shows as a gap); numbers on a
  // linear axis for lines and points; anything else in categories.
  const timeX = TIME_TYPE.test(types[xi] ?? '') && points.every(point => asTime(point.x) !== null);
  const numericX = !timeX && type !== 'bar' && points.every(point => typeof point.x === 'number' || asPlainNumber(point.x) !== null);
  const xValue = timeX ? point => asTime(point.x) : point => (typeof point.x === 'number' ? point.x : asPlainNumber(point.x));
  if ((timeX || numericX) && type !== 'scatter') points.sort((a, b) => xValue(a) - xValue(b));

  const width = Math.max(480, container.clientWidth || 800);
  const height = 320;
  const margin = { left: 64, right: 24, top: 12, bottom: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const yTicks = niceTicks(Math.min(0, ...points.map(point => point.y)), Math.max(...points.map(point => point.y)), 5);
  const yMin = yTicks[0];
  const yMax = yTicks[yTicks.length - 1];
  const yScale = value => margin.top + plotHeight - ((value - yMin) / (yMax - yMin || 1)) * plotHeight;
  let xScale;
  let xTicks = null; // [{ at, label }] for continuous axes
  const band = plotWidth / points.length;
  if (timeX || numericX) {
    const values = points.map(xValue);
    let xMin = Math.min(...values);
    let xMax = Math.max(...values);
    if (timeX) {
      xTicks = timeTicks(xMin, xMax, 8);
    } else {
      const ticks = niceTicks(xMin, xMax, 8);
      xMin = ticks[0];
      xMax = ticks[ticks.length - 1];
      xTicks = ticks.map(at => ({ at, label: formatNumber(at) }));
    }
    const inset = type === 'bar' ? Math.min(band / 2, 20) : 0;
    const scale = value => margin.left + inset + (xMax === xMin ? (plotWidth - 2 * inset) / 2 : ((value - xMin) / (xMax - xMin)) * (plotWidth - 2 * inset));
    xScale = point => scale(xValue(point));
    xTicks = xTicks.filter(tick => tick.at >= xMin && tick.at <= xMax).map(tick => ({ ...tick, position: scale(tick.at) }));
  } else {
    xScale = (point, index) => margin.left + band * index + band / 2;
  }

  const svg = element('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${type} chart of ${y} by ${x}`,
    class: `chart chart-${type}`, 'data-x-axis': timeX ? 'time' : numericX ? 'linear' : 'category' });
  svg.appendChild(element('line', { x1: margin.left, x2: margin.left, y1: margin.top, y2: margin.top + plotHeight, stroke: '#888' }));
  svg.appendChild(element('line', { x1: margin.left, x2: margin.left + plotWidth, y1: yScale(yMin), y2: yScale(yMin), stroke: '#888' }));
  for (const value of yTicks) {
    const ty = yScale(value);
    svg.appendChild(element('line', { x1: margin.left, x2: margin.left + plotWidth, y1: ty, y2: ty, stroke: '#eee' }));
    const tick = label(margin.left - 6, ty + 4, formatNumber(value), 'end');
    tick.classList.add('y-tick');
    svg.appendChild(tick);
  }
  const color = '#0b6bcb';
  if (type === 'bar') {
    const barWidth = xTicks ? Math.max(1, Math.min(40, (plotWidth / points.length) * 0.8)) : Math.max(1, band * 0.8);
    points.forEach((point, index) => {
      const top = yScale(Math.max(point.y, 0));
      const bottom = yScale(Math.min(point.y, 0));
      const bar = element('rect', { x: xScale(point, index) - barWidth / 2, y: top, width: barWidth, height: Math.max(0, bottom - top), fill: color, class: 'bar' });
      bar.appendChild(element('title', {}, `${point.x}: ${point.y}`));
      svg.appendChild(bar);
    });
  } else if (type === 'line') {
    const path = points.map((point, index) => `${index ? 'L' : 'M'}${xScale(point, index).toFixed(1)},${yScale(point.y).toFixed(1)}`).join('');
    svg.appendChild(element('path', { d: path, fill: 'none', stroke: color, 'stroke-width': 1.5, class: 'line' }));
  } else {
    points.forEach((point, index) => svg.appendChild(element('circle', { cx: xScale(point, index), cy: yScale(point.y), r: 3, fill: color, 'fill-opacity': 0.6, class: 'point' })));
  }
  const labelY = margin.top + plotHeight + 14;
  if (xTicks) {
    for (const tick of xTicks) {
      svg.appendChild(element('line', { x1: tick.position, x2: tick.position, y1: margin.top + plotHeight, y2: margin.top + plotHeight + 4, stroke: '#888' }));
      const text = label(tick.position, labelY, tick.label, 'middle');
      text.classList.add('x-tick');
      svg.appendChild(text);
    }
  } else {
    const labels = Math.min(points.length, 10);
    for (let n = 0; n < labels; n++) {
      const index = Math.floor((n * points.length) / labels);
      const lx = xScale(points[index], index);
      const text = label(lx, labelY, shorten(String(points[index].x)), 'end');
      text.setAttribute('transform', `rotate(-30 ${lx} ${labelY})`);
      svg.appendChild(text);
    }
  }
  svg.appendChild(label(margin.left + plotWidth / 2, height - 4, x, 'middle'));
  const yLabel = label(14, margin.top + plotHeight / 2, y, 'middle');
  yLabel.setAttribute('transform', `rotate(-90 14 ${margin.top + plotHeight / 2})`);
  svg.appendChild(yLabel);
  container.appendChild(svg);
  return { points: points.length, sampledEvery: step };
}

const TIME_TYPE = /^(DATE|TIMESTAMP.*|TIMESTAMPTZ|DATETIME)$/i;

/** Round tick values covering [min, max]: steps of 1, 2, 2.5 or 5 times a power of ten. */
export function niceTicks(min, max, count) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = Math.abs(min) || 1;
    min -= pad / 2;
    max += pad / 2;
  }
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map(factor => factor * power).find(candidate => candidate >= rough);
  const first = Math.floor(min / step) * step;
  const ticks = [];
  // Until a tick reaches max, so the axis covers every value.
  for (let value = first; ticks.length < 50; value += step) {
    ticks.push(Number(value.toPrecision(12)));
    if (value >= max - step * 1e-9) break;
  }
  return ticks;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];
const MONTH_STEPS = [1, 3, 6, 12, 24, 60, 120];

/**
 * Ticks on round instants (UTC, as the values arrive): whole seconds, minutes, hours, days, weeks, months or years,
 * labelled as much as the step needs.
 */
export function timeTicks(min, max, count) {
  const span = Math.max(max - min, SECOND);
  const rough = span / count;
  const ticks = [];
  const fixed = TIME_STEPS.find(step => step >= rough);
  if (fixed) {
    const origin = fixed === 7 * DAY ? 4 * DAY : 0; // weeks start on Monday (1970-01-05)
    for (let at = Math.ceil((min - origin) / fixed) * fixed + origin; at <= max && ticks.length < 50; at += fixed) {
      ticks.push({ at, label: timeLabel(at, fixed) });
    }
    return ticks;
  }
  const months = MONTH_STEPS.find(step => step * 30 * DAY >= rough) ?? Math.ceil(rough / (365 * DAY)) * 12;
  const start = new Date(min);
  let month = start.getUTCFullYear() * 12 + start.getUTCMonth();
  month = Math.ceil(month / months) * months;
  for (;; month += months) {
    const at = Date.UTC(Math.floor(month / 12), month % 12, 1);
    if (at < min) continue;
    if (at > max || ticks.length >= 50) break;
    ticks.push({ at, label: months >= 12 ? String(new Date(at).getUTCFullYear()) : new Date(at).toISOString().slice(0, 7) });
  }
  return ticks;
}

function timeLabel(at, step) {
  const iso = new Date(at).toISOString();
  if (step >= DAY) return iso.slice(0, 10);
  if (step >= MINUTE) return at % DAY === 0 ? iso.slice(0, 10) : iso.slice(11, 16);
  return iso.slice(11, 19);
}

/** DATE and TIMESTAMP values as epoch milliseconds (text without a zone is read as UTC). */
function asTime(value) {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}[ T][\d:.]+$/.test(value) ? `${value.replace(' ', 'T')}Z` : value.replace(' ', 'T');
  const time = Date.parse(text);
  return Number.isFinite(time) ? time : null;
}

function asPlainNumber(value) {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

function formatNumber(value) {
  if (Math.abs(value) >= 1e9 || (Math.abs(value) < 1e-4 && value !== 0)) return value.toExponential(2);
  return Number(value.toPrecision(12)).toLocaleString('en-US', { maximumFractionDigits: 6 });
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
