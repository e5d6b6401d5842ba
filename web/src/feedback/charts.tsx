/**
 * Accessible SVG bar charts: each is an image (role="img") named by its title and described
 * by a text summary of what it shows; the same numbers are in a table beside it. The SVG
 * scales to its container, so it never scrolls sideways.
 */

export interface Series {
  name: string;
  values: number[];
  /** A CSS class (fill colour) from feedback.css. */
  tone: 'a' | 'b';
}

/** Vertical bars per category, one bar per series in each category, with value labels. */
export function BarChart({ id, title, summary, categories, series }: { id: string; title: string; summary: string; categories: string[]; series: Series[] }) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const W = 320;
  const H = 180;
  const left = 8;
  const bottom = 36;
  const top = 18;
  const slot = (W - left * 2) / categories.length;
  const barW = Math.min(36, (slot - 10) / series.length);
  const plotH = H - bottom - top;
  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} class="chart-title">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`} class="chart-svg" focusable="false">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <line x1={left} x2={W - left} y1={H - bottom} y2={H - bottom} class="chart-axis" />
        {categories.map((cat, ci) => {
          const x0 = left + ci * slot + (slot - barW * series.length) / 2;
          return (
            <g key={cat}>
              {series.map((s, si) => {
                const v = s.values[ci] ?? 0;
                const h = (v / max) * plotH;
                const x = x0 + si * barW;
                return (
                  <g key={s.name}>
                    <rect x={x + 1} y={H - bottom - h} width={barW - 2} height={h} class={`chart-bar chart-bar-${s.tone}`} />
                    <text x={x + barW / 2} y={H - bottom - h - 4} text-anchor="middle" class="chart-value">
                      {v}
                    </text>
                  </g>
                );
              })}
              <text x={left + ci * slot + slot / 2} y={H - bottom + 16} text-anchor="middle" class="chart-label">
                {cat}
              </text>
            </g>
          );
        })}
      </svg>
      {series.length > 1 && (
        <ul class="chart-legend plain" aria-hidden="true">
          {series.map((s) => (
            <li key={s.name}>
              <span class={`chart-key chart-bar-${s.tone}`} /> {s.name}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
