import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { EventEmitter } from 'node:events';
import type { Checklist } from '../../core/model/checklist.js';
import type { RuleGroup } from '../../core/model/rule.js';
import { ServeMedicError } from '../../errors.js';
import { listRuleFiles, loadRules, type LoadRulesOptions } from './load-rules.js';

/**
 * The rules in force. Reloads on SIGHUP and when a rule file changes (fs.watch on the rule
 * directories, plus an mtime poll for the changes fs.watch misses: network filesystems,
 * Kubernetes ConfigMap symlink swaps). A reload that finds any problem keeps the last good rules
 * and logs each problem on its own line. Alert state is not held here (it is in Redis, keyed by
 * alert name), so a reload never loses it: listeners just get the new groups.
 */
export interface RuleSetLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RuleSetOptions {
  readonly paths: readonly string[];
  readonly load?: LoadRulesOptions;
  readonly logger?: RuleSetLogger;
  /** mtime poll period; 0 turns polling off. Default 5 s. */
  readonly pollIntervalMs?: number;
  /** Watch the rule directories with fs.watch. Default true. */
  readonly watch?: boolean;
  /** Bursts of file events (an editor's save) become one reload after this quiet time. Default 200 ms. */
  readonly debounceMs?: number;
  /** Where SIGHUP comes from; default `process`. */
  readonly signals?: EventEmitter;
}

export interface RuleSetReload {
  readonly ok: boolean;
  /** True when the rules in force changed. */
  readonly changed: boolean;
  readonly errors: readonly string[];
  readonly groups: readonly RuleGroup[];
}

type Listener = (groups: readonly RuleGroup[]) => void;

const silent: RuleSetLogger = { info: () => {}, warn: () => {} };

export class RuleSet {
  private current: readonly RuleGroup[] = [];
  private currentChecklist: Checklist | null = null;
  private signature = '';
  private readonly listeners = new Set<Listener>();
  private readonly watchers: FSWatcher[] = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<RuleSetReload> | null = null;
  private again = false;
  private stopped = false;
  private readonly logger: RuleSetLogger;
  private readonly cwd: string;
  private readonly onSighup = () => void this.reload('SIGHUP');

  private constructor(private readonly options: RuleSetOptions) {
    this.logger = options.logger ?? silent;
    this.cwd = options.load?.cwd ?? process.cwd();
  }

  /** Loads the rules; a problem on the first load is an error (there are no last good rules). */
  static async create(options: RuleSetOptions): Promise<RuleSet> {
    const set = new RuleSet(options);
    const first = await set.reload('start');
    if (!first.ok) {
      throw new ServeMedicError('RULES_INVALID', `the rules have ${first.errors.length} problem(s):\n${first.errors.join('\n')}`, {
        details: { errors: first.errors },
      });
    }
    return set;
  }

  groups(): readonly RuleGroup[] {
    return this.current;
  }

  checklist(): Checklist | null {
    return this.currentChecklist;
  }

  /** Called with the new groups after every reload that changed them. Returns an unsubscribe. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads every rule file now. Concurrent calls share one reload (and one more after it). */
  reload(reason: string): Promise<RuleSetReload> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = this.doReload(reason).finally(() => {
      this.reloading = null;
      if (this.again) {
        this.again = false;
        void this.reload(reason);
      }
    });
    return this.reloading;
  }

  private async doReload(reason: string): Promise<RuleSetReload> {
    this.signature = await this.fileSignature();
    const loaded = await loadRules(this.options.paths, this.options.load);
    if (loaded.errors.length > 0) {
      this.logger.warn({ reason, problems: loaded.errors.length }, 'rules reload failed: keeping the last good rules');
      for (const e of loaded.errors) this.logger.warn({ reason }, e);
      return { ok: false, changed: false, errors: loaded.errors, groups: this.current };
    }
    const changed = JSON.stringify(loaded.groups) !== JSON.stringify(this.current) || JSON.stringify(loaded.checklist) !== JSON.stringify(this.currentChecklist);
    this.current = loaded.groups;
    this.currentChecklist = loaded.checklist;
    if (changed) {
      const rules = loaded.groups.reduce((n, g) => n + g.rules.length, 0);
      this.logger.info({ reason, groups: loaded.groups.length, rules, files: loaded.files.length }, 'rules loaded');
      for (const listener of this.listeners) listener(this.current);
    }
    return { ok: true, changed, errors: [], groups: this.current };
  }

  /** Names, sizes and mtimes of every rule file and the checklist: a change means reload. */
  private async fileSignature(): Promise<string> {
    const { files, dirs } = await listRuleFiles(this.options.paths, this.cwd);
    const all = [...files, ...dirs.map((d) => resolve(this.cwd, d, 'checklist.yaml'))];
    if (this.options.load?.checklistPath) all.push(this.options.load.checklistPath);
    const parts: string[] = [];
    for (const f of all) {
      try {
        const s = await stat(resolve(this.cwd, f));
        parts.push(`${f}:${s.size}:${s.mtimeMs}`);
      } catch {
        parts.push(`${f}:missing`);
      }
    }
    return parts.join('\n');
  }

  private scheduleReload(reason: string): void {
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.reload(reason), this.options.debounceMs ?? 200);
    this.debounceTimer.unref();
  }

  /** Starts reacting to SIGHUP, file events and mtime changes. */
  start(): void {
    (this.options.signals ?? process).on('SIGHUP', this.onSighup);
    if (this.options.watch ?? true) {
      const dirs = new Set<string>();
      for (const p of this.options.paths) dirs.add(resolve(this.cwd, p));
      for (const dir of dirs) this.watchPath(dir);
    }
    const poll = this.options.pollIntervalMs ?? 5000;
    if (poll > 0) {
      this.pollTimer = setInterval(() => {
        void this.fileSignature().then((sig) => {
          if (sig !== this.signature && !this.reloading) this.scheduleReload('file change (poll)');
        });
      }, poll);
      this.pollTimer.unref();
    }
  }

  private watchPath(path: string): void {
    const attach = (target: string) => {
      if (this.stopped) return;
      try {
        const w = watch(target, { persistent: false }, () => this.scheduleReload('file change'));
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // A path that does not exist yet: the mtime poll notices when it appears.
      }
    };
    // A file is watched through its directory: editors and ConfigMaps replace files, which
    // ends a watch on the file itself.
    void stat(path).then(
      (s) => attach(s.isDirectory() ? path : dirname(path)),
      () => attach(dirname(path)),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    (this.options.signals ?? process).off('SIGHUP', this.onSighup);
    for (const w of this.watchers.splice(0)) w.close();
    clearInterval(this.pollTimer);
    clearTimeout(this.debounceTimer);
    await this.reloading;
  }
}
