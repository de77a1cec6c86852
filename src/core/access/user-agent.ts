/*
 * What a person recognises a signed-in device by: "Chrome on Windows", "WeChat on Android". Names of products are
 * the same in every language, so the server names them and the page only arranges them. The order of the checks
 * matters: most browsers also call themselves Safari or Chrome for old sites' sake, so the specific ones come first.
 */

export type DeviceKind = 'desktop' | 'mobile' | 'tablet' | 'program';

export type DeviceDescription = {
  /** Null when the browser or program is none we recognise (the raw text is still there for the reader). */
  browser: string | null;
  os: string | null;
  kind: DeviceKind;
};

const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/MicroMessenger\//, 'WeChat'],
  [/DingTalk\//, 'DingTalk'],
  [/\bQQ\/\d/, 'QQ'],
  [/MQQBrowser\/|QQBrowser\//, 'QQ Browser'],
  [/UCBrowser\//, 'UC Browser'],
  [/HuaweiBrowser\//, 'Huawei Browser'],
  [/MiuiBrowser\//, 'Mi Browser'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/\b360SE\b|\bQIHU 360/, '360 Browser'],
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bYaBrowser\//, 'Yandex Browser'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bCriOS\//, 'Chrome'],
  [/\bHeadlessChrome\//, 'Chrome (headless)'],
  [/\bChromium\//, 'Chromium'],
  [/\bChrome\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/^Wget\//, 'Wget'],
  [/^python-requests\/|^Python-urllib\//, 'Python'],
  [/^node-fetch|^undici|^node\b|^axios\//, 'Node.js'],
  [/^PostmanRuntime\//, 'Postman'],
  [/^okhttp\//, 'OkHttp'],
  [/^Go-http-client\//, 'Go'],
  [/^Java\/|^Apache-HttpClient\//, 'Java'],
  [/^bihuan\b/i, 'Bihuan'],
];

const SYSTEMS: readonly (readonly [RegExp, string])[] = [
  [/HarmonyOS|OpenHarmony/, 'HarmonyOS'],
  [/\biPhone\b|\biPod\b/, 'iOS'],
  [/\biPad\b/, 'iPadOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bUOS\b|\bUnionTech\b/, 'UOS'],
  [/\bKylin\b/, 'Kylin'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

const firstMatch = (text: string, table: readonly (readonly [RegExp, string])[]): string | null => table.find(([pattern]) => pattern.test(text))?.[1] ?? null;

/** A user agent as a person would name the device; null or empty text is an unknown program. */
export const describeUserAgent = (userAgent: string | null): DeviceDescription => {
  const text = (userAgent ?? '').trim();
  if (text.length === 0) return { browser: null, os: null, kind: 'program' };
  const browser = firstMatch(text, BROWSERS);
  const os = firstMatch(text, SYSTEMS);
  const isBrowser = text.startsWith('Mozilla/');
  let kind: DeviceKind;
  if (!isBrowser) kind = 'program';
  else if (/\biPad\b|\bTablet\b/.test(text) || (os === 'Android' && !/\bMobile\b/.test(text))) kind = 'tablet';
  else if (/\bMobile\b|\biPhone\b|\bAndroid\b|HarmonyOS/.test(text)) kind = 'mobile';
  else kind = 'desktop';
  return { browser, os, kind };
};
