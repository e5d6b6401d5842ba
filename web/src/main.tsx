import { render } from 'preact';

function App() {
  return (
    <main>
      <h1>SEND Live Training</h1>
      <p>Loading…</p>
    </main>
  );
}

render(<App />, document.getElementById('app')!);
