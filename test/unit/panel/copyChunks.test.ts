/**
 * "Copy" from the live panel: the webview sends the text in chunks (src/webview/app.ts), the host
 * validates each message (isWebviewToHost) and puts the copy back together (CopyAssembler) before
 * it writes the clipboard. Issue 12: a 1,000,001-character copy was dropped by the validation
 * while the panel said "copied".
 */
import * as assert from 'assert';
import { CopyAssembler, type CopyChunk } from '../../../src/core/panel';
import { COPY_CHUNK_LENGTH, copyChunkTexts, isWebviewToHost, MAX_COPY_CHUNKS, MAX_COPY_LENGTH } from '../../../src/shared/messages';

/** The chunks the webview sends for `text` (PanelApp.copy cuts it with the same copyChunkTexts). */
function chunksOf(text: string, id: number): CopyChunk[] {
  const texts = copyChunkTexts(text);
  return texts.map((chunk, index) => ({ type: 'copyText' as const, id, index, count: texts.length, text: chunk }));
}

describe('Live panel copy chunks', () => {
  it('puts 2.5 million characters (with surrogate pairs across a chunk boundary) back together', () => {
    const text = `a${'😀'.repeat(1_250_000)}`;
    const chunks = chunksOf(text, 7);
    assert.strictEqual(chunks.length, 3);
    for (const chunk of chunks)
      assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(chunk.text), `chunk ${chunk.index} does not cut a surrogate pair`);
    for (const chunk of chunks) assert.ok(isWebviewToHost(chunk), `chunk ${chunk.index} passes the host's validation`);
    const assembler = new CopyAssembler();
    assert.deepStrictEqual(assembler.accept(chunks[0]!), { state: 'waiting' });
    assert.deepStrictEqual(assembler.accept(chunks[1]!), { state: 'waiting' });
    const done = assembler.accept(chunks[2]!);
    assert.ok(done.state === 'complete' && done.text === text);
  });

  it('a copy of MAX_COPY_LENGTH characters takes MAX_COPY_CHUNKS chunks, each valid', () => {
    const chunks = chunksOf('z'.repeat(MAX_COPY_LENGTH), 3);
    assert.strictEqual(chunks.length, MAX_COPY_CHUNKS);
    assert.ok(chunks.every((chunk) => isWebviewToHost(chunk)));
  });

  it('copies an empty text as one chunk', () => {
    assert.deepStrictEqual(new CopyAssembler().accept(chunksOf('', 1)[0]!), { state: 'complete', text: '' });
  });

  it('refuses a chunk out of order or of another copy, and a new copy replaces an unfinished one', () => {
    const first = chunksOf('a'.repeat(COPY_CHUNK_LENGTH * 2), 1);
    const second = chunksOf('b'.repeat(COPY_CHUNK_LENGTH + 1), 2);
    const assembler = new CopyAssembler();
    assembler.accept(first[0]!);
    assert.strictEqual(assembler.accept(second[1]!).state, 'refused');
    assert.strictEqual(assembler.accept(first[1]!).state, 'refused', 'the refused copy is forgotten');
    assembler.accept(first[0]!);
    assembler.accept(second[0]!);
    const done = assembler.accept(second[1]!);
    assert.ok(done.state === 'complete' && done.text === 'b'.repeat(COPY_CHUNK_LENGTH + 1));
  });

  it('the host validation bounds every chunk and the number of chunks', () => {
    const valid = { type: 'copyText', id: 1, index: 0, count: 1, text: 'x' };
    assert.ok(isWebviewToHost(valid));
    assert.ok(!isWebviewToHost({ ...valid, text: 'x'.repeat(COPY_CHUNK_LENGTH + 1) }));
    assert.ok(!isWebviewToHost({ ...valid, count: MAX_COPY_CHUNKS + 1 }));
    assert.ok(!isWebviewToHost({ ...valid, count: 0 }));
    assert.ok(!isWebviewToHost({ ...valid, index: 1 }));
    assert.ok(!isWebviewToHost({ ...valid, index: -1 }));
    assert.ok(!isWebviewToHost({ ...valid, id: 1.5 }));
    assert.ok(!isWebviewToHost({ ...valid, id: '1' }));
    assert.ok(!isWebviewToHost({ type: 'copyText', text: 'x' }), 'the old unchunked form');
    assert.strictEqual(MAX_COPY_LENGTH, COPY_CHUNK_LENGTH * MAX_COPY_CHUNKS);
  });
});
