// What the contract handlers (src-main/host/handlers/*) share: the host's services, built once by createHost.
import type { Logger } from 'pino';
import type { Person } from '../../src-contract/schemas.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { EngineSupervisor } from '../engine-host/engine-supervisor.ts';
import type { RecognitionPipeline } from '../pipeline/recognition-pipeline.ts';
import type { PipelineStats } from '../pipeline/pipeline-stats.ts';
import type { LiveState } from '../pipeline/live-state.ts';
import type { EnrolmentService } from '../enrolment/enrolment-service.ts';
import type { AttendanceService } from '../attendance/attendance-service.ts';
import type { ConsentStore } from '../privacy/consent.ts';
import type { CameraService } from './camera-service.ts';
import type { TopicBus } from '../core/topic-bus.ts';
import type { EngineStatus } from './engine-status.ts';
import { NotFoundError } from '../storage/errors.ts';
import { personView } from '../storage/views.ts';

export interface HostContext {
  store: HostStore;
  bus: TopicBus;
  logger: Logger;
  engine: EngineSupervisor;
  engineStatus: EngineStatus;
  cameras: CameraService;
  pipeline: RecognitionPipeline;
  enrolment: EnrolmentService;
  attendance: AttendanceService;
  stats: PipelineStats;
  live: LiveState;
  /** Present once the API layer's privacy module is wired. */
  consents: ConsentStore | null;
  ffmpegPath: () => string;
  version: string;
}

/** The contract's view of a person: record + consent + a thumbnail (their newest usable template photo). */
export function personViewOf(ctx: Pick<HostContext, 'store' | 'consents'>, id: string): Person {
  const p = ctx.store.persons.get(id);
  if (!p) throw new NotFoundError('person', id);
  const templates = ctx.store.templates.listForPerson(id).filter((t) => !t.outlier && t.sourcePath);
  const thumbnail = templates.length ? templates.reduce((a, b) => (b.createdAt > a.createdAt ? b : a)).sourcePath : null;
  return personView(p, { consent: ctx.consents?.get(id) ?? null, thumbnail });
}
