// The storage layer's public face: one Store over a DbClient, grouping the repositories.
export type { DbClient } from './db.ts';
export { migrate } from './migrate.ts';
export * from './errors.ts';
export * from './records.ts';
export type { NewCollection } from './collections.ts';
export type { ResourceWrite, ResourcePut, WriteExpectation, ChangeEntry, MaybeReadCandidate } from './resources.ts';
export { collectionExists } from './properties.ts';
export type { AttachmentRecord, NewAttachment, BlobUpload } from './attachments.ts';
export type { PushSubscriptionRecord, NewPushSubscription, PushDeliveryRecord, VapidKeyRecord } from './push.ts';

import { AttachmentRepo } from './attachments.ts';
import { CollectionRepo } from './collections.ts';
import type { DbClient } from './db.ts';
import { IscheduleRepo } from './ischedule.ts';
import { LockRepo } from './locks.ts';
import { OutboundRepo } from './outbound.ts';
import { PropertyRepo } from './properties.ts';
import { PushRepo } from './push.ts';
import { ResourceRepo } from './resources.ts';
import { SchedulingJobRepo } from './scheduling-jobs.ts';
import { ShareRepo } from './shares.ts';
import { UserRepo } from './users.ts';

export interface Store {
  readonly users: UserRepo;
  readonly collections: CollectionRepo;
  readonly resources: ResourceRepo;
  readonly properties: PropertyRepo;
  readonly locks: LockRepo;
  readonly outbound: OutboundRepo;
  readonly shares: ShareRepo;
  readonly schedulingJobs: SchedulingJobRepo;
  readonly ischedule: IscheduleRepo;
  readonly attachments: AttachmentRepo;
  readonly push: PushRepo;
}

export function createStore(db: DbClient): Store {
  return {
    users: new UserRepo(db),
    collections: new CollectionRepo(db),
    resources: new ResourceRepo(db),
    properties: new PropertyRepo(db),
    locks: new LockRepo(db),
    outbound: new OutboundRepo(db),
    shares: new ShareRepo(db),
    schedulingJobs: new SchedulingJobRepo(db),
    ischedule: new IscheduleRepo(db),
    attachments: new AttachmentRepo(db),
    push: new PushRepo(db),
  };
}
