// Every request of the delivery REST client (alerts, digests, the looks before a resend) waits for its slot
// in the schedule all processes on the store share (src/send-pacer.ts), inside discord.js's own queues:
// discord.js still keeps each route's bucket and waits out 429s, and a retry after a 429 takes a new slot.
// Interaction responses go through the gateway client's REST, unpaced: Discord exempts them from the global
// limit, and they must answer within 3 s.
import { DefaultRestOptions, REST, type RESTOptions } from 'discord.js';
import type { SendPacer } from '../send-pacer.ts';

type MakeRequest = RESTOptions['makeRequest'];

/**
 * discord.js's request function, made to wait for a slot first. The wait is inside the REST client's
 * timeout (its abort ends the wait, and the request counts as failed without having been sent), so the
 * timeout must be well above the time a request can queue for its slot.
 */
export function pacedRequest(pacer: SendPacer, makeRequest: MakeRequest = DefaultRestOptions.makeRequest): MakeRequest {
  return async (url, init) => {
    await pacer.wait(init.signal);
    return makeRequest(url, init);
  };
}

/** A REST client whose every request is paced (discord.js's other options as given). */
export function pacedRest(options: Partial<RESTOptions>, pacer: SendPacer | undefined): REST {
  return new REST({ ...options, ...(pacer ? { makeRequest: pacedRequest(pacer, options.makeRequest) } : {}) });
}
