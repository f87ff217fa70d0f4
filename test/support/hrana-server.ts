// A small Hrana-over-HTTP v2 server (the protocol of libSQL's sqld and of Turso) for tests, backed
// by the native `libsql` module, so that @libsql/client/web can be driven against a local file.
// Each stream gets its own connection; a baton keeps it open across requests (interactive
// transactions), as in the Hrana 2 specification. No protobuf, no cursors (those are v3).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Database from 'libsql';

export interface HranaServer {
  url: string;
  close(): Promise<void>;
}

export interface HranaServerOptions {
  /** SQLite database file the server serves. */
  path: string;
  /** When set, requests must carry `Authorization: Bearer <authToken>`. */
  authToken?: string;
  port?: number;
}

type Db = InstanceType<typeof Database>;
type ProtoValue = { type: 'null' } | { type: 'integer'; value: string } | { type: 'float'; value: number } | { type: 'text'; value: string } | { type: 'blob'; base64: string };
interface ProtoStmt { sql?: string; sql_id?: number; args?: ProtoValue[]; named_args?: { name: string; value: ProtoValue }[] }
type ProtoCond = { type: 'ok' | 'error'; step: number } | { type: 'not'; cond: ProtoCond } | { type: 'and' | 'or'; conds: ProtoCond[] } | { type: 'is_autocommit' };
interface ProtoRequest { type: string; stmt?: ProtoStmt; batch?: { steps: { condition?: ProtoCond | null; stmt: ProtoStmt }[] }; sql?: string; sql_id?: number }
interface Stream { db: Db; sqls: Map<number, string>; expiry?: ReturnType<typeof setTimeout> }

const STREAM_IDLE_MS = 15_000;

export async function startHranaServer(options: HranaServerOptions): Promise<HranaServer> {
  const setup = new Database(options.path);
  setup.exec('PRAGMA journal_mode = WAL');
  setup.close();
  const streams = new Map<string, Stream>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => reply(res, 500, { message: String(error) }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.authToken && req.headers.authorization !== `Bearer ${options.authToken}`) return reply(res, 401, { message: 'Unauthorized' });
    if (req.method === 'GET' && (req.url === '/v2' || req.url === '/health')) return reply(res, 200, {});
    if (req.method !== 'POST' || req.url !== '/v2/pipeline') return reply(res, 404, { message: 'Not found' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { baton?: string | null; requests: ProtoRequest[] };
    let stream: Stream;
    if (body.baton) {
      const found = streams.get(body.baton);
      if (!found) return reply(res, 400, { message: 'Unknown or expired baton' });
      streams.delete(body.baton);
      clearTimeout(found.expiry);
      stream = found;
    } else {
      stream = { db: new Database(options.path), sqls: new Map() };
    }
    let closed = false;
    const results = body.requests.map((request) => {
      try {
        if (request.type === 'close') closed = true;
        return { type: 'ok', response: runRequest(stream, request) };
      } catch (error) {
        return { type: 'error', error: toProtoError(error) };
      }
    });
    let baton: string | null = null;
    if (closed) {
      stream.db.close();
    } else {
      baton = randomUUID();
      stream.expiry = setTimeout(() => {
        streams.delete(baton!);
        stream.db.close();
      }, STREAM_IDLE_MS);
      stream.expiry.unref();
      streams.set(baton, stream);
    }
    reply(res, 200, { baton, base_url: null, results });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams.values()) {
          clearTimeout(stream.expiry);
          stream.db.close();
        }
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// --- Internal helpers ---

function runRequest(stream: Stream, request: ProtoRequest): Record<string, unknown> {
  switch (request.type) {
    case 'close':
      return { type: 'close' };
    case 'execute':
      return { type: 'execute', result: execute(stream, request.stmt!) };
    case 'batch':
      return { type: 'batch', result: runBatch(stream, request.batch!.steps) };
    case 'sequence':
      stream.db.exec(request.sql ?? sqlById(stream, request.sql_id));
      return { type: 'sequence' };
    case 'store_sql':
      stream.sqls.set(request.sql_id!, request.sql!);
      return { type: 'store_sql' };
    case 'close_sql':
      stream.sqls.delete(request.sql_id!);
      return { type: 'close_sql' };
    case 'get_autocommit':
      return { type: 'get_autocommit', is_autocommit: !stream.db.inTransaction };
    default:
      throw Object.assign(new Error(`Unsupported request type "${request.type}"`), { code: 'UNSUPPORTED' });
  }
}

function runBatch(stream: Stream, steps: { condition?: ProtoCond | null; stmt: ProtoStmt }[]) {
  const stepResults: unknown[] = [];
  const stepErrors: unknown[] = [];
  const holds = (cond: ProtoCond): boolean => {
    switch (cond.type) {
      case 'ok': return stepResults[cond.step] != null;
      case 'error': return stepErrors[cond.step] != null;
      case 'not': return !holds(cond.cond);
      case 'and': return cond.conds.every(holds);
      case 'or': return cond.conds.some(holds);
      case 'is_autocommit': return !stream.db.inTransaction;
    }
  };
  steps.forEach((step, index) => {
    stepResults[index] = null;
    stepErrors[index] = null;
    if (step.condition && !holds(step.condition)) return;
    try {
      stepResults[index] = execute(stream, step.stmt);
    } catch (error) {
      stepErrors[index] = toProtoError(error);
    }
  });
  return { step_results: stepResults, step_errors: stepErrors };
}

function execute(stream: Stream, stmt: ProtoStmt) {
  const sql = stmt.sql ?? sqlById(stream, stmt.sql_id);
  const named = stmt.named_args ?? [];
  const args: unknown = named.length > 0
    ? Object.fromEntries(named.map((arg) => [arg.name.replace(/^[:@$]/, ''), fromProto(arg.value)]))
    : (stmt.args ?? []).map(fromProto);
  const prepared = stream.db.prepare(sql);
  prepared.safeIntegers(true);
  let returnsRows = true;
  try {
    prepared.raw(true);
  } catch {
    returnsRows = false; // raw() refuses statements that yield no rows
  }
  if (returnsRows) {
    const cols = prepared.columns().map((column) => ({ name: column.name, decltype: column.type }));
    const rows = (prepared.all(args) as unknown[][]).map((row) => row.map(toProto));
    return { cols, rows, affected_row_count: 0, last_insert_rowid: null };
  }
  const info = prepared.run(args);
  return { cols: [], rows: [], affected_row_count: Number(info.changes), last_insert_rowid: String(info.lastInsertRowid) };
}

function sqlById(stream: Stream, id: number | undefined): string {
  const sql = id === undefined ? undefined : stream.sqls.get(id);
  if (sql === undefined) throw Object.assign(new Error(`No SQL text stored under id ${id}`), { code: 'SQL_NOT_FOUND' });
  return sql;
}

function fromProto(value: ProtoValue): unknown {
  switch (value.type) {
    case 'null': return null;
    case 'integer': return BigInt(value.value);
    case 'float': return value.value;
    case 'text': return value.value;
    case 'blob': return Buffer.from(value.base64, 'base64');
  }
}

function toProto(value: unknown): ProtoValue {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'bigint') return { type: 'integer', value: value.toString() };
  if (typeof value === 'number') return { type: 'float', value };
  if (typeof value === 'string') return { type: 'text', value };
  if (value instanceof Uint8Array) return { type: 'blob', base64: Buffer.from(value).toString('base64') };
  throw new Error(`Cannot encode ${typeof value}`);
}

function toProtoError(error: unknown): { message: string; code: string } {
  const code = (error as { code?: unknown }).code;
  return { message: error instanceof Error ? error.message : String(error), code: typeof code === 'string' ? code : 'SQLITE_ERROR' };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
