import { render } from 'preact';
import { App } from './app';

const root = document.getElementById('app')!;
// The page's "Loading…" placeholder goes: Preact renders next to existing children rather than replacing them.
root.textContent = '';
render(<App />, root);
