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

/**
 * Adds the `Idempotency-Key` header (server/platform/idempotency.ts) to every POST that
 * creates something (answers 201), with its replay header and its 409 and 422 answers.
 */
export function withIdempotencyKey<D extends { paths?: object; components?: object }>(doc: D): D {
  const errorBody = { $ref: '#/components/schemas/IdempotencyError' };
  const components = (doc.components ?? {}) as { parameters?: Record<string, unknown>; schemas?: Record<string, unknown> };
  const paths = JSON.parse(JSON.stringify(doc.paths ?? {})) as Record<string, Record<string, { parameters?: unknown[]; responses?: Record<string, unknown> } | undefined>>;
  for (const ops of Object.values(paths)) {
    const op = ops.post;
    if (!op?.responses?.['201']) continue;
    op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
    op.responses['409'] ??= { description: 'A request with the same Idempotency-Key is still being handled by another process (`idempotency_key_in_flight`, with Retry-After); one in this process is waited for', content: { 'application/json': { schema: errorBody } } };
    op.responses['422'] ??= { description: 'The Idempotency-Key was already used for a different request (`idempotency_key_reused`)', content: { 'application/json': { schema: errorBody } } };
  }
  return {
    ...doc,
    paths,
    components: {
      ...components,
      parameters: {
        ...(components.parameters ?? {}),
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes the request safe to retry (IETF httpapi Idempotency-Key draft): the same key with the same request returns the first answer again (status and body, with `Idempotent-Replayed: true`), not a second booking; with a different request, 422. Keys are kept 24 hours per person; 1-255 visible ASCII characters, optionally quoted.',
          schema: { type: 'string', minLength: 1, maxLength: 255, example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"' },
        },
      },
      schemas: {
        ...(components.schemas ?? {}),
        IdempotencyError: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } }, required: ['error'] },
      },
    },
  };
}
