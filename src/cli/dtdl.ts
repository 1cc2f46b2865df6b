import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseModels, type DtdlError } from '../dtdl/index.js';
import { parseFlags } from '../config/index.js';
import { CliErrors } from './errors.js';
import type { CliCommand } from './command.js';

const USAGE = `Usage: twinworks dtdl validate [--json] FILE|DIR…
Parses every .json file given (folders are searched recursively) together as one DTDL model and
reports each error with its file, JSON path, rule code and message. Exit code 0 when valid.`;

/** Offline DTDL validation, for model authors and CI pipelines. */
export const dtdlCommand: CliCommand = {
  name: 'dtdl',
  summary: 'validate DTDL v2/v3 model files',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, [{ name: 'json', boolean: true }, { name: 'data' }]);
    const [action, ...paths] = positionals;
    if (action !== 'validate' || paths.length === 0) throw CliErrors.create('usage', `dtdl needs 'validate' and at least one file or folder\n${USAGE}`);
    const files = paths.flatMap((p) => collect(p));
    if (files.length === 0) throw CliErrors.create('usage', `no .json files under ${paths.join(', ')}`);
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const started = performance.now();
    const result = await parseModels(texts);
    const ms = Math.round(performance.now() - started);
    if (values['json'] === true) {
      io.stdout(JSON.stringify(result.ok ? { valid: true, interfaces: result.graph.interfaces.size } : { valid: false, errors: result.errors.map((e) => ({ file: fileOf(e, files), ...e })), unresolved: result.unresolved ?? [] }, null, 2));
      return result.ok ? 0 : 1;
    }
    if (result.ok) {
      io.stdout(`valid: ${result.graph.interfaces.size} interfaces in ${files.length} files (${ms} ms)`);
      return 0;
    }
    for (const e of result.errors) io.stdout(`${fileOf(e, files) ?? '(resolved model)'}: ${e.path ?? '$'}${e.line ? ` (line ${e.line})` : ''}: ${e.code}: ${e.message}${e.section ? ` [${e.section}]` : ''}`);
    if (result.unresolved?.length) io.stdout(`unresolved references: ${result.unresolved.join(', ')}`);
    io.stdout(`invalid: ${result.errors.length} error(s) in ${files.length} files`);
    return 1;
  },
};

function fileOf(e: DtdlError, files: readonly string[]): string | undefined {
  return e.documentIndex === undefined ? undefined : relative(process.cwd(), files[e.documentIndex] ?? '');
}

function collect(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw CliErrors.create('usage', `no such file or folder: ${path}`);
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const p = join(path, name);
      return statSync(p).isDirectory() ? collect(p) : name.endsWith('.json') ? [p] : [];
    });
}
