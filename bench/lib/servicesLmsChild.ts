/**
 * Child process for the services benchmarks: runs the LMS emulator on its own CPU (a real LMS is another
 * machine) and answers the parent's requests over IPC.
 */
import { pino } from 'pino';
import { startDevPlatform, type DevPlatform } from '../../src/devplatform/index.js';

type Request = { id: number; cmd: 'start'; toolUrl: string } | { id: number; cmd: 'seedMembers'; n: number } | { id: number; cmd: 'setMemberStatus'; userId: string; status: 'Active' | 'Inactive' } | { id: number; cmd: 'results' | 'scoreHistory' | 'close' };

let lms: DevPlatform | undefined;
process.on('message', (raw) => {
  const req = raw as Request;
  const answer = async (): Promise<unknown> => {
    switch (req.cmd) {
      case 'start':
        lms = await startDevPlatform({ port: 0, toolUrl: req.toolUrl, mode: 'generic', logger: pino({ level: 'silent' }) });
        return { url: lms.url, courseId: lms.courseId, registration: lms.registration() };
      case 'seedMembers':
        return (await lms!.seedMembers(req.n)).map((u) => u.id);
      case 'setMemberStatus':
        await lms!.setMemberStatus(req.userId, req.status);
        return null;
      case 'results':
        return lms!.results();
      case 'scoreHistory':
        return lms!.scoreHistory();
      case 'close':
        await lms?.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  answer().then(
    (value) => process.send?.({ id: req.id, value }),
    (err: unknown) => process.send?.({ id: req.id, error: String(err) }),
  );
});
