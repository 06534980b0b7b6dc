import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import puppeteer from 'puppeteer-core'
import type { Browser, Page } from 'puppeteer-core'

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it), or `$CHROMIUM_PATH`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Where browser tests save their screenshots: test-output/ at the package root (ignored by git). */
export const TEST_OUTPUT_DIR = fileURLToPath(new URL('../../../test-output/', import.meta.url))

/** Launches headless Chromium; throws, saying how to install it, when it is missing. */
export async function launchBrowser (): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`)
  }
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check']
  })
}

/** A page that records every error it shows: uncaught exceptions, console errors and failed requests. */
export async function openPage (browser: Browser, width = 1280, height = 1000): Promise<{ page: Page, errors: string[] }> {
  const page = await browser.newPage()
  await page.setViewport({ width, height })
  const errors: string[] = []
  page.on('pageerror', (err) => { errors.push(`page error: ${String(err)}`) })
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console error: ${message.text()}`) })
  page.on('requestfailed', (request) => {
    // an event stream cut when the page closes is not an error of the page
    if (!request.url().endsWith('/api/v1/events')) errors.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`)
  })
  return { page, errors }
}

/** Saves a full-page screenshot as test-output/<name>.png; returns its path. */
export async function screenshot (page: Page, name: string): Promise<string> {
  await mkdir(TEST_OUTPUT_DIR, { recursive: true })
  const path = join(TEST_OUTPUT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}
