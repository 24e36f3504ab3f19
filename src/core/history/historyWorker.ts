/**
 * The history's block packer, in a worker thread (bundled as `dist/historyWorker.js`, compiled next
 * to blockPacker.js in tests): lowercasing, the word filter and gzip of a block's JSON lines take
 * about as long as parsing the items did, so they run here instead of on the thread that serves
 * the app's requests. Plain Node: never import `vscode` here.
 */
import { parentPort } from 'worker_threads';
import { packBlock } from './blockPacker';

parentPort?.on('message', (message: { id: number; text: string }) => {
  try {
    const { filter, packed } = packBlock(message.text);
    parentPort!.postMessage({ id: message.id, filter, packed });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
