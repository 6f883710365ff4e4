/** gRPC for Node logs to the console on its own; this sends those lines to the process logger. */
import { format } from 'node:util';

import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

/**
 * routeGrpcLogs makes gRPC log through logger at debug: the errors it would print (a failed bind,
 * a dropped connection) are reported once, in our words, by the code that sees them.
 */
export function routeGrpcLogs(logger: Logger): void {
  const child = logger.child({ component: 'grpc-js' });
  const log = (...args: unknown[]): void => {
    child.debug(format(...args));
  };
  grpc.setLogger({ error: log, info: log, debug: log });
}
