/** Draws training and validation curves as a self-contained SVG (no plotting library needed). */
export interface CurvePoint {
  x: number;
  y: number;
}

export interface Curve {
  label: string;
  color: string;
  points: CurvePoint[];
}

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };

function niceTicks(low: number, high: number, count: number): number[] {
  const span = high - low || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const multiple = [1, 2, 5, 10].find((m) => span / (m * step) <= count) ?? 10;
  const tick = multiple * step;
  const ticks: number[] = [];
  for (let value = Math.ceil(low / tick) * tick; value <= high + 1e-9; value += tick) ticks.push(Number(value.toPrecision(6)));
  return ticks;
}

export function curvesSvg(title: string, xLabel: string, yLabel: string, curves: Curve[]): string {
  const points = curves.flatMap((curve) => curve.points);
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [xMin, xMax] = [Math.min(0, ...xs), Math.max(1e-9, ...xs)];
  const [yMin, yMax] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const yPad = (yMax - yMin) * 0.05 || 0.5;
  const [lo, hi] = [yMin - yPad, yMax + yPad];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  const sy = (y: number) => MARGIN.top + (1 - (y - lo) / (hi - lo)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="16" text-anchor="middle" font-size="13">${title}</text>`,
  ];
  for (const tick of niceTicks(lo, hi, 6)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${sy(tick)}" y2="${sy(tick)}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${sy(tick) + 4}" text-anchor="end">${tick}</text>`);
  }
  for (const tick of niceTicks(xMin, xMax, 8)) {
    parts.push(`<text x="${sx(tick)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${tick}</text>`);
  }
  parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT - 6}" text-anchor="middle">${xLabel}</text>`);
  parts.push(`<text x="14" y="${HEIGHT / 2}" text-anchor="middle" transform="rotate(-90 14 ${HEIGHT / 2})">${yLabel}</text>`);
  curves.forEach((curve, index) => {
    if (curve.points.length > 0) {
      const path = curve.points.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${curve.color}" stroke-width="1.5"/>`);
      if (curve.points.length < 60)
        for (const p of curve.points)
          parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="${curve.color}"/>`);
    }
    parts.push(
      `<text x="${WIDTH - MARGIN.right - 4}" y="${MARGIN.top + 14 + index * 14}" text-anchor="end" fill="${curve.color}">${curve.label}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
