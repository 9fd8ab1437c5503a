import React from 'react';
import { Box, Text } from 'ink';
import { Panel } from './Panel.js';
import { LAUNCH_TOGGLES, launchFields, type LaunchDraft, type LaunchField, type Layer } from '../ui-state.js';
import type { PythonRq } from '../data/python-rq.js';
import { keyOf } from '../keymap.js';
import { sortColumns } from '../data/columns.js';
import type { JobListKind } from '../data/jobs.js';
import { sortLetters } from '../data/table.js';
import { displayWidth, escapeControl } from '../text.js';

function Button({
  label,
  focused,
  danger,
}: {
  label: string;
  focused: boolean;
  danger?: boolean;
}): React.JSX.Element {
  return (
    <Text inverse={focused} bold={focused} color={danger && !focused ? 'red' : undefined}>
      {focused ? `[ ${label} ]` : `  ${label}  `}
    </Text>
  );
}

export function ConfirmDialog({
  layer,
  width,
}: {
  layer: Extract<Layer, { type: 'confirm' }>;
  width: number;
}): React.JSX.Element {
  const { request, focus } = layer;
  return (
    <Panel color="red" title={request.title} width={width} maxWidth={100}>
      <Text wrap="truncate">
        <Text color="gray">target: </Text>
        <Text bold>{request.target}</Text>
      </Text>
      {request.details.map((line, i) => (
        <Text key={i} color="gray" wrap="truncate">
          {line}
        </Text>
      ))}
      <Box marginTop={1}>
        <Button label="Cancel" focused={focus === 'cancel'} />
        <Text> </Text>
        <Button label={request.confirmLabel} focused={focus === 'confirm'} danger />
        <Text color="gray">
          {`   ${keyOf('confirm.yes')} confirm · ${keyOf('confirm.no')} cancel · ${keyOf('confirm.focusNext')} move · ${keyOf('confirm.activate')} press`}
        </Text>
      </Box>
    </Panel>
  );
}

export function FilterPrompt({
  layer,
  active,
}: {
  layer: Extract<Layer, { type: 'filter' }>;
  /** The filter in force, shown beside the empty prompt. */
  active: string;
}): React.JSX.Element {
  if (layer.errorRegex)
    return (
      <Text wrap="truncate">
        <Text color="cyan" bold>
          {`requeue failed of ${escapeControl(layer.queue ?? '?')} whose error matches /`}
        </Text>
        <Text>{escapeControl(layer.draft)}</Text>
        <Text inverse> </Text>
        <Text color="gray">{`/   ${keyOf('input.submit')} next · ${keyOf('input.cancel')} cancel`}</Text>
      </Text>
    );
  if (layer.find)
    return (
      <Text wrap="truncate">
        <Text color="cyan" bold>
          job id:{' '}
        </Text>
        <Text>{escapeControl(layer.draft)}</Text>
        <Text inverse> </Text>
        <Text color="gray">
          {`   ${keyOf('input.submit')} find in every queue and registry · ${keyOf('input.cancel')} cancel`}
        </Text>
      </Text>
    );
  return (
    <Text wrap="truncate">
      <Text color="cyan" bold>
        {layer.regex ? 'regex/' : '/'}
      </Text>
      <Text>{escapeControl(layer.draft)}</Text>
      <Text inverse> </Text>
      <Text color="gray">
        {`   ${active ? `now /${escapeControl(active)}/ · ` : ''}queue: state: flag: func: · ${keyOf('input.submit')} apply · ${keyOf('input.cancel')} cancel · ${keyOf('filter.toggleRegex')} ${layer.regex ? 'substring' : 'regex'}`}
      </Text>
    </Text>
  );
}

const FIELD_LABELS: Record<LaunchField, string> = {
  kind: 'worker',
  queues: 'queues',
  count: 'how many',
  burst: 'mode',
  paths: '--path',
  serializer: 'serializer',
  asPool: 'launch as',
  poolName: 'pool name',
};

function kindValue(draft: LaunchDraft, python: PythonRq): string {
  const py =
    python.status === 'available'
      ? `Python RQ ${python.version} (${python.executable} -m rq.cli worker)`
      : undefined;
  if (draft.kind === 'python') return py ?? 'Python RQ';
  switch (python.status) {
    case 'available':
      return `rqts (or ${py ?? 'Python RQ'})`;
    case 'missing':
      return `rqts only: Python RQ cannot be chosen (${python.reason})`;
    default:
      return 'rqts (looking for Python RQ…)';
  }
}

function fieldValue(draft: LaunchDraft, field: LaunchField, python: PythonRq): string {
  switch (field) {
    case 'kind':
      return kindValue(draft, python);
    case 'burst':
      return draft.burst ? 'burst (exit when the queues are empty)' : 'long-running';
    case 'asPool':
      return draft.asPool
        ? 'one pool (rqts worker-pool supervising them)'
        : 'separate workers (one process each)';
    case 'paths':
      return draft.paths;
    default:
      return draft[field];
  }
}

/** The command the dialog will run, as it will run it (name and URL left out). */
export function launchPreview(draft: LaunchDraft): string {
  const paths = draft.paths
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const queues = draft.queues
    .split(/[\s,]+/)
    .filter(Boolean)
    .join(' ');
  const pool = draft.asPool && draft.kind === 'rqts';
  const command =
    draft.kind === 'python' ? 'rq worker' : pool ? `rqts worker-pool -n ${draft.count}` : 'rqts worker';
  const times = pool || draft.count === '1' ? '' : `${draft.count} × `;
  return `${times}${command} ${queues} ${paths.map((p) => `--path ${p}`).join(' ')}${paths.length ? ' ' : ''}-S ${draft.serializer.trim()}${draft.burst ? ' --burst' : ''}`;
}

const PREVIEW_LABEL = '  starts'.padEnd(13);

/** The rows the wrapped command line takes in a dialog of this terminal width (border and padding: 4). */
export function launchPreviewRows(draft: LaunchDraft, width: number): number {
  const inner = Math.max(20, Math.min(width, 100) - 4);
  return Math.max(1, Math.ceil(displayWidth(PREVIEW_LABEL + escapeControl(launchPreview(draft))) / inner));
}

export function LaunchDialog({
  layer,
  width,
  python,
}: {
  layer: Extract<Layer, { type: 'launch' }>;
  width: number;
  python: PythonRq;
}): React.JSX.Element {
  return (
    <Panel
      color="cyan"
      title="Launch workers (children of this console; output in Logs)"
      width={width}
      maxWidth={100}
    >
      {launchFields(layer.draft).map((field) => {
        const focused = layer.field === field;
        // Nothing to toggle to when Python RQ is missing: the line says why instead.
        const toggle = LAUNCH_TOGGLES.has(field) && !(field === 'kind' && python.status === 'missing');
        return (
          <Text key={field} wrap="truncate">
            <Text color={focused ? 'cyan' : 'gray'}>{focused ? '▸ ' : '  '}</Text>
            <Text color="gray">{FIELD_LABELS[field].padEnd(11)}</Text>
            <Text bold={focused}>{escapeControl(fieldValue(layer.draft, field, python))}</Text>
            {focused && !LAUNCH_TOGGLES.has(field) ? <Text inverse> </Text> : null}
            {focused && toggle ? <Text color="gray"> (space toggles)</Text> : null}
          </Text>
        );
      })}
      <Text wrap="wrap">
        <Text color="gray">{PREVIEW_LABEL}</Text>
        <Text>{escapeControl(launchPreview(layer.draft))}</Text>
      </Text>
      {layer.error ? (
        <Text color="red" wrap="truncate-middle">
          {escapeControl(layer.error)}
        </Text>
      ) : null}
      <Text color="gray">{`${keyOf('input.submit')} launch · ${keyOf('input.nextField')} next field · ${keyOf('input.cancel')} cancel`}</Text>
    </Panel>
  );
}

export function QuitDialog({
  layer,
  running,
}: {
  layer: Extract<Layer, { type: 'quit' }>;
  running: string[];
}): React.JSX.Element {
  if (layer.phase === 'stopping') {
    return (
      <Panel color="yellow" title="Stopping launched workers…">
        <Text>{layer.progress ?? ''}</Text>
      </Panel>
    );
  }
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        {running.length} launched worker{running.length === 1 ? ' is' : 's are'} still running:{' '}
        {running.join(', ')}
      </Text>
      <Text>
        <Text color="cyan" bold>
          {keyOf('quit.stopWorkers')}
        </Text>{' '}
        stop them (warm: current jobs finish) and quit ·{' '}
        <Text color="cyan" bold>
          {keyOf('quit.leaveWorkers')}
        </Text>{' '}
        leave them running, detached, and quit ·{' '}
        <Text color="cyan" bold>
          {keyOf('quit.cancel')}
        </Text>{' '}
        stay
      </Text>
    </Box>
  );
}

/** The sort prompt: each sortable column of the table with its letter, the sorted one's arrow. */
export function SortPrompt({
  layer,
  sort,
  kind,
}: {
  layer: Extract<Layer, { type: 'sort' }>;
  sort: { column: string; descending: boolean };
  kind: JobListKind;
}): React.JSX.Element {
  const keys = sortLetters(sortColumns(layer.table, kind));
  return (
    <Text wrap="truncate">
      <Text color="cyan" bold>
        sort by:
      </Text>
      {keys.map((k) => (
        <Text key={k.id}>
          <Text color="cyan" bold>{` ${k.letter}`}</Text>
          <Text>{` ${k.title}${k.id === sort.column ? (sort.descending ? '↓' : '↑') : ''}`}</Text>
        </Text>
      ))}
      <Text color="gray">{`   again reverses · ${keyOf('input.cancel')} cancel`}</Text>
    </Text>
  );
}
