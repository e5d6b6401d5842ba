/**
 * Charts drawn as SVG that scale with their container (viewBox), each an image with a
 * title and a text summary (role="img", <title>, <desc>); the numbers are always in a table
 * beside the chart as well, so nothing is only in the picture.
 */
import type { ComponentChildren } from 'preact';
import { DownloadLink } from '../components.js';

export interface Bar {
  label: string;
  /** 0..1 of the whole. */
  value: number;
  /** What the bar says at its end, e.g. "12 of 40 (30%)". */
  text: string;
}

const W = 640;

/** Horizontal bars from 0 to 100%, one per row, label above each bar. */
export function PercentBars({ id, title, summary, bars }: { id: string; title: string; summary: string; bars: Bar[] }) {
  const rowH = 44;
  const h = Math.max(1, bars.length) * rowH + 24;
  return (
    <svg class="chart" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${W} ${h}`} preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{summary}</desc>
      {[0, 0.25, 0.5, 0.75, 1].map((x) => (
        <g key={x}>
          <line x1={x * (W - 2) + 1} x2={x * (W - 2) + 1} y1={0} y2={h - 18} class="chart-grid" />
          <text x={Math.min(W - 4, Math.max(4, x * W))} y={h - 4} text-anchor={x === 0 ? 'start' : x === 1 ? 'end' : 'middle'} class="chart-axis">
            {x * 100}%
          </text>
        </g>
      ))}
      {bars.map((b, i) => {
        const y = i * rowH;
        return (
          <g key={i}>
            <text x={4} y={y + 15} class="chart-label">
              {b.label}: {b.text}
            </text>
            <rect x={1} y={y + 20} width={W - 2} height={16} class="chart-track" />
            <rect x={1} y={y + 20} width={Math.max(0, Math.min(1, b.value)) * (W - 2)} height={16} class="chart-bar" />
          </g>
        );
      })}
    </svg>
  );
}

/** Vertical bars, one per column (e.g. per week), with the largest value setting the scale. */
export function ColumnChart({ id, title, summary, columns }: { id: string; title: string; summary: string; columns: { label: string; value: number }[] }) {
  const h = 240;
  const top = 20;
  const bottom = 40;
  const max = Math.max(1, ...columns.map((c) => c.value));
  const step = (W - 40) / Math.max(1, columns.length);
  const every = Math.ceil(columns.length / 8);
  return (
    <svg class="chart" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${W} ${h}`} preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{summary}</desc>
      <line x1={36} x2={W} y1={h - bottom} y2={h - bottom} class="chart-grid" />
      <text x={32} y={top + 4} text-anchor="end" class="chart-axis">
        {max}
      </text>
      <text x={32} y={h - bottom} text-anchor="end" class="chart-axis">
        0
      </text>
      {columns.map((c, i) => {
        const bh = ((h - top - bottom) * c.value) / max;
        const x = 40 + i * step;
        return (
          <g key={i}>
            <rect x={x + step * 0.15} y={h - bottom - bh} width={step * 0.7} height={bh} class="chart-bar" />
            {c.value > 0 && columns.length <= 26 && (
              <text x={x + step / 2} y={h - bottom - bh - 4} text-anchor="middle" class="chart-value">
                {c.value}
              </text>
            )}
            {i % every === 0 && (
              <text x={x + step / 2} y={h - bottom + 18} text-anchor="middle" class="chart-axis">
                {c.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** A chart, its table and its CSV download, under one heading. */
export function Figure({ id, heading, children, csvHref, csvName }: { id: string; heading: string; children: ComponentChildren; csvHref: string; csvName: string }) {
  return (
    <section class="panel figure" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {children}
      {/* Refused (403) once the organisation is no longer the reader's (a school that left its trust, say). */}
      <DownloadLink href={csvHref} fallbackName={csvName}>
        Download “{heading}” as a spreadsheet (CSV)
      </DownloadLink>
    </section>
  );
}
