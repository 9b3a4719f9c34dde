import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ParsedMail } from 'mailparser';
import type { Mailbox } from '../../../src/mail-capture/mailbox';
import { eventually } from '../../support/temporal';

/** Headless Debian Chromium, as the CI installs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    // Vietnamese browser chrome (the file inputs' own labels), as the agencies' browsers show it.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--lang=vi'],
  });
}

/** Where a suite's screenshots go (git-ignored): artifacts/screenshots/<suite>/. */
export function screenshotDir(suite: string): string {
  const dir = join(__dirname, '..', '..', '..', 'artifacts', 'screenshots', suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A full-page screenshot at the page's width, and again at a phone's (390 px) when `phone` is set. */
export async function shoot(page: Page, dir: string, name: string, phone = false): Promise<void> {
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  if (phone) {
    const size = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(dir, `${name}-phone.png`), fullPage: true });
    if (size) await page.setViewportSize(size);
  }
}

/** The first captured message matching `match`, waited for (the worker sends on its own schedule). */
export async function waitForMail(
  mailbox: Mailbox,
  match: (mail: ParsedMail) => boolean,
  timeoutMs = 60_000,
): Promise<ParsedMail> {
  return eventually(async () => {
    for (const summary of await mailbox.list()) {
      const mail = await mailbox.read(summary.id);
      if (mail && match(mail)) return mail;
    }
    return undefined;
  }, timeoutMs);
}

/** Whether a message was sent to `address`. */
export function sentTo(mail: ParsedMail, address: string): boolean {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.some((a) => a.value.some((v) => v.address === address));
}

/** The personal submission link in a message's plain text (and the same one in its HTML part). */
export function submissionLinkIn(mail: ParsedMail): string | undefined {
  const link = /https?:\/\/[^\s/]+\/bao-cao\/[\w-]+\.[\w-]+\.[\w-]+/.exec(mail.text ?? '')?.[0];
  if (!link || !String(mail.html).includes(`href="${link}"`)) return undefined;
  return link;
}
