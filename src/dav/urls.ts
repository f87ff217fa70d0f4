// The URL layout (as Cyrus lays it out): principals, calendar homes, the WebDAV file area.

export const principalPath = (user: string): string => `/dav/principals/user/${user}/`;
export const calendarHomePath = (user: string): string => `/dav/calendars/user/${user}/`;
export const driveHomePath = (user: string): string => `/dav/drive/user/${user}/`;
export const PUBLIC_CALENDARS_PATH = '/dav/calendars/';

export const groupPrincipalPath = (group: string): string => `/dav/principals/group/${group}/`;

/** The user or group a decoded principal path names; null when it is no principal path. */
export function principalFromPath(path: string): { type: 'user' | 'group'; name: string } | null {
  const match = /^\/dav\/principals\/(user|group)\/([^/]+)\/?$/.exec(path);
  return match ? { type: match[1] as 'user' | 'group', name: match[2]! } : null;
}
