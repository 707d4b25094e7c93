// The console end to end, as an administrator and a guard would use it: a real `vigil serve` (no demo data) on a
// temp data dir, the real engine, a file camera playing the composed demo video (people walking through a
// corridor), and Debian Chromium. Steps build on each other (one host, one browser for the whole file).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, launchBrowser, step, throwFirstFailure, valueOf, login, newPage, printScreenshotFolder, rpc, shot, startHost } from './harness.ts';
import type { HostProcess, WatchedPage } from './harness.ts';
import { castMember, demoVideo, enrolmentPhotos, groupPhoto } from './media-fixtures.ts';
import type { DemoVideo } from './media-fixtures.ts';

const AVA = castMember('ava');
/** One loop of the demo video is 26 s; Ava crosses in its first seconds. Recognition needs a few analysed frames. */
const SEEN_WITHIN_MS = 90_000;

describe('console (admin and guard, file camera with faces)', { timeout: 280_000 }, () => {
  let host: HostProcess;
  let browser: Browser;
  let admin: WatchedPage;
  let page: Page;
  let video: DemoVideo;
  const started = Date.now();
  // Set-up runs in `before` but is awaited by each step, so a set-up failure (no Chromium, host that does not
  // start) fails every scenario, counted as failures, instead of cancelling them.
  let ready: Promise<void>;
  /** A step of the scenario; on failure it leaves a screenshot and the host's log in the error. */
  const scenario = (name: string, slug: string, body: () => Promise<void>) => it(name, async () => {
    await ready;
    await step(page, host, slug, body);
  });

  before(() => {
    ready = (async () => {
      const fixtures = await Promise.allSettled([startHost({ args: ['--no-demo'] }), launchBrowser(), demoVideo()]);
      [host, browser, video] = [valueOf(fixtures[0]), valueOf(fixtures[1]), valueOf(fixtures[2])];
      throwFirstFailure(fixtures);
      admin = await newPage(browser);
      page = admin.page;
    })();
    ready.catch(() => {});
  });

  after(async () => {
    await ready.catch(() => {});
    await browser?.close();
    await host?.stop();
    printScreenshotFolder();
    console.log(`e2e console: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  scenario('first run: the setup token is required, the admin is created, then signs out and in again', 'first-run', async () => {
    assert.ok(host.setupToken, `vigil serve printed no setup token:\n${host.output().slice(-2000)}`);
    await page.goto(host.url);
    await page.getByRole('heading', { name: 'Create the administrator' }).waitFor();
    await shot(page, '01-setup');
    await page.getByLabel('Setup token').fill('not-the-token-0000000000');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('input[name=confirm]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByText('This setup token is not valid.').waitFor();

    await page.getByLabel('Setup token').fill(host.setupToken!);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByTestId('guided-start').waitFor();
    await shot(page, '02-welcome');
    await page.getByRole('button', { name: 'Skip setup' }).click();
    await page.getByText('No cameras to show').waitFor();
    await shot(page, '03-live-empty');

    await page.locator('.user-button').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong username or password.').waitFor();
    await shot(page, '04-login-failed');
    await login(page, host.url, 'admin', undefined, host);
    assert.match(await page.locator('.user-name').innerText(), /admin/);
  });

  scenario('adds the file camera with Test connection showing its first frame', 'add-camera', async () => {
    await page.getByTestId('nav-cameras').click();
    await page.getByText('No cameras yet').waitFor();
    await page.getByRole('button', { name: 'Add camera' }).first().click();
    await page.locator('input[name=name]').fill('Front door');
    await page.locator('input[name=location]').fill('Main entrance');
    await page.locator('select[name=role]').selectOption('entry');
    await page.locator('select#source-type').selectOption('file');
    await page.locator('input[name=path]').fill(video.path);
    // Saving a source that was never tested asks first (issue 14 #10); cancelling saves nothing.
    await page.locator('form.camera-form button[type=submit]').click();
    const confirm = page.getByTestId('confirm-save');
    await confirm.waitFor();
    assert.equal(await confirm.getAttribute('data-reason'), 'untested');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByTestId('test-connection').click();
    const result = page.getByTestId('test-result');
    await result.waitFor({ timeout: 30_000 });
    assert.equal(await result.getAttribute('data-ok'), 'true', await result.innerText());
    assert.match(await result.innerText(), new RegExp(`${video.manifest.width}×${video.manifest.height}`));
    // Source and analysed rates are reported apart (the file's own rate vs. what detection gets).
    assert.match(await page.getByTestId('test-fps').innerText(), /^Source: (\d+\.\d|not reported) fps · analysed: \d+\.\d fps/);
    await page.getByTestId('test-preview').waitFor();
    assert.ok(await page.getByTestId('test-preview').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'preview image did not load');
    await result.scrollIntoViewIfNeeded();
    await shot(page, '05-camera-test');

    await page.locator('form.camera-form button[type=submit]').click();
    const card = page.getByTestId('camera-card');
    await card.waitFor();
    await card.locator('[data-testid=camera-state][data-state=live]').waitFor({ timeout: 30_000 });
    await shot(page, '06-cameras');
  });

  scenario('enrols a person from photos: a good one is accepted, a group photo is rejected with the reason', 'enrol', async () => {
    const [photos, group] = await Promise.all([enrolmentPhotos(AVA, [1]), groupPhoto()]);
    await page.getByTestId('nav-people').click();
    await page.getByText('No people enrolled yet').waitFor();
    await shot(page, '07-people-empty');
    await page.getByRole('button', { name: 'Add person' }).first().click();
    const form = page.getByTestId('person-form');
    await form.locator('input[name=name]').fill(AVA.name);
    await form.locator('input[name=employee_id]').fill(AVA.employee_id);
    await form.locator('input[name=department]').fill(AVA.department);
    await form.locator('button[type=submit]').click();
    await page.getByTestId('person-page').waitFor();
    await page.getByRole('heading', { name: AVA.name }).waitFor();

    await page.getByTestId('enrol-file-input').setInputFiles([...photos, group]);
    await page.getByRole('button', { name: 'Enrol 2 photos' }).click();
    const good = page.locator(`[data-testid=enrol-item][data-file="${photos[0].name}"] [data-testid=verdict]`);
    const bad = page.locator(`[data-testid=enrol-item][data-file="${group.name}"] [data-testid=verdict]`);
    await good.waitFor({ timeout: 60_000 });
    await bad.waitFor();
    assert.equal(await good.getAttribute('data-accepted'), 'true', await good.innerText());
    assert.equal(await bad.getAttribute('data-accepted'), 'false');
    assert.equal(await bad.getAttribute('data-code'), 'MULTIPLE_FACES');
    assert.match(await bad.innerText(), /^Rejected — \d faces in this photo\. Choose the person's face, or use a photo of them alone\.$/);
    await page.getByTestId('template').first().waitFor();
    await shot(page, '08-enrol-verdicts');
  });

  scenario("draws the enrolled person's name on the live view", 'live-name', async () => {
    await page.getByTestId('nav-live').click();
    const tile = page.getByTestId('camera-tile');
    await tile.locator('[data-testid=camera-state][data-state=live]').waitFor({ timeout: 30_000 });
    const face = tile.locator(`li[data-face-label="${AVA.name}"]`);
    await face.waitFor({ state: 'attached', timeout: SEEN_WITHIN_MS });
    assert.equal(await face.getAttribute('data-face-decision'), 'recognized');
    await shot(page, '09-live-recognized');
    // The video element actually plays (MSE fMP4) or the JPEG fallback shows a picture.
    const playing = await tile.locator('video, img.live-media').first().evaluate((el) =>
      el instanceof HTMLVideoElement ? el.readyState >= 2 && el.videoWidth > 0 : (el as HTMLImageElement).naturalWidth > 0);
    assert.ok(playing, 'the live tile shows no picture');
  });

  scenario('shows the recognition event and the attendance check-in', 'event-attendance', async () => {
    await page.getByTestId('nav-events').click();
    const row = page.locator('[data-testid=event-row][data-decision=recognized]', { hasText: AVA.name }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const detail = page.getByTestId('event-detail');
    await detail.getByText(AVA.name).first().waitFor();
    await detail.locator('img').first().evaluate((img: HTMLImageElement) => img.decode());
    await shot(page, '10-event-detail');

    await page.getByTestId('nav-attendance').click();
    const att = page.locator('[data-testid=attendance-day] tr', { hasText: AVA.name });
    await att.waitFor({ timeout: 30_000 });
    const checkIn = await att.getByTestId('check-in').innerText();
    assert.match(checkIn, /\d{1,2}:\d{2}/, `no check-in time shown for ${AVA.name}: "${checkIn}"`);
    assert.ok(['in_progress', 'present', 'late'].includes((await att.getAttribute('data-status')) ?? ''), 'attendance status is not a presence');
    await shot(page, '11-attendance-day');
  });

  scenario('corrects a wrong decision: an unknown visitor is named, the event shows the correction', 'correction', async () => {
    const sam = await rpc(page, 'persons.create', { employee_id: 'V-0001', name: 'Sam Visitor', department: 'Guests' });
    assert.equal(sam.status, 200, JSON.stringify(sam.body));
    await page.getByTestId('nav-events').click();
    const unknown = page.locator('[data-testid=event-row][data-decision=unknown]').first();
    await unknown.waitFor({ timeout: SEEN_WITHIN_MS });
    await unknown.click();
    const detail = page.getByTestId('event-detail');
    await detail.getByRole('button', { name: 'This is…' }).click();
    const dialog = page.getByTestId('correction-dialog');
    await dialog.getByRole('combobox').fill('Sam');
    await dialog.getByRole('option', { name: /Sam Visitor/ }).click();
    await dialog.getByLabel('Reason (optional)').fill('visitor signed in at reception');
    await shot(page, '12-correction-dialog');
    await dialog.getByRole('button', { name: 'Save correction' }).click();
    await dialog.waitFor({ state: 'detached' });
    await detail.getByText('visitor signed in at reception').waitFor();
    const corrected = page.locator('[data-testid=event-row].selected');
    await corrected.getByText('Sam Visitor').waitFor();
    await corrected.getByText('Corrected').waitFor();
    await shot(page, '13-event-corrected');
    const id = await page.evaluate(() => location.hash.split('/').pop()!);
    const ev = await rpc(page, 'events.get', { id });
    assert.equal(ev.body.person_name, 'Sam Visitor');
    assert.equal(ev.body.decision, 'recognized');
    assert.equal(ev.body.corrected_by, 'admin');
  });

  scenario('exports the attendance report as CSV with the check-in row', 'csv-export', async () => {
    await page.getByTestId('nav-attendance').click();
    await page.getByRole('tab', { name: 'Report' }).click();
    await page.getByTestId('attendance-report').waitFor();
    await shot(page, '14-attendance-report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    assert.match(download.suggestedFilename(), /^attendance-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parse(readFileSync((await download.path())!), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
    // The report is for people: dates and times in the site's locale (en-US in this site), readable statuses.
    const today = await page.evaluate(() => new Date().toLocaleDateString('en-US'));
    const ava = rows.find((r) => r.Name === AVA.name && r.Date === today);
    assert.ok(ava, `no row for ${AVA.name} on ${today} in:\n${JSON.stringify(rows, null, 1)}`);
    assert.equal(ava['Employee ID'], AVA.employee_id);
    assert.equal(ava.Department, AVA.department);
    assert.match(ava['Check-in'], /^\d{1,2}:\d{2}[\s\u202f](AM|PM)$/u, `check-in is not a time: "${ava['Check-in']}"`);
    assert.ok(['Not arrived yet', 'Present', 'Late'].includes(ava.Status), ava.Status);
    assert.equal(ava.Corrected, 'no');
  });

  scenario('a guard account sees the live wall and events but cannot open enrolment or settings', 'guard', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('models-table').waitFor();
    await shot(page, '15-settings-system');
    await page.getByRole('tab', { name: 'Recognition & privacy' }).click();
    await shot(page, '16-settings-recognition');
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByTestId('user-dialog');
    await dialog.getByLabel('Username').fill('guard1');
    await dialog.getByLabel('Password').fill(PASSWORD);
    await dialog.getByLabel('Role').selectOption('guard');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await page.getByTestId('users-table').getByRole('cell', { name: 'guard1', exact: true }).waitFor();
    await shot(page, '17-settings-users');

    const guard = await newPage(browser);
    try {
      const g = guard.page;
      await login(g, host.url, 'guard1', undefined, host);
      await g.getByTestId('camera-tile').waitFor();
      for (const screen of ['live', 'events']) assert.equal(await g.getByTestId(`nav-${screen}`).count(), 1, `guard misses ${screen}`);
      for (const screen of ['people', 'attendance', 'cameras', 'settings', 'audit']) assert.equal(await g.getByTestId(`nav-${screen}`).count(), 0, `guard sees ${screen}`);
      for (const hash of ['#/people', `#/people/x`, '#/settings/users', '#/cameras/new']) {
        await g.evaluate((h) => { location.hash = h; }, hash);
        await g.waitForFunction(() => location.hash === '#/live');
        assert.equal(await g.getByTestId('person-page').count(), 0);
      }
      const people = await rpc(g, 'persons.list', {});
      assert.equal(people.status, 403);
      assert.equal(people.body.error?.code, 'FORBIDDEN');
      const enrol = await rpc(g, 'persons.enrolPhotos', { id: 'x', photos: [{ name: 'a.jpg', data_base64: 'AAAA' }] });
      assert.equal(enrol.status, 403);
      const settings = await rpc(g, 'settings.get', {});
      assert.equal(settings.status, 403);
      await shot(g, '18-guard-live');
      assert.deepEqual(guard.errors, []);
    } finally {
      await guard.context.close();
    }
  });

  scenario('keyboard on the live wall, then the remaining screens: single view, people, audit with a verified chain', 'screens', async () => {
    await page.getByTestId('nav-live').click();
    const grid = page.locator('.wall-grid');
    await grid.waitFor();
    assert.equal(await grid.getAttribute('data-grid'), '1', 'one camera fills the wall until a grid size is chosen');
    await page.keyboard.press('4');
    await page.locator('.wall-grid[data-grid="4"]').waitFor();
    await page.keyboard.press('1');
    await page.locator('.wall-grid[data-grid="1"]').waitFor();
    // Unknown visitors raised alerts; A acknowledges the oldest open one.
    await page.getByTestId('open-alerts').waitFor({ timeout: SEEN_WITHIN_MS });
    await page.keyboard.press('a');
    await page.getByTestId('alert').getByText('Acknowledged').first().waitFor();
    await shot(page, '19-live-alert-acknowledged');
    await page.getByTestId('camera-tile').click();
    await page.getByTestId('recent-event').first().waitFor();
    await shot(page, '20-live-single');
    await page.getByTestId('nav-people').click();
    await page.getByTestId('people-table').waitFor();
    await shot(page, '21-people');
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-table').waitFor();
    await page.getByTestId('verify-chain').click();
    const status = page.getByTestId('chain-status');
    await status.waitFor();
    assert.equal(await status.getAttribute('data-ok'), 'true', await status.innerText());
    await shot(page, '22-audit');
    assert.deepEqual(admin.errors, [], 'the console logged errors');
  });
});
