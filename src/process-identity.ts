// Who this process is, for every claim it takes on shared work (a feed's poll, a delivery, a digest run, a
// scheduler's firing): made once per process by openApp, shown in `/feeds status` and the CLI. The host and
// pid say where to look; the random part tells apart two processes that reused a pid (a restart, a container).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export function newProcessId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}
