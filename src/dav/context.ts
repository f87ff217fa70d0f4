// Per-request state shared by the DAV handlers, and the application dependencies behind it.
import type { AppConfig } from '../config.ts';
import type { Store, UserRecord } from '../storage/index.ts';
import type { DavResource } from './resource.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface AppDeps {
  store: Store;
  config: AppConfig;
  /** Milliseconds since the epoch; injected so that tests can fix the clock. */
  now: () => number;
  logger: Logger;
}

export interface Principal {
  name: string;
  user: UserRecord;
  isAdmin: boolean;
}

export interface DavContext {
  request: Request;
  url: URL;
  deps: AppDeps;
  /** The authenticated user, or null for an anonymous request. */
  principal: Principal | null;
  resource: DavResource;
  /** The calendar or home `resource` hides when the principal may read only its busy time (ResourceView). */
  freeBusyTarget: DavResource | null;
}

/** An unexpected error as a log field: its stack where there is one. */
export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export const SILENT_LOGGER: Logger = { info: () => undefined, error: () => undefined };
