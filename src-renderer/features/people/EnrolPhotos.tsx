// Enrol by dropping photos: each photo gets the engine's verdict (accepted / rejected with the reason); a photo
// with several faces can be sent again with the right face picked.
import { useEffect, useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrolmentVerdict } from '../../../src-contract/schemas.ts';
import { errorText } from '../../ui/error-text.ts';
import { IMAGE_TYPES, readAsBase64 } from '../../ui/files.ts';
import { Icon } from '../../ui/icons.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { FacePicker } from './FacePicker.tsx';
import { usePeople } from './store.ts';
import { VerdictLine } from './VerdictLine.tsx';

interface Item { key: number; file: File; url: string; state: 'ready' | 'sending' | 'done' | 'failed'; verdict?: EnrolmentVerdict; error?: unknown }

const MAX_PER_CALL = 20;
const MAX_BYTES_PER_CALL = 8 * 1024 * 1024;

let nextKey = 1;

export function EnrolPhotos({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const enrol = usePeople((s) => s.enrolPhotos);
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState<Item | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  useEffect(() => () => { for (const i of itemsRef.current) URL.revokeObjectURL(i.url); }, []);

  const add = (files: Iterable<File>) => {
    const fresh = [...files].filter((f) => f.type.startsWith('image/') || IMAGE_TYPES.test(f.name))
      .map((file): Item => ({ key: nextKey++, file, url: URL.createObjectURL(file), state: 'ready' }));
    setItems((cur) => [...cur, ...fresh]);
  };
  const patch = (keys: number[], p: Partial<Item>) => setItems((cur) => cur.map((i) => (keys.includes(i.key) ? { ...i, ...p } : i)));

  async function send(batch: Item[], faceIndex?: number) {
    const keys = batch.map((i) => i.key);
    patch(keys, { state: 'sending', error: undefined });
    try {
      const photos = await Promise.all(batch.map(async (i) => ({ name: i.file.name, data_base64: await readAsBase64(i.file), face_index: faceIndex })));
      const verdicts = await enrol(personId, photos);
      setItems((cur) => cur.map((i) => {
        const k = keys.indexOf(i.key);
        return k < 0 ? i : { ...i, state: 'done', verdict: verdicts[k] };
      }));
    } catch (err) {
      patch(keys, { state: 'failed', error: err });
    }
  }

  async function enrolAll() {
    setBusy(true);
    const pending = items.filter((i) => i.state === 'ready' || i.state === 'failed');
    let batch: Item[] = [];
    let bytes = 0;
    for (const item of pending) {
      if (batch.length && (batch.length >= MAX_PER_CALL || bytes + item.file.size > MAX_BYTES_PER_CALL)) { await send(batch); batch = []; bytes = 0; }
      batch.push(item);
      bytes += item.file.size;
    }
    if (batch.length) await send(batch);
    setBusy(false);
  }

  const onDrop = (e: DragEvent) => { e.preventDefault(); setDragging(false); add(e.dataTransfer.files); };
  const waiting = items.filter((i) => i.state === 'ready' || i.state === 'failed').length;
  const accepted = items.filter((i) => i.verdict?.accepted).length;
  const rejected = items.filter((i) => i.verdict && !i.verdict.accepted).length;

  return (
    <div className="enrol">
      <div
        className={`dropzone${dragging ? ' dropzone-over' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <Icon name="upload" size={32} />
        <p>{t('enrol.dropHere')}</p>
        <button type="button" className="btn" onClick={() => inputRef.current?.click()}>{t('enrol.choosePhotos')}</button>
        <input ref={inputRef} type="file" accept="image/*" multiple hidden aria-label={t('enrol.choosePhotos')} data-testid="enrol-file-input"
          onChange={(e) => { if (e.target.files) add(e.target.files); e.target.value = ''; }} />
      </div>
      {items.length > 0 && (
        <>
          <ul className="enrol-list" aria-label={t('enrol.photos')}>
            {items.map((i) => (
              <li key={i.key} className="enrol-item" data-testid="enrol-item" data-file={i.file.name}>
                <img src={i.url} alt="" />
                <div className="enrol-item-text">
                  <span className="enrol-name">{i.file.name}</span>
                  {i.state === 'ready' && <span className="muted">{t('enrol.ready')}</span>}
                  {i.state === 'sending' && <span className="muted">{t('enrol.checking')}</span>}
                  {i.state === 'failed' && <span className="verdict verdict-bad" role="alert">{errorText(i.error, t)}</span>}
                  {i.verdict && <VerdictLine verdict={i.verdict} />}
                </div>
                {i.verdict?.code === 'MULTIPLE_FACES' && i.verdict.faces.length > 1 && (
                  <button type="button" className="btn btn-small" onClick={() => setPicking(i)}>{t('enrol.pickTheFace')}</button>
                )}
                {i.state !== 'sending' && (
                  <button type="button" className="btn-icon" aria-label={t('enrol.removeFromList', { name: i.file.name })}
                    onClick={() => { URL.revokeObjectURL(i.url); setItems((cur) => cur.filter((x) => x.key !== i.key)); }}>×</button>
                )}
              </li>
            ))}
          </ul>
          <div className="form-actions">
            {(accepted > 0 || rejected > 0) && <span className="muted" role="status">{t('enrol.summary', { accepted, rejected })}</span>}
            <span className="toolbar-spacer" />
            <button type="button" className="btn" disabled={busy} onClick={() => { for (const i of items) URL.revokeObjectURL(i.url); setItems([]); }}>{t('enrol.clear')}</button>
            {(busy || waiting > 0) && (
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void enrolAll()}>
                {busy ? t('enrol.checking') : t('enrol.enrolN', { count: waiting })}
              </button>
            )}
          </div>
        </>
      )}
      {picking && picking.verdict && (
        <Modal title={t('enrol.pickTheFace')} onClose={() => setPicking(null)} wide>
          <p className="muted">{t('enrol.pickHint')}</p>
          <FacePicker src={picking.url} faces={picking.verdict.faces} onPick={(index) => { const item = picking; setPicking(null); void send([item], index); }} />
        </Modal>
      )}
    </div>
  );
}
