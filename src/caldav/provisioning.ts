// Auto-provisioning on a user's first authenticated request (Cyrus caldav_create_defaultcalendars):
// the calendar home, Default calendar, scheduling Inbox and Outbox, Attachments, and the WebDAV
// file area home, each switchable. INSERT OR IGNORE makes concurrent first requests harmless.
import type { AppDeps, Principal } from '../dav/context.ts';
import { serializeDeadProperty } from '../dav/properties/registry.ts';
import { calendarHomePath, driveHomePath } from '../dav/urls.ts';
import { el } from '../dav/xml/element.ts';
import { dav } from '../dav/xml/names.ts';
import type { NewCollection } from '../storage/index.ts';
import { componentSetElement, SUPPORTED_COMPONENT_SET } from './components.ts';
import { defaultCollectionAcl } from './rules.ts';

export function createProvisioner(deps: AppDeps): (principal: Principal) => Promise<void> {
  const done = new Map<string, number>();
  return async (principal) => {
    // Keyed by creation time too, so a user deleted and re-created elsewhere is provisioned again.
    if (done.get(principal.name) === principal.user.createdAt) return;
    const home = calendarHomePath(principal.name);
    const existing = await deps.store.collections.get(home);
    const wantDrive = deps.config.httpmodules.has('webdav');
    const driveExists = !wantDrive || (await deps.store.collections.get(driveHomePath(principal.name))) !== undefined;
    if (!existing || !driveExists) await deps.store.collections.ensure(plannedCollections(deps, principal.name), deps.now());
    done.set(principal.name, principal.user.createdAt);
  };
}

export function plannedCollections(deps: AppDeps, user: string): NewCollection[] {
  const config = deps.config;
  const home = calendarHomePath(user);
  const collections: NewCollection[] = [];
  if (config.httpmodules.has('caldav')) {
    collections.push({ path: home, parentPath: '/dav/calendars/user/', owner: user, kind: 'calendar-home', acl: defaultCollectionAcl('calendar-home', user) });
    if (config.caldav_create_default) {
      collections.push({
        path: `${home}Default/`,
        parentPath: home,
        owner: user,
        kind: 'calendar',
        acl: defaultCollectionAcl('calendar', user),
        properties: new Map([
          [dav('displayname'), serializeDeadProperty(el(dav('displayname'), config.calendar_default_displayname))],
          [SUPPORTED_COMPONENT_SET, serializeDeadProperty(componentSetElement(config.calendar_component_set))],
        ]),
      });
    }
    if (config.caldav_create_sched && config.caldav_allowscheduling !== 'off') {
      collections.push({ path: `${home}Inbox/`, parentPath: home, owner: user, kind: 'schedule-inbox', acl: defaultCollectionAcl('schedule-inbox', user) });
      collections.push({ path: `${home}Outbox/`, parentPath: home, owner: user, kind: 'schedule-outbox', acl: defaultCollectionAcl('schedule-outbox', user) });
    }
    if (config.caldav_create_attach && config.caldav_allowattach) {
      collections.push({ path: `${home}Attachments/`, parentPath: home, owner: user, kind: 'attachments', acl: defaultCollectionAcl('attachments', user) });
    }
  }
  if (config.httpmodules.has('webdav')) {
    collections.push({ path: driveHomePath(user), parentPath: '/dav/drive/user/', owner: user, kind: 'drive-home', acl: defaultCollectionAcl('drive-home', user) });
  }
  return collections;
}
