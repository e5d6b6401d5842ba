/**
 * Charts, each an image with a title and a text summary (role="img"; the column chart is SVG
 * that scales with its container, with <title> and <desc>; the percentage bars are HTML, so
 * their words wrap); the numbers are always in a table beside the chart as well, so nothing
 * is only in the picture.
 */
import type { ComponentChildren } from 'preact';
import { ChartImage, DownloadLink } from '../components.js';

export interface Bar {
  label: string;
  /** 0..1 of the whole. */
  value: number;
  /** What the bar says at its end, e.g. "12 of 40 (30%)". */
  text: string;
}

const W = 640;

/**
 * Horizontal bars from 0 to 100%, one per row, the words above each bar. Drawn in HTML, not
 * SVG, so the words wrap and grow with the text size: an organisation's name may be longer
 * than a phone's screen, and SVG text neither wraps nor follows the reader's text settings.
 * An image named by its title and described by its summary (ChartImage).
 */
export function PercentBars({ id, title, summary, bars }: { id: string; title: string; summary: string; bars: Bar[] }) {
  return (
    <ChartImage id={id} class="bars" title={title} summary={summary}>
      {bars.map((b, i) => (
        <div class="bar-row" key={i}>
          <p class="bar-label">
            {b.label}: {b.text}
          </p>
          <div class="bar-track">
            <div class="bar-fill" style={{ width: `${Math.max(0, Math.min(1, b.value)) * 100}%` }} />
          </div>
        </div>
      ))}
      <div class="bar-scale">
        <span>0%</span>
        <span>50%</span>
        <span>100%</span>
      </div>
    </ChartImage>
  );
}

/**
 * Vertical bars, one per column (e.g. per week), with the largest value setting the scale.
 * Never drawn narrower than its own size (40rem, so its words are at the page's text size and
 * grow with it): on a narrower screen it scrolls sideways in its own focusable box, as a wide
 * table does (a chart is two-dimensional content, WCAG 1.4.10's exception), not shrunk to
 * unreadable words.
 */
export function ColumnChart({ id, title, summary, columns }: { id: string; title: string; summary: string; columns: { label: string; value: number }[] }) {
  return (
    <div class="chart-scroll" tabIndex={0} role="region" aria-label={`${title} (chart)`}>
      <ColumnSvg id={id} title={title} summary={summary} columns={columns} />
    </div>
  );
}

function ColumnSvg({ id, title, summary, columns }: { id: string; title: string; summary: string; columns: { label: string; value: number }[] }) {
  const h = 240;
  const top = 20;
  const bottom = 40;
  const max = Math.max(1, ...columns.map((c) => c.value));
  const step = (W - 40) / Math.max(1, columns.length);
  const every = Math.ceil(columns.length / 8);
  return (
    <svg class="chart chart-columns" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${W} ${h}`} preserveAspectRatio="xMinYMin meet">
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
