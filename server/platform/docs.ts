/** A plain, accessible API reference page rendered from the generated OpenAPI document. */
interface OpenApiDoc {
  info: { title: string; description?: string };
  paths?: object;
}
type Operations = Record<string, { summary?: string; tags?: string[] } | undefined>;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function apiReferencePage(doc: OpenApiDoc): string {
  const byTag = new Map<string, { method: string; path: string; summary: string }[]>();
  for (const [p, ops] of Object.entries((doc.paths ?? {}) as Record<string, Operations>)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method: method.toUpperCase(), path: p, summary: op.summary ?? '' });
    }
  }
  const sections = [...byTag.entries()]
    .map(
      ([tag, ops]) => `<section aria-labelledby="tag-${esc(tag)}"><h2 id="tag-${esc(tag)}">${esc(tag)}</h2>
<table><caption>${esc(tag)} operations</caption><thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">What it does</th></tr></thead><tbody>
${ops.map((o) => `<tr><td><code>${esc(o.method)}</code></td><td><code>${esc(o.path)}</code></td><td>${esc(o.summary)}</td></tr>`).join('\n')}
</tbody></table></section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(doc.info.title)} reference</title></head>
<body><main><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description ?? '')}</p>
<p>The machine-readable description is at <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3). Errors are always <code>{ "error": { "code", "message", "details"? } }</code>.</p>
${sections}</main></body></html>`;
}
