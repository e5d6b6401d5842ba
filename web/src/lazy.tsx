/**
 * Pages fetched when first opened, each in a chunk of its own: a member of staff, who uses the
 * session list, their bookings, calendar and timetable, does not download the trainer's,
 * office's and administrator's pages or the live room (the first visit is quicker on a slow
 * school connection; the browser keeps the chunks for the next). Until the page's code has
 * come, "Loading the page…" (which test/browser/harness.ts's `settled` waits out, as it does
 * any loading line); if it cannot be fetched, an h1 that says so and a way to reload: a browser
 * does not fetch a module again that once failed, so reloading the page is what works.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { PageHeading, useApp } from './components.js';

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let Page: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const fetchPage = () =>
    (pending ??= load().then(
      (p) => (Page = p),
      (e: unknown) => {
        pending = null;
        throw e;
      },
    ));
  function Lazy(props: P) {
    const { loc } = useApp();
    const [, setLoaded] = useState(false);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Page) return;
      let live = true;
      fetchPage().then(
        () => live && setLoaded(true),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, []);
    if (Page) return <Page {...props} />;
    if (failed) {
      return (
        <>
          <PageHeading title="Page not available" navigated={loc.navigated} error>
            Page not available
          </PageHeading>
          <div role="alert" class="notice notice-error retry">
            <p>This page could not be loaded. Check your connection, then reload the page.</p>
            <button type="button" class="button button-secondary" onClick={() => location.reload()}>
              Reload the page
            </button>
          </div>
        </>
      );
    }
    return <p class="loading">Loading the page…</p>;
  }
  return Lazy;
}
