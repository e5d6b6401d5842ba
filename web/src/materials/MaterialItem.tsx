/** One material in a list: a file to download (name, kind, size) or a link, and, for those who may, a way to remove it. */
import type { Material } from '../../../shared/materials.js';
import { ConfirmButton, DownloadLink } from '../components.js';

const KIND_WORDS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template': 'Word template',
  'application/vnd.openxmlformats-officedocument.presentationml.template': 'PowerPoint template',
  'application/vnd.openxmlformats-officedocument.presentationml.slideshow': 'PowerPoint slide show',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template': 'Excel template',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'video/mp4': 'MP4 video',
  'text/plain; charset=utf-8': 'text',
};

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function describeMaterial(m: Material): string {
  if (m.kind === 'link') return 'Link';
  return [m.contentType ? KIND_WORDS[m.contentType] ?? 'File' : 'File', m.sizeBytes !== null ? sizeText(m.sizeBytes) : ''].filter(Boolean).join(', ');
}

export function MaterialItem({ m, onRemove, removeLabel, busy }: { m: Material; onRemove?: () => void; removeLabel?: string; busy?: boolean }) {
  return (
    <li class="material">
      <MaterialTitle m={m} />
      <MaterialFacts m={m} />
      {onRemove && (
        <ConfirmButton label={removeLabel ?? `Remove ${m.title}`} question={`Remove “${m.title}”?`} confirmLabel="Yes, remove it" keepLabel="Keep it" onConfirm={onRemove} busy={busy} variant="secondary" />
      )}
    </li>
  );
}

/** A material's title: a file's download (when the reader may download it), a link's address, else its title alone. */
export function MaterialTitle({ m }: { m: Material }) {
  if (m.kind === 'file' && m.downloadUrl) {
    // Fetched by the page: refused (404) once it is taken off the session or deleted, (403) once the person's seat has gone.
    return (
      <DownloadLink class="material-title" href={m.downloadUrl} fallbackName={m.fileName ?? 'material'} what="file">
        Download {m.title}
      </DownloadLink>
    );
  }
  return (
    <p class="material-title">
      {m.kind === 'link' && m.url ? (
        <a href={m.url} rel="noopener noreferrer" target="_blank">
          {m.title} <span class="visually-hidden">(opens in a new tab)</span>
        </a>
      ) : (
        <strong>{m.title}</strong>
      )}
    </p>
  );
}

/** What a material is: its kind and size, and a file's name or a link's address. */
export function MaterialFacts({ m }: { m: Material }) {
  return (
    <p class="hint break">
      {describeMaterial(m)}
      {m.kind === 'file' && m.fileName ? ` · ${m.fileName}` : ''}
      {m.kind === 'link' && m.url ? ` · ${m.url}` : ''}
    </p>
  );
}
