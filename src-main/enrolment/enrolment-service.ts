// Enrolment: photos, live-camera captures and corrections become face templates. Every image goes through the
// engine (detect + quality gate + embed) and is refused with a reason when it has no face, several faces and no
// choice, a face that fails the quality gate, or a face that does not look like the person's other templates.
// Accepted faces are stored (template row + a face crop under the data dir) and the engine's gallery is updated.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Logger } from 'pino';
import type { EnrolmentVerdict } from '../../src-contract/schemas.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { EngineSupervisor } from '../engine-host/engine-supervisor.ts';
import { EngineCallError } from '../engine-host/engine-errors.ts';
import type { EngineAnalysis, EngineFace } from '../engine-host/engine-wire.ts';
import type { CameraFrame } from '../camera/camera-frame.ts';
import { assessNewTemplate, findOutliers } from './template-set.ts';
import { CaptureStore } from './capture-store.ts';
import { personGallery } from './gallery-sync.ts';

export interface EnrolmentDeps {
  store: HostStore;
  engine: EngineSupervisor;
  logger: Logger;
  /** Lowest similarity of two photos of one person (the embedder's lenient operating point). */
  sameFloor: () => number;
  /** Embedding model name recorded with each template. */
  model: () => string | null;
}

export interface PhotoInput {
  name: string;
  data_base64: string;
  face_index?: number;
}

type VerdictFace = EnrolmentVerdict['faces'][number];

/** Faces smaller than this fraction of the largest one are background people, not a second subject. */
const BACKGROUND_FACE_RATIO = 0.4;
const MAX_PHOTO_BYTES = 16 * 1024 * 1024;

// Verdict texts say what happened and what to do, in words (the console shows them as they are).
const REASONS: Record<string, string> = {
  low_confidence: 'The face is not clear enough to be sure it is a face. Use a sharper, well-lit photo of the face.',
  too_small: 'The face is too small in this photo. Use a closer photo, or crop it so the face fills more of the picture.',
  blurry: 'The face is blurred. Use a sharp photo (hold the camera still, good light).',
  too_dark: 'The face is too dark. Use a photo taken in better light.',
  too_bright: 'The face is over-exposed. Use a photo without strong light or flash on the face.',
  pose: 'The face is turned too far away from the camera. Use a photo looking at the camera.',
};

export class EnrolmentService {
  readonly captures = new CaptureStore();
  readonly #d: EnrolmentDeps;

  constructor(deps: EnrolmentDeps) {
    this.#d = deps;
  }

  async enrolPhotos(personId: string, photos: PhotoInput[], by: string | null): Promise<EnrolmentVerdict[]> {
    this.#person(personId);
    const verdicts: EnrolmentVerdict[] = [];
    for (const photo of photos) {
      // Each photo gets its own verdict: one empty or broken file never fails the others.
      const bytes = decodeBase64(photo.data_base64);
      if (typeof bytes === 'string') {
        verdicts.push(refuse(photo.name, 'INVALID_IMAGE', bytes, []));
        continue;
      }
      let analysis: EngineAnalysis;
      try {
        analysis = (await this.#d.engine.call({ op: 'analyze_image', bytes, options: { embeddings: true, match: false } }, { wait: true })) as EngineAnalysis;
      } catch (err) {
        if (err instanceof EngineCallError && ['INVALID_IMAGE', 'IMAGE_TOO_LARGE'].includes(err.code)) {
          verdicts.push(refuse(photo.name, 'INVALID_IMAGE', err.code === 'IMAGE_TOO_LARGE'
            ? 'The image is too large to read. Use a smaller copy (for example, at most 4000 pixels wide).'
            : 'This file could not be read as an image (damaged, or not a JPEG/PNG/WebP). Choose the original photo again.', []));
          continue;
        }
        throw err;
      }
      verdicts.push(await this.#enrolFace(personId, photo.name, analysis.faces, photo.face_index, by, {
        kind: 'photo', crop: (face) => cropJpeg(bytes, face.box),
      }));
    }
    await this.#refreshPerson(personId);
    return verdicts;
  }

  /** Freezes a camera's latest frame and finds the faces in it (for `persons.enrolCapture`). */
  async capture(cameraId: string, frame: CameraFrame | null): Promise<{ capture_id: string; image: string; width: number; height: number; faces: VerdictFace[] }> {
    if (!frame) throw new VigilError('STREAM_UNAVAILABLE', `camera ${cameraId} has no frame yet`);
    const analysis = (await this.#d.engine.call({
      op: 'analyze_frame', frame: { width: frame.width, height: frame.height, channels: 3, data: frame.data }, options: { embeddings: true, match: false },
    }, { wait: true })) as EngineAnalysis;
    const c = this.captures.put({ cameraId, frame, faces: analysis.faces });
    const jpeg = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
    return { capture_id: c.id, image: `data:image/jpeg;base64,${jpeg.toString('base64')}`, width: frame.width, height: frame.height, faces: analysis.faces.map(verdictFace) };
  }

  async enrolCapture(personId: string, captureId: string, faceIndex: number, by: string | null): Promise<EnrolmentVerdict[]> {
    this.#person(personId);
    const c = this.captures.get(captureId);
    if (!c) throw new VigilError('NOT_FOUND', `capture ${captureId} not found or expired`);
    const { frame } = c;
    const verdict = await this.#enrolFace(personId, `capture ${c.cameraId}`, c.faces, faceIndex, by, {
      kind: 'camera', crop: (face) => cropJpeg(frame.data, face.box, { width: frame.width, height: frame.height }),
    });
    await this.#refreshPerson(personId);
    return [verdict];
  }

  /** "This unknown is Bob" with add_template: the event's face crop becomes one of Bob's templates. */
  async enrolFromEvent(personId: string, eventId: string, by: string | null): Promise<EnrolmentVerdict> {
    const { store } = this.#d;
    const ev = store.events.get(eventId);
    if (!ev) throw new VigilError('NOT_FOUND', `event ${eventId} not found`);
    if (!ev.faceSnapshot) return refuse(`event ${eventId}`, 'NO_FACE', 'the event has no face snapshot', []);
    const bytes = await readFile(store.snapshots.resolve(ev.faceSnapshot));
    const analysis = (await this.#d.engine.call({ op: 'analyze_image', bytes, options: { embeddings: true, match: false } }, { wait: true })) as EngineAnalysis;
    // The crop was cut around the track's face: take the largest face in it.
    const largest = analysis.faces.reduce((best, f, i, all) => (f.box[2] * f.box[3] > all[best].box[2] * all[best].box[3] ? i : best), 0);
    const verdict = await this.#enrolFace(personId, `event ${eventId}`, analysis.faces, analysis.faces.length ? largest : undefined, by, {
      kind: 'correction', eventId, crop: (face) => cropJpeg(bytes, face.box),
    });
    await this.#refreshPerson(personId);
    return verdict;
  }

  async removeTemplate(personId: string, templateId: string): Promise<void> {
    const { store } = this.#d;
    const t = store.templates.get(templateId);
    if (!t || t.personId !== personId) throw new VigilError('NOT_FOUND', `template ${templateId} of person ${personId} not found`);
    await store.write(() => {
      store.templates.remove(templateId);
      store.fileDeletions.enqueue([t.sourcePath], 'template removed');
    });
    await store.retention.drainDeletions();
    await this.#refreshPerson(personId);
  }

  /** Re-checks a person's template set and sends it to the engine (after any change to the person). */
  async refreshPerson(personId: string): Promise<void> {
    await this.#refreshPerson(personId);
  }

  // ---- internals

  #person(personId: string) {
    const p = this.#d.store.persons.get(personId);
    if (!p) throw new VigilError('NOT_FOUND', `person ${personId} not found`);
    return p;
  }

  async #enrolFace(
    personId: string, name: string, faces: EngineFace[], faceIndex: number | undefined, by: string | null,
    source: { kind: 'photo' | 'camera' | 'correction'; eventId?: string; crop: (face: EngineFace) => Promise<Buffer> },
  ): Promise<EnrolmentVerdict> {
    const listed = faces.map(verdictFace);
    if (faces.length === 0) return refuse(name, 'NO_FACE', 'No face was found in this photo. Use a photo where the face is clearly visible and facing the camera.', listed);
    let face: EngineFace;
    if (faceIndex !== undefined) {
      if (faceIndex >= faces.length) return refuse(name, 'NO_FACE', `The chosen face is not in this photo (${faces.length} found). Choose one of the faces shown.`, listed);
      face = faces[faceIndex];
    } else {
      const largest = Math.max(...faces.map((f) => f.box[3]));
      const subjects = faces.filter((f) => f.box[3] >= largest * BACKGROUND_FACE_RATIO);
      if (subjects.length > 1) return refuse(name, 'MULTIPLE_FACES', `${subjects.length} faces in this photo. Choose the person's face, or use a photo of them alone.`, listed);
      face = subjects[0];
    }
    if (!face.quality.passed || !face.embedding) {
      const reason = face.quality.reason ? REASONS[face.quality.reason] ?? `The face did not pass the quality check (${face.quality.reason}). Use a sharper, well-lit photo facing the camera.` : 'The face could not be measured. Use a sharper, well-lit photo facing the camera.';
      return refuse(name, 'POOR_QUALITY', reason, listed);
    }
    const { store } = this.#d;
    const existing = this.#sameModel(store.templates.listForPerson(personId)).map((t) => ({ id: t.id, outlier: t.outlier, embedding: store.templates.embedding(t.id) }));
    const check = assessNewTemplate(face.embedding, existing, { sameFloor: this.#d.sameFloor() });
    if (check.verdict === 'duplicate') return refuse(name, 'DUPLICATE', 'This photo is already enrolled for this person (the same picture). Nothing to do.', listed);
    if (check.verdict === 'outlier') {
      return refuse(name, 'OUTLIER', "This face does not look like the person's other photos. Check that it is the right person; if it is, add a few more recent photos or remove the old ones.", listed);
    }
    const at = Date.now();
    const jpeg = await source.crop(face);
    const fileId = `tpl-${personId}-${at.toString(36)}-${Math.random().toString(36).slice(2, 8)}`.replace(/[^A-Za-z0-9_-]/g, '');
    const sourcePath = await store.snapshots.writeJpeg(fileId, 'face', jpeg, at);
    const rec = await store.write(() => store.templates.add({
      personId, embedding: face.embedding!, quality: { ...face.quality }, model: this.#d.model(), sourcePath,
      sourceKind: source.kind, sourceEventId: source.eventId ?? null, createdBy: by,
    }, at));
    this.#d.logger.info({ event_type: 'template_added', person_id: personId, template_id: rec.id, source: source.kind }, 'face template added');
    return { name, accepted: true, template_id: rec.id, code: 'OK', reason: null, faces: listed };
  }

  /** Templates comparable with the running embedder's vectors (another embedder's are never compared or matched). */
  #sameModel<T extends { model: string | null }>(templates: T[]): T[] {
    const model = this.#d.model();
    return model ? templates.filter((t) => t.model === null || t.model === model) : templates;
  }

  async #refreshPerson(personId: string): Promise<void> {
    const { store } = this.#d;
    const templates = this.#sameModel(store.templates.listForPerson(personId));
    const outliers = findOutliers(templates.map((t) => ({ id: t.id, embedding: store.templates.embedding(t.id) })), { sameFloor: this.#d.sameFloor() });
    const changed = templates.filter((t) => t.outlier !== outliers.has(t.id));
    if (changed.length) {
      await store.write(() => { for (const t of changed) store.templates.setOutlier(t.id, outliers.has(t.id)); });
      this.#d.logger.info({ event_type: 'template_outliers', person_id: personId, outliers: [...outliers] }, 'template set re-checked');
    }
    this.#d.engine.upsertGallery([personGallery(store, personId, this.#d.model())]);
  }
}

function refuse(name: string, code: EnrolmentVerdict['code'], reason: string, faces: VerdictFace[]): EnrolmentVerdict {
  return { name, accepted: false, template_id: null, code, reason, faces };
}

function verdictFace(f: EngineFace): VerdictFace {
  return { box: f.box, score: f.score, quality: { ...f.quality, reason: f.quality.reason } };
}

/** The photo's bytes, or what is wrong with them in words. */
function decodeBase64(s: string): Buffer | string {
  const body = s.replace(/^data:[^;,]+;base64,/, '');
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(body)) return 'This file could not be read (not image data). Choose the original photo again.';
  const buf = Buffer.from(body, 'base64');
  if (buf.length === 0) return 'The file is empty (0 bytes). Copy the photo again from its source and retry.';
  if (buf.length < 4) return 'The file is too small to be a photo. Choose the original photo again.';
  if (buf.length > MAX_PHOTO_BYTES) return `The file is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB. Use a smaller copy of the photo.`;
  return buf;
}

/**
 * Face crop with a generous margin (enough to re-detect and re-embed later), at most 512 px. Engine boxes are in
 * pixels of the image as stored, so an encoded image is decoded without applying its EXIF orientation.
 */
async function cropJpeg(image: Uint8Array, box: [number, number, number, number], raw?: { width: number; height: number }): Promise<Buffer> {
  let size = raw;
  let pixels = image;
  if (!size) {
    const { data, info } = await sharp(image).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    size = { width: info.width, height: info.height };
    pixels = data;
  }
  const [x, y, w, h] = box;
  const m = 0.5;
  const left = Math.max(0, Math.floor(x - w * m));
  const top = Math.max(0, Math.floor(y - h * m));
  const right = Math.min(size.width, Math.ceil(x + w * (1 + m)));
  const bottom = Math.min(size.height, Math.ceil(y + h * (1 + m)));
  return sharp(pixels, { raw: { ...size, channels: 3 } })
    .extract({ left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) })
    .resize(512, 512, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 90 }).toBuffer();
}
