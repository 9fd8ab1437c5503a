import type { Tone } from '../data/columns.js';

/** Terminal colours of the console's tones; one place, so screens agree. */
export function toneColor(tone: Tone | undefined): string | undefined {
  switch (tone) {
    case 'good':
      return 'green';
    case 'warn':
      return 'yellow';
    case 'bad':
      return 'red';
    case 'dim':
      return 'gray';
    case 'accent':
      return 'cyan';
    default:
      return undefined;
  }
}
