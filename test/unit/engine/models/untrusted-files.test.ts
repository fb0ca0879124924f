/**
 * A model folder is untrusted input: the files a model references (TF.js weight shards, ONNX external data) and the
 * model file itself are read only from inside the model's folder (symlinks: inside its repository), only when they
 * are regular files, once, and after their size was checked. The TF.js cases go through both readers: the engine's
 * (openModel) and the extension host's hashing (results/hash.ts), which reads an ONNX model's own file only. A
 * regression fails its test by timeout instead of hanging the file (FIFO readers are released in `after`).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { KcError } from '../../../../src/engine/errors';
import { openModel } from '../../../../src/engine/models/index';
import { hashModelFiles } from '../../../../src/extension/results/hash';
import { SAMPLES } from './helpers';

const SEED1 = path.join(SAMPLES, 'mnist-cnn-seed1');
const WEIGHTS = readFileSync(path.join(SEED1, 'tfjs', 'weights.bin'));
/** Per test: long enough for a 2-core machine, short enough that an endless read fails instead of hanging. */
const LIMIT = { timeout: 30_000 };

const work = mkdtempSync(path.join(tmpdir(), 'kc-untrusted-'));
/** A repository (it has .git) holding the models, and a folder outside it. */
const repo = path.join(work, 'repo');
const outside = path.join(work, 'outside');
mkdirSync(path.join(repo, '.git'), { recursive: true });
mkdirSync(outside);
/** The same number of bytes as the weights, other content: a model that reads it loads (and would be wrong). */
const OUTSIDE_WEIGHTS = path.join(outside, 'weights.bin');
writeFileSync(OUTSIDE_WEIGHTS, Buffer.from(WEIGHTS.map((b) => b ^ 0xff)));
const fifos: string[] = [];

after(() => {
  // Releases a reader that a regression left waiting on a FIFO (no reader: ENXIO, nothing to release).
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting
    }
  }
  rmSync(work, { recursive: true, force: true });
});

/** A copy of seed1's TF.js export at `dir` (under the repository unless absolute), its manifest's paths replaced. */
function tfjsModel(dir: string, paths?: string[], weights?: unknown[]): string {
  const folder = path.resolve(repo, 'models', dir);
  cpSync(path.join(SEED1, 'tfjs'), folder, { recursive: true });
  const file = path.join(folder, 'model.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
  };
  if (paths) json.weightsManifest[0].paths = paths;
  if (weights) json.weightsManifest[0].weights = weights;
  writeFileSync(file, JSON.stringify(json));
  return file;
}

/** seed1's ONNX model in `dir` with its initializers saved as external data at `location` (bytes in weights.data). */
function onnxExternal(dir: string, location: string): string {
  const folder = path.join(repo, 'models', dir);
  mkdirSync(folder, { recursive: true });
  const proto = onnx.ModelProto.decode(readFileSync(path.join(SEED1, 'model.onnx')));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of proto.graph!.initializer as onnx.TensorProto[]) {
    chunks.push(t.rawData);
    t.externalData = [
      onnx.StringStringEntryProto.create({ key: 'location', value: location }),
      onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(t.rawData.length) }),
    ];
    offset += t.rawData.length;
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  }
  writeFileSync(path.join(folder, 'weights.data'), Buffer.concat(chunks));
  const file = path.join(folder, 'model.onnx');
  writeFileSync(file, onnx.ModelProto.encode(proto).finish());
  return file;
}

function mkfifo(file: string): void {
  rmSync(file, { force: true });
  execFileSync('mkfifo', [file]);
  fifos.push(file);
}

/**
 * Both readers refuse the model with a one-line KcError matching `pattern` that discloses nothing of `secret`
 * (the size of a file outside, as a number of bytes).
 */
async function refused(file: string, pattern: RegExp, secret?: number): Promise<void> {
  for (const [reader, read] of [
    ['openModel', openModel],
    ['hashModelFiles', hashModelFiles],
  ] as const) {
    await assert.rejects(read(file), (e: Error) => {
      assert.ok(e instanceof KcError, `${reader}: ${e.name}: ${e.message}`);
      assert.match(e.message, pattern, reader);
      assert.ok(!e.message.includes('\n'), `${reader}, one line: ${e.message}`);
      if (secret !== undefined)
        assert.ok(!new RegExp(`\\b${secret}\\b`).test(e.message), `${reader} disclosed ${secret}: ${e.message}`);
      return true;
    });
  }
}

/** Both readers accept the model, and agree on its content hash. */
async function accepted(file: string): Promise<string> {
  const model = await openModel(file);
  const hash = await hashModelFiles(file);
  assert.equal(model.ref.sha256, hash);
  await model.dispose();
  return hash;
}

describe('TF.js weight shards from an untrusted model folder', () => {
  it('a shard path with ../ out of the folder is refused', LIMIT, async () => {
    await refused(
      tfjsModel('parent', ['../../../outside/weights.bin']),
      /weight shard "\.\.\/\.\.\/\.\.\/outside\/weights\.bin" named in its weightsManifest is outside the model's folder/,
      WEIGHTS.length,
    );
  });

  it('an absolute shard path is refused, even to a file of the right size', LIMIT, async () => {
    await refused(
      tfjsModel('absolute', [OUTSIDE_WEIGHTS]),
      /model\.json: weight shard ".*outside\/weights\.bin" named in its weightsManifest is outside the model's folder/,
      WEIGHTS.length,
    );
  });

  it('/proc/self/environ as a shard is refused without disclosing its size', LIMIT, async () => {
    const size = readFileSync('/proc/self/environ').length;
    await refused(
      tfjsModel('proc', ['/proc/self/environ']),
      /"\/proc\/self\/environ" named in its weightsManifest is outside the model's folder/,
      size,
    );
  });

  it(
    '/dev/zero as a shard, by path or through a symlink in the folder, is refused (not read forever)',
    LIMIT,
    async () => {
      await refused(
        tfjsModel('dev-zero', ['/dev/zero']),
        /"\/dev\/zero" named in its weightsManifest is outside the model's folder/,
      );
      const file = tfjsModel('dev-zero-link');
      rmSync(path.join(path.dirname(file), 'weights.bin'));
      symlinkSync('/dev/zero', path.join(path.dirname(file), 'weights.bin'));
      await refused(
        file,
        /"weights\.bin" named in its weightsManifest is a symlink to outside the model's folder and repository/,
      );
    },
  );

  it('a FIFO as a shard is refused (no wait for a writer)', LIMIT, async () => {
    const file = tfjsModel('fifo');
    mkfifo(path.join(path.dirname(file), 'weights.bin'));
    await refused(file, /"weights\.bin" named in its weightsManifest is not a regular file/);
  });

  it('a folder as a shard is refused', LIMIT, async () => {
    const file = tfjsModel('folder', ['sub']);
    mkdirSync(path.join(path.dirname(file), 'sub'));
    await refused(file, /"sub" named in its weightsManifest is not a regular file/);
  });

  it('one shard listed 20,000 times is refused before anything is read (not 4 GB read)', LIMIT, async () => {
    // Weights declared to fill 20,000 copies exactly, so the size check alone would pass.
    const weights = [{ name: 'w', shape: [(WEIGHTS.length / 4) * 20_000], dtype: 'float32' }];
    const file = tfjsModel('repeated', new Array<string>(20_000).fill('weights.bin'), weights);
    await refused(file, /"weights\.bin" named in its weightsManifest is listed more than once/);
  });

  it('the same shard under two names (./x, a symlink) is refused', LIMIT, async () => {
    const weights = [{ name: 'w', shape: [(WEIGHTS.length / 4) * 2], dtype: 'float32' }];
    await refused(
      tfjsModel('renamed', ['weights.bin', './weights.bin'], weights),
      /"\.\/weights\.bin" named in its weightsManifest is listed more than once \(also as weight shard "weights\.bin"/,
    );
    const file = tfjsModel('aliased', ['weights.bin', 'alias.bin'], weights);
    symlinkSync('weights.bin', path.join(path.dirname(file), 'alias.bin'));
    await refused(file, /"alias\.bin" named in its weightsManifest is listed more than once/);
  });

  it('a symlinked shard whose target is outside the repository is refused', LIMIT, async () => {
    const file = tfjsModel('escape');
    rmSync(path.join(path.dirname(file), 'weights.bin'));
    symlinkSync(OUTSIDE_WEIGHTS, path.join(path.dirname(file), 'weights.bin'));
    await refused(
      file,
      /"weights\.bin" named in its weightsManifest is a symlink to outside the model's folder and repository/,
      WEIGHTS.length,
    );
  });

  it('a model.json that is a symlink to outside the repository is refused', LIMIT, async () => {
    const file = tfjsModel('escape-json');
    const target = path.join(outside, 'model.json');
    cpSync(file, target);
    rmSync(file);
    symlinkSync(target, file);
    await refused(file, /model\.json is a symlink to outside its folder and repository/);
  });

  it('without a repository, a symlink may not leave the model folder', LIMIT, async () => {
    const file = tfjsModel(path.join(work, 'plain', 'model'));
    const shared = path.join(work, 'plain', 'shared.bin');
    writeFileSync(shared, WEIGHTS);
    rmSync(path.join(path.dirname(file), 'weights.bin'));
    symlinkSync('../shared.bin', path.join(path.dirname(file), 'weights.bin'));
    await refused(
      file,
      /"weights\.bin" named in its weightsManifest is a symlink to outside the model's folder and repository/,
    );
  });

  it(
    'DVC and git-annex layouts (symlinks into a cache inside the repository) load, with the same hash as plain files',
    LIMIT,
    async () => {
      const plain = await accepted(tfjsModel('plain'));
      // DVC: the shard is a symlink into .dvc/cache.
      const dvc = tfjsModel('dvc');
      mkdirSync(path.join(repo, '.dvc/cache/3f'), { recursive: true });
      writeFileSync(path.join(repo, '.dvc/cache/3f/a1b2'), WEIGHTS);
      rmSync(path.join(path.dirname(dvc), 'weights.bin'));
      symlinkSync('../../.dvc/cache/3f/a1b2', path.join(path.dirname(dvc), 'weights.bin'));
      assert.equal(await accepted(dvc), plain);
      // git-annex: model.json and the shard are symlinks into .git/annex/objects; the shard resolves next to the link.
      const annex = tfjsModel('annex');
      const objects = path.join(repo, '.git/annex/objects');
      mkdirSync(path.join(objects, 'json'), { recursive: true });
      mkdirSync(path.join(objects, 'bin'), { recursive: true });
      for (const [name, object] of [
        ['model.json', 'json'],
        ['weights.bin', 'bin'],
      ]) {
        cpSync(path.join(path.dirname(annex), name), path.join(objects, object, name));
        rmSync(path.join(path.dirname(annex), name));
        symlinkSync(path.join('../../.git/annex/objects', object, name), path.join(path.dirname(annex), name));
      }
      assert.equal(await accepted(annex), plain);
    },
  );
});

describe('ONNX external data from an untrusted model folder', () => {
  it('a location with ../ out of the folder is refused', LIMIT, async () => {
    const file = onnxExternal('onnx-parent', '../../../outside/weights.data');
    cpSync(path.join(path.dirname(file), 'weights.data'), path.join(outside, 'weights.data'));
    await assert.rejects(
      openModel(file),
      /model\.onnx: external data "\.\.\/\.\.\/\.\.\/outside\/weights\.data" of tensor conv1\.weight is outside the model's folder/,
    );
  });

  it('/etc/passwd as the location of a bias is refused, its size undisclosed', LIMIT, async () => {
    const folder = path.join(repo, 'models', 'onnx-passwd');
    mkdirSync(folder, { recursive: true });
    const proto = onnx.ModelProto.decode(readFileSync(path.join(SEED1, 'model.onnx')));
    const bias = (proto.graph!.initializer as onnx.TensorProto[]).find((t) => t.name === 'conv1.bias')!;
    bias.externalData = [
      onnx.StringStringEntryProto.create({ key: 'location', value: '/etc/passwd' }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(bias.rawData.length) }),
    ];
    bias.rawData = new Uint8Array(0);
    bias.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    const file = path.join(folder, 'model.onnx');
    writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    await assert.rejects(openModel(file), (e: Error) => {
      assert.ok(e instanceof KcError);
      assert.match(e.message, /external data "\/etc\/passwd" of tensor conv1\.bias is outside the model's folder/);
      assert.ok(!new RegExp(`\\b${readFileSync('/etc/passwd').length}\\b`).test(e.message), e.message);
      return true;
    });
  });

  it('/dev/zero (through a symlink) and a FIFO as external data are refused', LIMIT, async () => {
    const zero = onnxExternal('onnx-zero', 'weights.data');
    rmSync(path.join(path.dirname(zero), 'weights.data'));
    symlinkSync('/dev/zero', path.join(path.dirname(zero), 'weights.data'));
    await assert.rejects(
      openModel(zero),
      /external data "weights\.data" of tensor conv1\.weight is a symlink to outside the model's folder and repository/,
    );
    const fifo = onnxExternal('onnx-fifo', 'weights.data');
    mkfifo(path.join(path.dirname(fifo), 'weights.data'));
    await assert.rejects(
      openModel(fifo),
      /external data "weights\.data" of tensor conv1\.weight is not a regular file/,
    );
  });

  it(
    'an .onnx file that is a symlink to /dev/zero or a FIFO is refused (the host hashes it, the engine opens it)',
    LIMIT,
    async () => {
      const folder = path.join(repo, 'models', 'onnx-special');
      mkdirSync(folder, { recursive: true });
      symlinkSync('/dev/zero', path.join(folder, 'zero.onnx'));
      await refused(path.join(folder, 'zero.onnx'), /zero\.onnx is a symlink to outside its folder and repository/);
      mkfifo(path.join(folder, 'fifo.onnx'));
      await refused(path.join(folder, 'fifo.onnx'), /fifo\.onnx is not a regular file/);
    },
  );

  it('a symlinked data file inside the repository loads; one outside it is refused', LIMIT, async () => {
    const inRepo = onnxExternal('onnx-dvc', 'weights.data');
    const cached = path.join(repo, '.dvc/cache/onnx-weights');
    mkdirSync(path.dirname(cached), { recursive: true });
    cpSync(path.join(path.dirname(inRepo), 'weights.data'), cached);
    rmSync(path.join(path.dirname(inRepo), 'weights.data'));
    symlinkSync(cached, path.join(path.dirname(inRepo), 'weights.data'));
    await (await openModel(inRepo)).dispose();
    const escape = onnxExternal('onnx-escape', 'weights.data');
    cpSync(cached, path.join(outside, 'onnx-weights'));
    rmSync(path.join(path.dirname(escape), 'weights.data'));
    symlinkSync(path.join(outside, 'onnx-weights'), path.join(path.dirname(escape), 'weights.data'));
    await assert.rejects(
      openModel(escape),
      /external data "weights\.data" of tensor conv1\.weight is a symlink to outside the model's folder and repository/,
    );
  });
});
