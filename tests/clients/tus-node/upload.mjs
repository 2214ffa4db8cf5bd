// Uploads one file to an EvidenceVault case with the real tus-js-client, as a browser or app would.
// Usage: node upload.mjs <endpoint> <file> <chunkSize> [urlStoragePath|-] [retryDelaysJson]
// The case token comes from EVIDENCEVAULT_TOKEN (never on the command line); TUS_OVERRIDE_PATCH_METHOD=1 sends
// each PATCH as a POST with X-HTTP-Method-Override, as clients behind proxies that drop PATCH do. Prints JSON lines:
// {"event":"progress",...} now and then, {"event":"retry",...} on each retried request, and finally
// {"event":"success","uploadUrl":…,"itemId":…} (exit 0) or {"event":"error",…} (exit 1).
import fs from 'node:fs';
import path from 'node:path';
import { Upload, FileUrlStorage } from 'tus-js-client';

const [endpoint, file, chunkSizeText, urlStorageArgument, retryDelaysJson] = process.argv.slice(2);
const urlStoragePath = urlStorageArgument && urlStorageArgument !== '-' ? urlStorageArgument : undefined;
const chunkSize = Number(chunkSizeText);
const size = fs.statSync(file).size;
const print = (event) => process.stdout.write(JSON.stringify(event) + '\n');
let lastReported = -1;

const upload = new Upload(fs.createReadStream(file), {
  endpoint,
  chunkSize,
  uploadSize: size,
  overridePatchMethod: process.env.TUS_OVERRIDE_PATCH_METHOD === '1',
  headers: { Authorization: `Bearer ${process.env.EVIDENCEVAULT_TOKEN}` },
  metadata: { filename: path.basename(file), filetype: 'video/mp4' },
  retryDelays: retryDelaysJson ? JSON.parse(retryDelaysJson) : [0, 250, 500, 1000, 2000, 4000, 8000],
  removeFingerprintOnSuccess: true,
  storeFingerprintForResuming: Boolean(urlStoragePath),
  urlStorage: urlStoragePath ? new FileUrlStorage(urlStoragePath) : undefined,
  // The client's own rule (network errors, 5xx, 409, 423), reported so the test sees each retry.
  onShouldRetry: (error, retryAttempt) => {
    const status = error.originalResponse?.getStatus() ?? 0;
    const retry = status === 0 || status >= 500 || status === 409 || status === 423;
    print({ event: 'retry', attempt: retryAttempt, status, retry, message: String(error.message).slice(0, 200) });
    return retry;
  },
  onProgress: (sent, total) => {
    const percent = Math.floor((sent / total) * 10);
    if (percent !== lastReported) {
      lastReported = percent;
      print({ event: 'progress', sent, total });
    }
  },
  onSuccess: ({ lastResponse }) => {
    print({ event: 'success', uploadUrl: upload.url, itemId: lastResponse.getHeader('X-Evidence-Item-Id') ?? null });
  },
  onError: (error) => {
    print({ event: 'error', message: String(error.message).slice(0, 500) });
    process.exitCode = 1;
  },
});

if (urlStoragePath) {
  const previous = await upload.findPreviousUploads();
  if (previous.length > 0) {
    print({ event: 'resuming', uploadUrl: previous[0].uploadUrl });
    upload.resumeFromPreviousUpload(previous[0]);
  }
}

upload.start();
