// Cameras: the list (shared by the live wall and the cameras screen), kept current by the `cameras.status` topic.
import { create } from 'zustand';
import type { MethodInput, TopicPayload } from '../../../src-contract/api.ts';
import type { CameraView } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

interface CamerasState {
  status: LoadStatus;
  error: unknown;
  cameras: CameraView[];
  load(force?: boolean): Promise<void>;
  applyStatus(ev: TopicPayload<'cameras.status'>): void;
  create(input: MethodInput<'cameras.create'>): Promise<CameraView>;
  update(id: string, patch: MethodInput<'cameras.update'>['patch']): Promise<CameraView>;
  remove(id: string): Promise<void>;
  setDetection(id: string, running: boolean): Promise<void>;
  reset(): void;
}

const put = (list: CameraView[], cam: CameraView) => {
  const i = list.findIndex((c) => c.id === cam.id);
  return i < 0 ? [...list, cam] : list.map((c, k) => (k === i ? cam : c));
};

export const useCameras = create<CamerasState>((set, get) => ({
  status: 'idle',
  error: null,
  cameras: [],

  async load(force = false) {
    if (!force && (get().status === 'loading' || get().status === 'ready')) return;
    if (get().status !== 'ready') set({ status: 'loading', error: null });
    try {
      set({ cameras: await api().call('cameras.list', {}), status: 'ready', error: null });
    } catch (err) {
      if (get().status !== 'ready') set({ status: 'error', error: err });
      throw err;
    }
  },

  applyStatus(ev) {
    const cameras = get().cameras;
    const cam = cameras.find((c) => c.id === ev.camera_id);
    if (!cam) {
      // A camera this client has not seen (added elsewhere): refresh the list once.
      if (get().status === 'ready') void get().load(true).catch(() => {});
      return;
    }
    set({ cameras: put(cameras, { ...cam, state: ev.state, next_retry_at: ev.next_retry_at, stats: { ...ev.stats, last_error: ev.last_error ?? ev.stats.last_error } }) });
  },

  async create(input) {
    const cam = await api().call('cameras.create', input);
    set({ cameras: put(get().cameras, cam) });
    return cam;
  },
  async update(id, patch) {
    const cam = await api().call('cameras.update', { id, patch });
    set({ cameras: put(get().cameras, cam) });
    return cam;
  },
  async remove(id) {
    await api().call('cameras.remove', { id });
    set({ cameras: get().cameras.filter((c) => c.id !== id) });
  },
  async setDetection(id, running) {
    const cam = await api().call('cameras.setDetection', { id, running });
    set({ cameras: put(get().cameras, cam) });
  },
  reset() { set({ status: 'idle', error: null, cameras: [] }); },
}));
