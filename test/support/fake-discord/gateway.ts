// The fake gateway: HELLO, IDENTIFY/READY/GUILD_CREATE, heartbeats, RESUME, dispatches, and sharding as
// Discord does it: a session identifies as shard [id, count] (default [0, 1]), holds the servers with
// (guild_id >> 22) % count = id, and gets only their dispatches; dispatches without a server go to shard 0.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export interface GatewayEvent {
  type: 'connect' | 'identify' | 'resume' | 'invalid-session' | 'close' | 'presence-update' | 'request-members';
  /** performance-independent wall clock (ms). */
  at: number;
  detail: Record<string, unknown>;
}

interface Session {
  id: string;
  seq: number;
  /** Dispatches sent in this session, for replay on RESUME. */
  log: Array<{ s: number; frame: string }>;
  conn: Conn | null;
  intents: number;
  shard: [number, number];
}

interface Conn {
  ws: WebSocket;
  url: string;
  state: 'hello' | 'ready' | 'closed';
  session: Session | null;
}

interface Pending {
  t: string;
  d: unknown;
  onSent?: () => void;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  url(): string;
  readyPayload(sessionId: string, shard: [number, number], guildIds: string[]): Record<string, unknown>;
  /** Every server the bot is in. */
  guildIds(): string[];
  guildCreatePayload(guildId: string): Record<string, unknown>;
  /** A session holding more servers than this is closed with 4011 Sharding required (Discord: 2,500). */
  maxGuildsPerShard?: number | undefined;
  guildMembers(): unknown[];
  onChange(): void;
  debug(message: string): void;
}

const REPLAY_LIMIT = 1000;

export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly conns = new Set<Conn>();
  private readonly sessions = new Map<string, Session>();
  private pending: Pending[] = [];
  readonly events: GatewayEvent[] = [];
  heartbeats = 0;

  constructor(private readonly o: GatewayOptions) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req.url ?? '/'));
  }

  /** Connections that have identified (or resumed) and receive dispatches. */
  get readyCount(): number {
    return [...this.conns].filter((c) => c.state === 'ready').length;
  }

  get openCount(): number {
    return [...this.conns].filter((c) => c.state !== 'closed').length;
  }

  private record(type: GatewayEvent['type'], detail: Record<string, unknown> = {}): void {
    this.events.push({ type, at: Date.now(), detail });
    this.o.onChange();
  }

  private onConnection(ws: WebSocket, url: string): void {
    const conn: Conn = { ws, url, state: 'hello', session: null };
    this.conns.add(conn);
    const query = new URL(url, 'ws://fake.invalid').searchParams;
    this.record('connect', { url, v: query.get('v'), encoding: query.get('encoding'), compress: query.get('compress') });
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('close', (code, reason) => {
      conn.state = 'closed';
      if (conn.session?.conn === conn) conn.session.conn = null;
      this.conns.delete(conn);
      this.record('close', { code, reason: reason.toString() });
    });
    ws.on('error', (err) => this.o.debug(`gateway socket error: ${err.message}`));
    if (query.get('v') !== null && query.get('v') !== '10') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    this.sendRaw(conn, { op: 10, d: { heartbeat_interval: this.o.heartbeatIntervalMs, _trace: ['fake-discord'] }, s: null, t: null });
  }

  private sendRaw(conn: Conn, payload: unknown): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(payload));
  }

  private close(conn: Conn, code: number, reason: string): void {
    conn.state = 'closed';
    if (conn.ws.readyState === WebSocket.OPEN || conn.ws.readyState === WebSocket.CONNECTING) conn.ws.close(code, reason);
  }

  /** Sends a dispatch in the connection's session, with the session's next sequence number. */
  private sendDispatch(conn: Conn, t: string, d: unknown): void {
    const session = conn.session!;
    const s = ++session.seq;
    const frame = JSON.stringify({ op: 0, t, s, d });
    session.log.push({ s, frame });
    if (session.log.length > REPLAY_LIMIT) session.log.shift();
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(frame);
  }

  private onMessage(conn: Conn, data: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      payload = JSON.parse(rawDataText(data)) as { op?: unknown; d?: unknown };
    } catch {
      this.close(conn, 4002, 'Error while decoding payload.');
      return;
    }
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (payload.op) {
      case 1:
        this.heartbeats++;
        this.sendRaw(conn, { op: 11, d: null, s: null, t: null });
        this.o.onChange();
        return;
      case 2:
        return this.identify(conn, d);
      case 6:
        return this.resume(conn, d);
      case 3:
      case 8:
      case 4:
        if (!conn.session) return this.close(conn, 4003, 'Not authenticated.');
        if (payload.op === 3) this.record('presence-update', d);
        if (payload.op === 8) this.requestMembers(conn, d);
        return;
      default:
        this.close(conn, 4001, 'Unknown opcode.');
    }
  }

  private identify(conn: Conn, d: Record<string, unknown>): void {
    if (conn.session) return this.close(conn, 4005, 'Already authenticated.');
    if (d.token !== this.o.token) {
      this.record('identify', { ok: false, intents: d.intents });
      return this.close(conn, 4004, 'Authentication failed.');
    }
    const shard = d.shard === undefined ? ([0, 1] as [number, number]) : validShard(d.shard);
    if (!shard) {
      this.record('identify', { ok: false, intents: d.intents, shard: d.shard });
      return this.close(conn, 4010, 'Invalid shard.');
    }
    const guildIds = this.o.guildIds().filter((id) => holds(shard, id));
    if (guildIds.length > (this.o.maxGuildsPerShard ?? Infinity)) {
      this.record('identify', { ok: false, intents: d.intents, shard: d.shard });
      return this.close(conn, 4011, 'Sharding required.');
    }
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, log: [], conn, intents: Number(d.intents ?? 0), shard };
    this.sessions.set(session.id, session);
    conn.session = session;
    this.record('identify', { ok: true, intents: d.intents, shard: d.shard, sessionId: session.id });
    this.sendDispatch(conn, 'READY', this.o.readyPayload(session.id, shard, guildIds));
    for (const id of guildIds) this.sendDispatch(conn, 'GUILD_CREATE', this.o.guildCreatePayload(id));
    conn.state = 'ready';
    this.flush();
  }

  private resume(conn: Conn, d: Record<string, unknown>): void {
    if (d.token !== this.o.token) return this.close(conn, 4004, 'Authentication failed.');
    const session = this.sessions.get(String(d.session_id));
    const seq = Number(d.seq ?? 0);
    if (!session) {
      this.record('invalid-session', { sessionId: d.session_id });
      this.sendRaw(conn, { op: 9, d: false, s: null, t: null });
      return;
    }
    if (session.conn && session.conn !== conn) this.close(session.conn, 4000, 'Session resumed elsewhere');
    session.conn = conn;
    conn.session = session;
    const missed = session.log.filter((e) => e.s > seq);
    this.record('resume', { sessionId: session.id, seq, replayed: missed.length });
    for (const e of missed) conn.ws.send(e.frame);
    this.sendDispatch(conn, 'RESUMED', {});
    conn.state = 'ready';
    this.flush();
  }

  private requestMembers(conn: Conn, d: Record<string, unknown>): void {
    this.record('request-members', d);
    const ids = Array.isArray(d.user_ids) ? d.user_ids.map(String) : typeof d.user_ids === 'string' ? [d.user_ids] : null;
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Infinity;
    const members = (this.o.guildMembers() as Array<{ user: { id: string; username: string } }>)
      .filter((m) => (ids ? ids.includes(m.user.id) : m.user.username.toLowerCase().startsWith(query)))
      .slice(0, limit);
    const notFound = ids ? ids.filter((id) => !members.some((m) => m.user.id === id)) : [];
    this.sendDispatch(conn, 'GUILD_MEMBERS_CHUNK', {
      guild_id: d.guild_id,
      members,
      chunk_index: 0,
      chunk_count: 1,
      not_found: notFound,
      ...(d.nonce !== undefined ? { nonce: d.nonce } : {}),
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.dispatch(p.t, p.d, p.onSent);
  }

  /**
   * Sends a dispatch to every ready connection whose shard holds its server (`d.guild_id`; none: shard 0).
   * With none ready, `queue` keeps it until such a client identifies or resumes (interactions are never
   * lost); otherwise it is dropped.
   */
  dispatch(t: string, d: unknown, onSent?: () => void, queue = true): void {
    const guildId = (d as { guild_id?: unknown } | null)?.guild_id;
    const ready = [...this.conns].filter(
      (c) => c.state === 'ready' && c.session && (typeof guildId === 'string' ? holds(c.session.shard, guildId) : c.session.shard[0] === 0),
    );
    if (ready.length === 0) {
      if (queue) this.pending.push({ t, d, ...(onSent ? { onSent } : {}) });
      return;
    }
    for (const conn of ready) this.sendDispatch(conn, t, d);
    onSent?.();
  }

  /** Op 7: asks clients to reconnect and resume. */
  requestReconnect(): void {
    for (const c of this.conns) if (c.state !== 'closed') this.sendRaw(c, { op: 7, d: null, s: null, t: null });
  }

  /** Op 9: invalid session (clients re-identify unless `resumable`). */
  invalidateSessions(resumable = false): void {
    for (const c of this.conns) {
      if (c.state === 'closed') continue;
      if (!resumable) {
        if (c.session) this.sessions.delete(c.session.id);
        c.session = null;
      }
      c.state = 'hello';
      this.sendRaw(c, { op: 9, d: resumable, s: null, t: null });
    }
  }

  /** Closes every client connection with `code`; resolves when the sockets have closed. */
  async disconnectAll(code: number, reason: string): Promise<void> {
    const closing = [...this.conns].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 1000);
          c.ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          this.close(c, code, reason);
        }),
    );
    await Promise.all(closing);
  }

  async shutdown(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    this.pending = [];
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** IDENTIFY's `shard`: [id, count] with 0 ≤ id < count, or null (Discord closes with 4010). */
function validShard(v: unknown): [number, number] | null {
  if (!Array.isArray(v) || v.length !== 2) return null;
  const [id, count] = v as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return null;
  return (id as number) >= 0 && (count as number) >= 1 && (id as number) < (count as number) ? [id as number, count as number] : null;
}

/** Whether shard [id, count] holds the server: Discord's (guild_id >> 22) % count. */
function holds([id, count]: [number, number], guildId: string): boolean {
  return /^\d+$/.test(guildId) && Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
}

/** The text of a frame as ws hands it over: one Buffer, or fragments, or an ArrayBuffer (by binaryType). */
export function rawDataText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}
