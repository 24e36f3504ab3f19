/**
 * Forked by forward.bench: the fake ingestion server from test/fakes in its own process, so the
 * sender under test does not share an event loop with it. Reports what it received when stopped.
 */
import { FakeIngestion } from '../test/fakes/fakeIngestion';
import { failParent, serveParent } from './workload';

export interface FakeReady {
  readonly url: string;
}
export interface FakeStopped {
  readonly items: number;
  readonly requests: number;
  readonly keys: string[];
}

FakeIngestion.start()
  .then((fake) =>
    serveParent<FakeReady, FakeStopped>({ url: fake.url }, async () => {
      const received = fake.received();
      const stopped = {
        items: received.length,
        requests: fake.requests().length,
        keys: [...new Set(received.map((envelope) => String(envelope.iKey)))],
      };
      await fake.close();
      return stopped;
    }),
  )
  .catch(failParent);
