/**
 * Accessible bar charts for feedback results, drawn in HTML, not SVG, as Training coverage's
 * percentage bars are (web/src/reach/charts.tsx): SVG scaled to its box drew its words at
 * about 11 px on a 320 px screen and did not follow the reader's text size; here the category
 * and value labels are the page's own text, so they are at its size, grow with it and wrap.
 * Each chart is an image (role="img") named by its title and described by a text summary of
 * what it shows; the same numbers are in a table beside it. Class names start "fb-chart" so
 * that they neither take nor give the coverage charts' global `.chart…` rules.
 */
import { ChartImage } from '../components.js';

export interface Series {
  name: string;
  values: number[];
  /** Its look in feedback.css: "a" solid, "b" striped with an edge (told apart without colour too). */
  tone: 'a' | 'b';
}

/**
 * Horizontal bars, one row per category (its label on the left, wrapping if long) and one
 * bar per series in it, each bar ending in its value ("Before: 2" when there is more than
 * one series, so a bar is named by words as well as by its colour and pattern). The largest
 * value sets the scale, the same for every bar. A bar's length is set through the DOM's style object (as
 * PercentBars does), which the Content-Security-Policy (style-src 'self') allows; it refuses
 * only style attributes written in markup.
 */
export function BarChart({
  id,
  title,
  summary,
  categories,
  series,
  categoryAxis,
  valueAxis,
}: {
  id: string;
  title: string;
  summary: string;
  categories: string[];
  series: Series[];
  /** What the categories are, shown over their column (e.g. "Score"). */
  categoryAxis?: string;
  /** What the values count, shown over the bars (e.g. "Answers"). */
  valueAxis?: string;
}) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const named = series.length > 1;
  // The longest bar leaves room on its line for its value ("Before: 12", about 6em; a number,
  // about 3em), in the text's own size, yet is never under half the column: when the text is
  // too large for both, the value wraps under its bar.
  const room = named ? 6 : 3;
  return (
    <figure class="fb-chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} class="fb-chart-title">
        {title}
      </figcaption>
      {named && (
        <ul class="fb-chart-legend plain" aria-hidden="true">
          {series.map((s) => (
            <li key={s.name}>
              <span class={`fb-chart-key fb-chart-tone-${s.tone}`} /> {s.name}
            </li>
          ))}
        </ul>
      )}
      <ChartImage id={id} class={`fb-chart-plot fb-chart-series-${series.length}`} title={title} summary={summary}>
        {(categoryAxis || valueAxis) && (
          <>
            <span class="fb-chart-axis-name fb-chart-cat-col">{categoryAxis}</span>
            <span class="fb-chart-axis-name fb-chart-bars-col">{valueAxis}</span>
          </>
        )}
        {categories.map((cat, ci) => [
          <span key={`c${ci}`} class="fb-chart-label fb-chart-cat-col">
            {cat}
          </span>,
          ...series.map((s, si) => {
            const v = s.values[ci] ?? 0;
            const share = Math.max(0, Math.min(1, v / max));
            return (
              <span key={`b${ci}-${si}`} class={`fb-chart-row fb-chart-bars-col${si === series.length - 1 ? ' fb-chart-row-last' : ''}`}>
                <span class={`fb-chart-bar fb-chart-tone-${s.tone}`} style={{ width: `calc(${share} * max(50%, 100% - ${room}em))` }} />
                <span class="fb-chart-value">{named ? `${s.name}: ${v}` : v}</span>
              </span>
            );
          }),
        ])}
      </ChartImage>
    </figure>
  );
}
