// Issue 14 #1 as the office manager does it, in Chromium: corrections on the Events screen must recompute the
// person's attendance day from every sighting that remains. Two entry cameras play one short composed video (an
// unenrolled visitor, then Ava Reyes), so Ava has two recognised visits (one per camera) and the visitor an
// earlier unknown one. "Not this person" on Ava's first sighting must leave her checked in at her next sighting
// (before: check-in empty, status "off"); "This is… Ava" on the earlier unknown arrival must move her check-in
// earlier. A real `vigil serve` with the real engine; its own host, browser and video.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { VigilEvent } from '../src-contract/schemas.ts';
import { composeScene } from '../src-main/demo/demo-assets.ts';
import { defaultFfmpegPath } from '../src-main/ffmpeg/resolve-ffmpeg.ts';
import { launchBrowser, newPage, printScreenshotFolder, rpc, setupAdmin, shot, startHost, step, throwFirstFailure, valueOf } from './harness.ts';
import type { HostProcess } from './harness.ts';
import { castMember, enrolmentPhotos } from './media-fixtures.ts';

const AVA = castMember('ava');
const VISITOR = castMember('visitor-1');

describe('attendance follows event corrections (issue 14 #1)', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-arrivals-'));
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let video: string;
  let ready: Promise<void>;

  before(() => {
    ready = (async () => {
      const fixtures = await Promise.allSettled([
        startHost({ args: ['--no-demo'] }), launchBrowser(), enrolmentPhotos(AVA, [1, 2]),
        // The visitor walks by first, then Ava: 10 s at 640×360, looped by the camera.
        composeScene({
          outDir: dir, videoName: 'arrivals.mp4', cast: [{ ...VISITOR, enrolled: false }, AVA], ffmpegPath: defaultFfmpegPath(),
          scene: { width: 640, height: 360, fps: 25, faceHeight: 90, crossSeconds: 4, gapSeconds: 1 },
        }),
      ] as const);
      host = valueOf(fixtures[0]);
      browser = valueOf(fixtures[1]);
      throwFirstFailure(fixtures);
      const photos = valueOf(fixtures[2]);
      video = join(dir, valueOf(fixtures[3]).video);
      page = (await newPage(browser)).page;
      await setupAdmin(page, host);
      const s = await rpc(page, 'settings.update', { timezone: 'UTC' });
      assert.equal(s.status, 200, JSON.stringify(s.body));
      const ava = await rpc(page, 'persons.create', { employee_id: 'E-1001', name: AVA.name, department: AVA.department });
      assert.equal(ava.status, 200, JSON.stringify(ava.body));
      const enrol = await rpc(page, 'persons.enrolPhotos', { id: ava.body.id, photos: photos.map((p) => ({ name: p.name, data_base64: p.buffer.toString('base64') })) });
      assert.equal(enrol.status, 200, JSON.stringify(enrol.body));
    })();
    ready.catch(() => {});
  });

  after(async () => {
    await ready.catch(() => {});
    await browser?.close();
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
    printScreenshotFolder();
  });

  const events = async (input: { person_id?: string; decision?: 'recognized' | 'unknown' }) =>
    (await rpc(page, 'events.list', { ...input, limit: 100 })).body.items as VigilEvent[];
  const avaId = async () => ((await rpc(page, 'persons.list', { query: AVA.name })).body.items[0] as { id: string }).id;
  const dayOf = async (personId: string, date: string) =>
    ((await rpc(page, 'attendance.day', { date })).body as Array<{ person_id: string; check_in: string | null; status: string }>).find((r) => r.person_id === personId);

  /** Opens an event on the Events screen and saves a correction through its dialog. */
  async function correct(ev: VigilEvent, mode: 'not' | 'is', reason: string): Promise<void> {
    await page.getByTestId('nav-events').click();
    await page.evaluate((id) => { location.hash = `#/events/${id}`; }, ev.id);
    const detail = page.getByTestId('event-detail');
    await detail.getByRole('button', { name: mode === 'not' ? 'Not this person' : 'This is…' }).click();
    const dialog = page.getByTestId('correction-dialog');
    if (mode === 'is') {
      await dialog.getByRole('combobox').fill('Ava');
      await dialog.getByRole('option', { name: new RegExp(AVA.name) }).click();
    }
    await dialog.getByLabel('Reason (optional)').fill(reason);
    await dialog.getByRole('button', { name: 'Save correction' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** The Day view's row of the person: its status attribute and check-in text. */
  async function dayRow(personId: string, date: string): Promise<{ status: string | null; checkIn: string }> {
    // A fresh load of the Day view (today in the site's zone, UTC here), not a cached screen.
    await page.goto(`${host.url}/?at=${Date.now()}#/attendance`);
    assert.equal(date, new Date().toISOString().slice(0, 10), 'the sightings are today');
    const row = page.locator(`[data-testid=attendance-day] tr[data-person-id="${personId}"]`);
    await row.waitFor();
    return { status: await row.getAttribute('data-status'), checkIn: await row.getByTestId('check-in').innerText() };
  }

  // A sighting punches attendance when it is decided, so "her first sighting" is the first decided one. Two cameras
  // play one video: on a loaded machine the event that started first is not always the first decided.
  const punchAt = (e: VigilEvent) => e.decided_at ?? e.started_at;
  const byPunch = (a: VigilEvent, b: VigilEvent) => punchAt(a).localeCompare(punchAt(b));

  it('"Not this person" on the first sighting keeps the next one as check-in; "This is…" on an earlier unknown moves it earlier', async () => {
    await ready;
    await step(page, host, 'attendance-corrections', async () => {
      for (const id of ['front', 'side']) {
        const r = await rpc(page, 'cameras.create', {
          id, name: id === 'front' ? 'Front door' : 'Side door', role: 'entry',
          source: { type: 'file', path: video, loop: true, realtime: true }, detection: { fps_limit: 5, detect_width: 640 },
        });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const ava = await avaId();
      // Each camera's tracker makes its own visit: Ava is recognised once per camera; the visitor before her.
      const deadline = Date.now() + 120_000;
      let sightings: VigilEvent[] = [];
      let earlierUnknown: VigilEvent | undefined;
      for (;;) {
        sightings = (await events({ person_id: ava, decision: 'recognized' })).sort(byPunch);
        const unknowns = await events({ decision: 'unknown' });
        earlierUnknown = unknowns.filter((u) => sightings[0] && punchAt(u) < punchAt(sightings[0])).sort(byPunch)[0];
        if (new Set(sightings.map((e) => e.camera_id)).size >= 2 && earlierUnknown) break;
        if (Date.now() > deadline) throw new Error(`no two sightings of Ava and an earlier unknown: ${JSON.stringify({ sightings: sightings.length, unknowns: unknowns.length })}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      // Freeze the day: no more sightings while the corrections are checked.
      for (const id of ['front', 'side']) assert.equal((await rpc(page, 'cameras.update', { id, patch: { enabled: false } })).status, 200);
      await new Promise((r) => setTimeout(r, 1500));
      sightings = (await events({ person_id: ava, decision: 'recognized' })).sort(byPunch);
      const date = sightings[0].started_at.slice(0, 10);

      const before = await dayOf(ava, date);
      assert.ok(before?.check_in, `Ava has a check-in: ${JSON.stringify(before)}`);
      const first = before.check_in;
      assert.ok(['present', 'late'].includes(before.status), before.status);

      // 1. Her first sighting was somebody else: the day is recomputed from the sightings left, not wiped.
      const firstEvent = sightings[0];
      await correct(firstEvent, 'not', 'that was the courier');
      const afterNot = await dayOf(ava, date);
      assert.ok(afterNot?.check_in, `check-in wiped after "Not this person": ${JSON.stringify(afterNot)}`);
      assert.ok(afterNot.check_in > first, `check-in ${afterNot.check_in} should move to her next sighting, after ${first}`);
      assert.ok(['present', 'late'].includes(afterNot.status), `status after "Not this person": ${afterNot.status}`);
      const row1 = await dayRow(ava, date);
      assert.equal(row1.status, afterNot.status);
      assert.match(row1.checkIn, /\d{1,2}:\d{2}/, `the Day view shows no check-in: "${row1.checkIn}"`);

      // 2. The unknown arrival before all of that was Ava: her check-in moves earlier, to that arrival.
      await correct(earlierUnknown!, 'is', 'badge log says Ava came in first');
      const afterIs = await dayOf(ava, date);
      assert.ok(afterIs?.check_in && afterIs.check_in < afterNot.check_in, `check-in ${afterIs?.check_in} should be earlier than ${afterNot.check_in}`);
      assert.ok(afterIs.check_in < first, `the unknown arrival (${earlierUnknown!.started_at}) was before her first recognition (${first})`);
      const row2 = await dayRow(ava, date);
      assert.match(row2.checkIn, /\d{1,2}:\d{2}/);
      await shot(page, 'office-10-day-after-corrections');
    });
  });
});
