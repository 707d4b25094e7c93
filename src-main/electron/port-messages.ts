// Schemas for what the renderer may send on its live port. The port is as much an entry point as an IPC channel:
// every message is parsed here before main acts on it.
import { z } from 'zod';
import { SubscriptionFilterSchema, topics } from '../../src-contract/api.ts';
import type { TopicName } from '../../src-contract/api.ts';
import { PORT_CREDIT_WINDOW } from './ipc-channels.ts';

const topicNames = Object.keys(topics) as [TopicName, ...TopicName[]];
const SubId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const PortClientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('sub'), id: SubId, topic: z.enum(topicNames), filter: SubscriptionFilterSchema.default({}) }).strict(),
  z.object({ t: z.literal('unsub'), id: SubId }).strict(),
  z.object({ t: z.literal('ack'), id: SubId, n: z.number().int().min(1).max(PORT_CREDIT_WINDOW) }).strict(),
]);
export type ParsedPortClientMessage = z.output<typeof PortClientMessageSchema>;
