// The durable outbox. Every change the bot reports is written as an event in the same transaction
// as the change itself, exactly once (by dedupe key); the Discord poster and the digest read it. The events
// table's owner is src/store/outbox-store.ts; the kinds of event, how each is built and how a row is read
// back are in event-kinds.ts.
export { EVENT_TYPES, parseStoredEvent, readableEvents, type EventType, type NewEvent, type StoredEvent } from './event-kinds.ts';
