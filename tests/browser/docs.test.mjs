// The documentation site `cargo xtask docs` builds, opened from disk in headless Debian Chromium
// as a reader would open it: every operation of each spec (spec/openapi.yaml, the control plane,
// and spec/profile.yaml, the Profile API) must show on that spec's own API reference (after Redoc
// has rendered it, not only in the HTML it starts from) with its summary, parameters and each
// response's description and example values; no page may log an error or fetch anything from the
// network; every relative link of the index and of the API references must lead to a file of the
// site.
//
// Run it with `npm ci && npm test` in this directory, after `cargo xtask docs`. It never downloads
// a browser: it drives /usr/bin/chromium (Debian's `chromium` package), or $CHROMIUM.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const site = path.join(process.env.CARGO_TARGET_DIR
  ? path.resolve(root, process.env.CARGO_TARGET_DIR)
  : path.join(root, 'target'), 'docs');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The machine's network is closed: without these flags Chromium keeps trying to reach Google's
// services, and fails or hangs.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// Each spec of spec/ and the page of the site that renders it (xtask/src/docs/api.rs, `PAGES`),
// with the name the site gives the API and the screenshots this test saves of it: its first
// operation and its last one. Redoc's sidebar opens one tag at a time, so no one screen lists
// every operation; the two show the first tag's operations and the last one's.
const REFERENCES = [
  {
    spec: 'spec/openapi.yaml',
    page: 'api/index.html',
    name: 'Control-plane API',
    screenshots: ['api.png', 'api-last.png'],
  },
  {
    spec: 'spec/profile.yaml',
    page: 'api/profile/index.html',
    name: 'Profile API',
    screenshots: ['api-profile.png', 'api-profile-last.png'],
  },
];

let context;
let profile;

before(async () => {
  assert.ok(fs.existsSync(path.join(site, 'index.html')),
    `${site}/index.html is missing: run \`cargo xtask docs\` first`);
  assert.ok(fs.existsSync(executablePath),
    `${executablePath} is missing: apt-get install chromium (or set CHROMIUM)`);
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'amperity-docs-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
});

after(async () => {
  await context?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

// Opens a page of the site and records everything that went wrong while it was open: console
// errors, uncaught exceptions, failed requests and any request that leaves the machine.
async function open(relative) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`failed request: ${request.url()} (${request.failure()?.errorText})`));
  page.on('request', (request) => {
    const { protocol } = new URL(request.url());
    if (!['file:', 'data:', 'blob:', 'about:'].includes(protocol)) {
      problems.push(`request to the network: ${request.url()}`);
    }
  });
  const url = pathToFileURL(path.join(site, relative)).href;
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

// Lets late work finish (Redoc's hydration, images, its search worker), then asserts nothing
// went wrong on the page.
async function assertClean(page, problems) {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  assert.deepEqual(problems, [], `problems on ${page.url()}`);
}

function readSpec(relative) {
  return YAML.parse(fs.readFileSync(path.join(root, relative), 'utf8'));
}

// The operations of a spec, read from the spec itself, with `$ref`s to `#/components/...`
// resolved.
function operations(spec) {
  const resolve = (node) => {
    if (node && typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
      return node.$ref.slice(2).split('/').reduce((at, key) => at[key], spec);
    }
    return node;
  };
  const found = [];
  for (const [route, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map(resolve)
        .map((parameter) => parameter.name);
      const responses = Object.entries(operation.responses ?? {}).map(([status, response]) => {
        response = resolve(response);
        const examples = Object.values(response.content ?? {}).flatMap((media) => [
          ...('example' in media ? [media.example] : []),
          ...Object.values(media.examples ?? {}).map((example) => resolve(example).value),
        ]);
        return { status, description: response.description ?? '', examples: strings(examples) };
      });
      found.push({
        label: `${method.toUpperCase()} ${route}`,
        operationId: operation.operationId,
        summary: operation.summary,
        tags: operation.tags ?? [],
        parameters,
        responses,
      });
    }
  }
  return found;
}

// The string values in examples, the text a reader finds in the rendered samples.
function strings(value) {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

// Text as a page shows it: Markdown's marks gone, white space collapsed.
function plain(text) {
  return text.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The README's first section (up to its first `## ` heading): its fenced code blocks.
function readmeQuickStart() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const first = readme.split(/^## /m)[0];
  return [...first.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1].trim());
}

// Every relative link of the page, as the file it leads to.
async function linkedFiles(page) {
  const hrefs = await page.locator('a[href]').evaluateAll((links) =>
    links.map((link) => ({ href: link.getAttribute('href'), url: link.href })));
  return hrefs
    .filter(({ href }) => !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('#'))
    .map(({ href, url }) => ({ href, file: fileURLToPath(url.split('#')[0]) }));
}

// Opens an operation of an API reference from its sidebar entry, and waits for its heading.
async function openOperation(page, reference, operation) {
  assert.ok(operation.summary, `${operation.label} has no summary in the spec`);
  const entry = page.locator('a').filter({
    has: page.getByText(operation.summary, { exact: true }),
  }).first();
  if (!(await entry.isVisible())) {
    // Operations sit under their tag in the sidebar, folded until the tag is opened.
    for (const tag of operation.tags) {
      // A DOM click, not a pointer click: Redoc's panels can lie over the sidebar for a moment
      // while it lays out, which fails a pointer click without telling us anything.
      await page.locator('a').filter({ has: page.getByText(tag, { exact: true }) }).first()
        .dispatchEvent('click');
    }
  }
  await entry.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {});
  assert.ok(await entry.isVisible(),
    `${operation.label}: its summary "${operation.summary}" is not in the sidebar of ${reference.page}`);
  await entry.dispatchEvent('click');
  // The heading's own text (its accessible name also has the deep link's label).
  const heading = page.locator('main').locator('h1, h2, h3, h4, h5, h6').filter({
    hasText: new RegExp(`^\\s*${escapeRegExp(operation.summary)}\\s*$`),
  });
  await heading.first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {});
  assert.ok(await heading.first().isVisible(),
    `${operation.label}: no heading "${operation.summary}" is shown after opening it`);
}

test('every spec of spec/ has an API reference', () => {
  const specs = fs.readdirSync(path.join(root, 'spec'))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => `spec/${name}`)
    .sort();
  assert.deepEqual(REFERENCES.map(({ spec }) => spec).sort(), specs);
});

for (const reference of REFERENCES) {
  describe(`the ${reference.name} reference (${reference.page})`, () => {
    test(`shows every operation of ${reference.spec}: summary, parameters, responses and their examples`, { timeout: 180_000 }, async () => {
      const spec = readSpec(reference.spec);
      const all = operations(spec);
      assert.ok(all.length > 0, `${reference.spec} has no operations`);
      const { page, problems } = await open(reference.page);
      // Redoc hydrates the pre-rendered page after load; a click before that would follow the
      // plain link out of the page, which shows up as a failed request.
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(1_000);
      // It is this spec's page: Redoc's title is the spec's title and version, and the site's
      // navigation bar names the version too.
      const title = await page.locator('h1').first().innerText();
      assert.ok(title.includes(spec.info.title) && title.includes(spec.info.version),
        `${reference.page} is titled "${title}", not after ${reference.spec} (${spec.info.title} ${spec.info.version})`);
      const nav = await page.locator('nav.site-nav').innerText();
      assert.ok(nav.includes(reference.name) && nav.includes(spec.info.version),
        `${reference.page}'s navigation bar says "${nav}"`);
      // Its relative links (the way back to the index) lead to files of the site. Redoc's own
      // links (`/section/...`, `/indexes`) are routes of its in-page router, which handles the
      // click without leaving the page (the operations below are opened that way).
      const links = (await linkedFiles(page)).filter(({ href }) => !href.startsWith('/'));
      assert.ok(links.some(({ file }) => file === path.join(site, 'index.html')),
        `${reference.page} does not link back to the index`);
      for (const { href, file } of links) {
        assert.ok(fs.existsSync(file), `${reference.page} links to ${href}, but ${file} does not exist`);
      }
      const [firstScreenshot, lastScreenshot] = reference.screenshots;
      for (const operation of all) {
        await openOperation(page, reference, operation);
        if (operation === all[0]) {
          // The first screen of the first operation, as a reader who opened it sees it.
          await page.waitForTimeout(300);
          await page.screenshot({ path: path.join(site, firstScreenshot) });
        }
        const main = page.locator('main');
        const text = await main.innerText();
        for (const parameter of operation.parameters) {
          assert.ok(text.includes(parameter),
            `${operation.label}: the parameter ${parameter} is not shown`);
        }
        // Each response, errors included, is a tab: open it and look for what the spec says of it.
        // Only in this operation's own section: Redoc also renders the operations around it, and a
        // tab of another one (the first `200` of the page, say) would scroll this one out of view,
        // and Redoc would stop rendering it.
        const section = main.locator(`[data-section-id$="/${operation.operationId}"]`).first();
        for (const response of operation.responses) {
          const tab = section.getByRole('button', { name: response.status, exact: true });
          assert.ok(await tab.count() > 0,
            `${operation.label}: there is no tab for the response ${response.status}`);
          await tab.first().click();
          // Both sides plain: `plain` drops `_` from the page's text, and example values such as
          // `loyalty_members` have them too.
          const shown = plain(await section.innerText());
          assert.ok(shown.includes(plain(response.description)),
            `${operation.label}: the ${response.status} response's description is not shown`);
          for (const value of response.examples) {
            assert.ok(shown.includes(plain(value)),
              `${operation.label}: the ${response.status} response's example value "${value}" is not shown`);
          }
        }
      }
      // And every summary is in the page's visible text at the end, as a reader sees it. The sidebar
      // unfolds one tag at a time, so a summary under another tag shows once its tag is opened.
      for (const operation of all) {
        let visible = await page.locator('body').innerText();
        if (!visible.includes(operation.summary)) {
          for (const tag of operation.tags) {
            await page.locator('a').filter({ has: page.getByText(tag, { exact: true }) }).first()
              .click();
          }
          await page.waitForTimeout(300);
          visible = await page.locator('body').innerText();
        }
        assert.ok(visible.includes(operation.summary),
          `${operation.label}: "${operation.summary}" is not in the page's text`);
      }
      // The first screen of the last operation, its tag open in the sidebar.
      await openOperation(page, reference, all.at(-1));
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(site, lastScreenshot) });
      await assertClean(page, problems);
      await page.close();
    });
  });
}

describe('the index (index.html)', () => {
  test('shows the README quick start and links only to files of the site', { timeout: 60_000 }, async () => {
    const { page, problems } = await open('index.html');
    const blocks = await page.locator('pre').allInnerTexts();
    const commands = readmeQuickStart();
    assert.ok(commands.length > 0, 'README.md has no code block before its first ## heading');
    for (const command of commands) {
      assert.ok(blocks.some((block) => block.trim() === command),
        `the index does not show the README's command ${JSON.stringify(command)}`);
    }
    const links = await linkedFiles(page);
    for (const required of ['cli/index.html', 'sdk/amperity/index.html']) {
      assert.ok(links.some(({ href }) => href === required), `the index does not link to ${required}`);
    }
    // Each API reference, with its API and the version its spec documents.
    for (const reference of REFERENCES) {
      const { info } = readSpec(reference.spec);
      const link = page.locator(`a[href="${reference.page}"]`);
      assert.equal(await link.count(), 1, `the index does not link to ${reference.page} once`);
      const text = await link.innerText();
      for (const expected of [reference.name, info.title, info.version]) {
        assert.ok(text.includes(expected),
          `the index's link to ${reference.page} does not say "${expected}": ${JSON.stringify(text)}`);
      }
    }
    for (const { href, file } of links) {
      assert.ok(fs.existsSync(file), `the index links to ${href}, but ${file} does not exist`);
    }
    await page.screenshot({ path: path.join(site, 'index.png'), fullPage: true });
    await assertClean(page, problems);
    await page.close();
  });
});

describe('the CLI reference (cli/index.html)', () => {
  test('has working anchors and man page links', { timeout: 60_000 }, async () => {
    const { page, problems } = await open('cli/index.html');
    const anchors = await page.locator('a[href^="#"]').evaluateAll((links) =>
      links.map((link) => link.getAttribute('href').slice(1)));
    assert.ok(anchors.length > 0, 'the CLI reference has no table of contents');
    for (const id of anchors) {
      assert.equal(await page.locator(`[id="${id}"]`).count(), 1, `no element with id ${id}`);
    }
    const links = await linkedFiles(page);
    assert.ok(links.some(({ href }) => href === 'man/amperity.1'), 'no link to man/amperity.1');
    for (const { href, file } of links) {
      assert.ok(fs.existsSync(file), `the CLI reference links to ${href}, but ${file} does not exist`);
    }
    await assertClean(page, problems);
    await page.close();
  });
});

describe('the SDK reference (sdk/amperity/index.html)', () => {
  test('opens from disk without errors', { timeout: 60_000 }, async () => {
    const { page, problems } = await open('sdk/amperity/index.html');
    await page.getByRole('heading', { name: /amperity/ }).first().waitFor({ state: 'visible' });
    await assertClean(page, problems);
    await page.close();
  });
});
