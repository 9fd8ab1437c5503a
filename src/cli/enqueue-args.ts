import { readFileSync } from 'node:fs';
import { RqtsError } from '../errors.js';

// RQ's `rq enqueue` argument syntax (docs/protocol.md §8.3), so scripts written for rq work:
//   value       positional text          key=value    keyword text
//   :json       positional JSON          key:=json    keyword JSON
//   @file / key=@file / :@file           the value is read from that file (then parsed)
// `%expr` / `key%=expr` mean Python's ast.literal_eval, which has no faithful JS twin, so
// they are refused with a pointer to the JSON form instead of being guessed at.

export interface FunctionArguments {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

type Mode = 'text' | 'json' | 'literal';

export function parseFunctionArgs(
  argv: readonly string[],
  readFile: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): FunctionArguments {
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  for (const argument of argv) {
    const { keyword, value } = parseFunctionArg(argument, args.length + 1, readFile);
    if (keyword === undefined) {
      args.push(value);
    } else {
      if (Object.hasOwn(kwargs, keyword)) {
        throw new RqtsError(
          'BAD_ARGUMENT',
          `Keyword argument ${keyword} is given more than once`,
          'Give each keyword once',
        );
      }
      kwargs[keyword] = value;
    }
  }
  return { args, kwargs };
}

export function parseFunctionArg(
  argument: string,
  position: number,
  readFile: (file: string) => string,
): { keyword?: string; value: unknown } {
  let mode: Mode = 'text';
  let rest = argument;
  if (rest.startsWith(':')) {
    mode = 'json';
    rest = rest.slice(1);
  } else if (rest.startsWith('%')) {
    mode = 'literal';
    rest = rest.slice(1);
  }
  let keyword: string | undefined;
  let text = rest;
  const equals = rest.indexOf('=');
  // As in rq: an `=` at position 0 is part of a positional value, not an empty keyword.
  if (equals > 0) {
    if (rest[equals - 1] === ':' && rest.indexOf(':') === equals - 1) {
      mode = 'json';
      keyword = rest.slice(0, equals - 1);
    } else if (rest[equals - 1] === '%' && rest.indexOf('%') === equals - 1) {
      mode = 'literal';
      keyword = rest.slice(0, equals - 1);
    } else {
      keyword = rest.slice(0, equals);
    }
    text = rest.slice(equals + 1);
  }
  const which = keyword !== undefined ? `keyword argument ${keyword}` : `argument ${position}`;
  if (mode === 'literal') {
    throw new RqtsError(
      'BAD_ARGUMENT',
      `${capitalize(which)} (${JSON.stringify(argument)}) uses %, Python's literal syntax, which rqts cannot evaluate`,
      `Write it as JSON instead: ${keyword !== undefined ? `${keyword}:=` : ':'}<json>, e.g. ${keyword !== undefined ? `${keyword}:=` : ':'}'[1, 2]'`,
    );
  }
  if (text.startsWith('@')) {
    const file = text.slice(1);
    try {
      text = readFile(file);
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message;
      throw new RqtsError(
        'BAD_ARGUMENT',
        `Cannot read file ${JSON.stringify(file)} for ${which}: ${reason}`,
        'Check the path after @ (relative to the current directory)',
      );
    }
  }
  if (mode === 'json') {
    try {
      return { keyword, value: JSON.parse(text) as unknown };
    } catch (error) {
      throw new RqtsError(
        'BAD_ARGUMENT',
        `Cannot parse ${which} as JSON (${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text)}: ${(error as Error).message})`,
        "Quote JSON for the shell, e.g. :'{\"a\": 1}' or key:='[1, 2]'",
      );
    }
  }
  return { keyword, value: text };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
