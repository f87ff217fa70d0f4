// The URL layout (as Cyrus lays it out): principals, calendar homes, the WebDAV file area.

export const principalPath = (user: string): string => `/dav/principals/user/${user}/`;
export const calendarHomePath = (user: string): string => `/dav/calendars/user/${user}/`;
export const driveHomePath = (user: string): string => `/dav/drive/user/${user}/`;
export const PUBLIC_CALENDARS_PATH = '/dav/calendars/';

/** The user named by a principal path, if it is one. */
export function userFromPrincipalPath(path: string): string | undefined {
  const match = /^\/dav\/principals\/user\/([^/]+)\/?$/.exec(path);
  return match?.[1];
}
