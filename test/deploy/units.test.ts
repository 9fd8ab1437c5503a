import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { includedPaths, withIncludes } from '../../src/cli/reference.js';
import { PYTHON, runProcess } from '../helpers/python.js';
import {
  deployFiles,
  one,
  parseIni,
  read,
  ROOT,
  rqtsCommands,
  seconds,
  unknownFlags,
  type Ini,
} from './deploy-files.js';

// The process-manager files under deploy/ are what docs/deploy.md tells operators to install:
// each must load in systemd (or supervisord, or docker compose) as written, stop rqts the way
// rqts stops (warm, then cold, then SIGKILL, never a signal to the horse), and use only flags
// that exist. The stop helper itself runs against a real worker in stop-helper.test.ts.

const UNITS = deployFiles().filter((file) => file.endsWith('.service'));
const JOB_RUNNERS = UNITS.filter((file) => /rqts-worker/.test(file));
const deployDoc = read('docs/deploy.md');

function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The warm window an ExecStop= gives rqts-stop. */
function warmWindow(unit: Ini): number {
  const stop = one(unit, 'Service', 'ExecStop') ?? '';
  const match = /^\/usr\/local\/lib\/rqts\/rqts-stop (\d+) \$MAINPID$/.exec(stop);
  if (!match) throw new Error(`ExecStop= is not rqts-stop WINDOW $MAINPID: ${stop}`);
  return Number(match[1]);
}

// The [Unit]/[Service]/[Install] keys these units may use: a typo (KillMod=) is otherwise
// ignored by systemd with only a warning, and the stop then behaves as the default.
const KNOWN: Record<string, readonly string[]> = {
  Unit: [
    'Description',
    'Documentation',
    'After',
    'Before',
    'Wants',
    'Requires',
    'PartOf',
    'StartLimitIntervalSec',
    'StartLimitBurst',
  ],
  Service: [
    'Type',
    'User',
    'Group',
    'DynamicUser',
    'WorkingDirectory',
    'Environment',
    'EnvironmentFile',
    'ExecStart',
    'ExecStop',
    'ExecReload',
    'KillSignal',
    'KillMode',
    'TimeoutStopSec',
    'SendSIGKILL',
    'Restart',
    'RestartSec',
    'NoNewPrivileges',
    'PrivateTmp',
    'ProtectSystem',
    'ProtectHome',
    'SyslogIdentifier',
  ],
  Install: ['WantedBy', 'RequiredBy', 'Alias'],
};

describe('systemd units', () => {
  it.skipIf(!hasTool('systemd-analyze'))('each passes systemd-analyze verify without a warning', () => {
    // verify checks that ExecStart's binary exists: point the units at this checkout's.
    const dir = mkdtempSync(path.join(tmpdir(), 'rqts-units-'));
    const paths = UNITS.map((file) => {
      const text = read(file)
        .replaceAll('/usr/local/bin/rqts', path.join(ROOT, 'bin/rqts.js'))
        .replaceAll('/usr/local/lib/rqts/rqts-stop', path.join(ROOT, 'deploy/systemd/rqts-stop'));
      // A template is verified as one of its instances.
      const target = path.join(dir, path.basename(file).replace('@.service', '@1.service'));
      writeFileSync(target, text);
      return target;
    });
    const verify = spawnSync('systemd-analyze', ['verify', ...paths], { encoding: 'utf8' });
    expect(verify.status, `systemd-analyze verify:\n${verify.stdout}${verify.stderr}`).toBe(0);
    const output = `${verify.stdout}${verify.stderr}`;
    expect(output.trim()).toBe('');
    // And the tool does catch what the parser below guards against.
    const broken = path.join(dir, 'broken.service');
    writeFileSync(broken, read(UNITS[0]!).replace('KillMode=', 'KillMod='));
    const result = spawnSync('systemd-analyze', ['verify', broken], { encoding: 'utf8' }).stderr;
    expect(result).toMatch(/Unknown key 'KillMod'/);
  });

  it('parse: only known sections and keys, each set once, with the values a stop needs', () => {
    expect(UNITS.length).toBe(3);
    for (const file of UNITS) {
      const unit = parseIni(read(file));
      expect([...unit.keys()], file).toEqual(['Unit', 'Service', 'Install']);
      for (const [section, entries] of unit)
        for (const [key, values] of entries) {
          expect(KNOWN[section], `${file}: [${section}] ${key}`).toContain(key);
          expect(values.length, `${file}: ${key} set twice`).toBe(1);
        }
      expect(one(unit, 'Service', 'Type'), file).toBe('simple');
      expect(one(unit, 'Service', 'KillSignal'), file).toBe('SIGTERM');
      expect(one(unit, 'Service', 'Restart'), file).toBe('always');
      expect(one(unit, 'Service', 'ExecStart'), file).toMatch(/^\/usr\/local\/bin\/rqts [a-z-]+ /);
      expect(one(unit, 'Install', 'WantedBy'), file).toBe('multi-user.target');
    }
  });

  it('workers and pools: the stop signal reaches the main process only, and the timeout covers warm + cold', () => {
    expect(JOB_RUNNERS.map((f) => path.basename(f))).toEqual([
      'rqts-worker-pool.service',
      'rqts-worker@.service',
    ]);
    for (const file of JOB_RUNNERS) {
      const unit = parseIni(read(file));
      expect(one(unit, 'Service', 'KillMode'), file).toBe('mixed');
      const warm = warmWindow(unit);
      expect(warm, file).toBeGreaterThanOrEqual(180); // RQ's default job timeout
      // The cold stop after the window: kill the horse, fail the job, death (<= 5 s to register).
      expect(seconds(one(unit, 'Service', 'TimeoutStopSec')!) - warm, file).toBeGreaterThanOrEqual(15);
    }
    const exporter = parseIni(read('deploy/systemd/rqts-metrics.service'));
    expect(one(exporter, 'Service', 'ExecStop')).toBeUndefined();
    expect(seconds(one(exporter, 'Service', 'TimeoutStopSec')!)).toBeLessThanOrEqual(30);
  });
});

describe('supervisord and containers', () => {
  it('supervisord: every program stops with SIGTERM, workers get the warm window before the SIGKILL', () => {
    const conf = parseIni(read('deploy/supervisor/rqts.conf'));
    const worker = parseIni(read('deploy/systemd/rqts-worker@.service'));
    expect([...conf.keys()]).toEqual([
      'program:rqts-worker',
      'program:rqts-worker-pool',
      'program:rqts-metrics',
    ]);
    for (const [program] of conf) {
      expect(one(conf, program, 'stopsignal'), program).toBe('TERM');
      expect(one(conf, program, 'autorestart'), program).toBe('true');
      expect(one(conf, program, 'command'), program).toMatch(/^\/usr\/local\/bin\/rqts /);
    }
    for (const program of ['program:rqts-worker', 'program:rqts-worker-pool']) {
      expect(Number(one(conf, program, 'stopwaitsecs'))).toBe(
        seconds(one(worker, 'Service', 'TimeoutStopSec')!),
      );
      expect(one(conf, program, 'killasgroup')).toBe('false');
    }
    expect(one(conf, 'program:rqts-worker', 'process_name')).toContain('%(process_num)s');
  });

  it('compose: the worker runs under an init, with the warm window as its grace period', async () => {
    const result = await runProcess(PYTHON, [
      '-c',
      'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))',
      path.join(ROOT, 'deploy/container/compose.yaml'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const compose = JSON.parse(result.stdout) as {
      services: Record<
        string,
        { command: string[]; init?: boolean; stop_grace_period?: string; build?: unknown }
      >;
    };
    const worker = compose.services.worker!;
    expect(worker.init).toBe(true);
    expect(worker.stop_grace_period).toBe('210s');
    for (const name of ['worker', 'metrics']) {
      const service = compose.services[name]!;
      expect(service.build).toEqual({ context: '../..', dockerfile: 'deploy/container/Dockerfile' });
      expect(unknownFlags(service.command), name).toEqual([]);
    }
    const dockerfile = read('deploy/container/Dockerfile');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["rqts"\]$/m);
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(unknownFlags(cmd)).toEqual([]);
    // Every file the image build copies exists in the repository.
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const file of source!.split(' '))
        expect(() => readFileSync(path.join(ROOT, file)), file).not.toThrow(/ENOENT/);
  });
});

describe('flags and docs', () => {
  it('every rqts command line in deploy/ and docs/deploy.md uses flags that --help lists', () => {
    const lines = [...deployFiles().map(read), deployDoc].flatMap(rqtsCommands);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.flatMap(unknownFlags)).toEqual([]);
    // The check itself catches a flag that does not exist.
    expect(unknownFlags(['worker', '--no-such-flag', '-b'])).toEqual(['worker --no-such-flag']);
    expect(unknownFlags(['worker-pool', '-n', '4'])).toEqual([]);
  });

  it('docs/deploy.md shows every file of deploy/ as it is, and README and docs link to it', () => {
    expect(includedPaths(deployDoc).sort()).toEqual(deployFiles());
    expect(deployDoc, 'stale copy of a deploy/ file: run `npm run docs`').toBe(withIncludes(deployDoc, read));
    expect(read('README.md')).toContain('](docs/deploy.md)');
    expect(read('docs/worker.md')).toContain('](deploy.md)');
  });
});
