/**
 * The history's block packer, in a worker thread (bundled as `dist/historyWorker.js`, compiled next
 * to blockPacker.js in tests): splitting request bodies into lines, the word filter and gzip take
 * longer than the store's own work per item, so they run here instead of on the thread that serves
 * the app's requests. The finished blocks go back transferred. Plain Node: never import `vscode` here.
 */
import { parentPort } from 'worker_threads';
import { PackLimits, PackPiece, packPieces, transferable } from './blockPacker';

parentPort?.on('message', (message: { id: number; pieces: PackPiece[]; limits: PackLimits }) => {
  try {
    const blocks = packPieces(message.pieces, message.limits);
    parentPort!.postMessage({ id: message.id, blocks }, transferable(blocks.flatMap((block) => [block.filter, block.packed])));
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
