// EvidenceVault's pages: a victim's phone page (create or open a case, add evidence resumably, receipts, share
// links) and the lawyer's page (every item, the custody log, the bundle). Everything is served by the vault.
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import Tus from '@uppy/tus';
import Webcam from '@uppy/webcam';
import Audio from '@uppy/audio';
import ScreenCapture from '@uppy/screen-capture';
import GoldenRetriever from '@uppy/golden-retriever';
import zhCN from '@uppy/locales/lib/zh_CN.js';
import enUS from '@uppy/locales/lib/en_US.js';
import qrcode from 'qrcode-generator';
import { strings, initialLanguage } from './i18n.js';
import { VaultApi, VaultError, parseCaseLink, problemError } from './api.js';

const SESSION_KEY = 'evidencevault.session';
const LANGUAGE_KEY = 'evidencevault.language';
const CHUNK_SIZE = 8 * 1024 * 1024;
// .mbox is let through only for the vault to say why it takes the one mail instead of a whole folder, and how to save it.
const ACCEPTED = ['image/*', 'audio/*', 'video/*', '.mhtml', '.mht', '.html', '.htm', '.pdf', '.warc', '.gz', '.wacz', '.webarchive', '.zip', '.heic', '.heif', '.amr', '.awb', '.silk', '.slk', '.aac', '.3gp', '.m4a', '.eml', '.msg', '.docx', '.docm', '.xlsx', '.xlsm', '.pptx', '.pptm', '.odt', '.ods', '.odp', '.doc', '.xls', '.ppt', '.rtf', '.txt', '.json', '.mbox'];

const state = {
  language: initialLanguage(localStorage.getItem(LANGUAGE_KEY), navigator.languages || [navigator.language || '']),
  session: null, // { caseId, token }
  caseInfo: null,
  items: [],
  receipts: [],
  grants: [],
  newLink: null,
  ownerLink: null, // shown once after creating a case
  captured: null, // the summary of the last page capture
  captureDraft: { url: '', note: '' },
  error: null,
};
let api = null;
let uppy = null;
let dashboardHost = null; // one element for the session's Dashboard, moved into each new render
const objectUrls = new Map();

/** A string of the current language; `t('kinds', 'audio')` for one entry of a table (their keys may contain dots). */
const t = (key, entry) => {
  const value = strings[state.language][key];
  return (entry === undefined ? value : value?.[entry]) ?? (entry ?? key);
};

/** "Label: value" with the language's own colon (full-width in Chinese). */
const field = (key, value) => `${t(key)}${t('colon')}${value}`;

/** Creates an element: h('p', { class: 'x', onclick }, 'text', child…). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

function shareLink(caseId, token) {
  return `${location.origin}/#case=${caseId}&token=${token}`;
}

// ---------- times and sizes ----------

function formatTime(iso, timeZone) {
  if (!iso) {
    return '—';
  }
  return new Intl.DateTimeFormat(state.language === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(new Date(iso)) + (timeZone === 'UTC' ? ' UTC' : '');
}

/** What a photo's EXIF block or a movie's QuickTime keys say: the device clock's time (with its offset, when given) and the device. */
function clockStatement(time, utcOffset, device) {
  const read = time ? `${time.replace('T', ' ')} ${utcOffset ? `UTC${utcOffset}` : t('cameraClock')}` : null;
  return [read, device].filter(Boolean).join(' · ');
}

/** What a saved e-mail's header says of its sending: the sender it names, its subject, and its date. */
function messageStatement(message) {
  return [message.from, message.subject, message.sentAt && formatTime(message.sentAt, 'UTC')].filter(Boolean).join(' · ');
}

/** What an office document's properties say: its author and when it was written, who saved it last and when, the program, and the company. */
function documentStatement(properties) {
  const time = (written) => written && written.replace('T', ' ').replace(/Z$/, ' UTC');
  return [properties.author, time(properties.createdAt), properties.lastModifiedBy, time(properties.modifiedAt), properties.application, properties.company].filter(Boolean).join(' · ');
}

/** What an exported chat says of itself: how many messages with a writer it holds, and the first and last one's time as the export wrote it. */
function chatStatement(chat) {
  return `${chat.messages} ${t('chatMessages')} · ${chat.firstMessageAt} – ${chat.lastMessageAt}`;
}

/** A file an e-mail carries: its name and type, and, where the vault measured it, its size and SHA-256 (to match the file taken out of the mail). */
function attachmentStatement(attachment) {
  const measured = attachment.sha256 ? ` · ${formatSize(attachment.size)} · SHA-256 ${attachment.sha256}` : '';
  return `${attachment.fileName || '—'} (${attachment.contentType}${measured})`;
}

/** A recording's length as a player shows it, whole seconds cut off as players do: 0:22, 1:02:03. */
function formatLength(seconds) {
  const whole = Math.floor(seconds);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60];
  const two = n => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

function formatSize(bytes) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]} (${bytes.toLocaleString('en-US')} ${t('bytes')})`;
}

/** A datetime-local value ("2026-11-20T21:05") as ISO 8601 with this device's offset, as the vault requires. */
function withZone(local) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local || '')) {
    return local || undefined;
  }
  const date = new Date(local);
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
}

// ---------- session ----------

function saveSession(session) {
  state.session = session;
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  api = new VaultApi(session.caseId, session.token);
}

function forgetSession() {
  localStorage.removeItem(SESSION_KEY);
  uppy?.destroy();
  uppy = null;
  dashboardHost = null;
  api = null;
  Object.assign(state, { session: null, caseInfo: null, items: [], receipts: [], grants: [], newLink: null, ownerLink: null, captured: null, captureDraft: { url: '', note: '' } });
  render();
}

async function openSession(session) {
  saveSession(session);
  try {
    state.caseInfo = await api.caseInfo();
    state.error = null;
  } catch (error) {
    localStorage.removeItem(SESSION_KEY);
    state.session = null;
    showError(error);
    return;
  }
  await refresh();
}

async function refresh() {
  if (!api) {
    render();
    return;
  }
  try {
    state.items = (await api.items()).items;
    if (state.caseInfo?.role === 'owner') {
      state.grants = await api.grants();
    }
    state.error = null;
  } catch (error) {
    state.error = error;
  }
  render();
}

function showError(error) {
  state.error = error;
  render();
}

function errorText(error) {
  const known = error instanceof VaultError ? strings[state.language].errors[error.code] : null;
  return t('errorPrefix') + (error.subject ? error.subject + t('colon') : '') + (known || error.message || String(error));
}

// ---------- uploads (Uppy) ----------

function uppyLocale() {
  return state.language === 'en' ? enUS : zhCN;
}

function metaFields() {
  return [
    { id: 'note', name: t('noteField'), placeholder: t('notePlaceholder') },
    {
      id: 'kind',
      name: t('kindField'),
      render: ({ value, onChange }, create) => create('select', { value: value || '', onChange: (e) => onChange(e.target.value), class: 'uppy-u-reset uppy-c-textInput' },
        create('option', { value: '' }, t('kindAuto')),
        Object.entries(t('kinds')).map(([kind, name]) => create('option', { value: kind }, name))),
    },
    {
      id: 'capturedAt',
      name: t('capturedAtField'),
      render: ({ value, onChange }, create) => create('input', { type: 'datetime-local', value: value || '', onChange: (e) => onChange(e.target.value), class: 'uppy-u-reset uppy-c-textInput' }),
    },
    { id: 'sourceUrl', name: t('sourceUrlField'), placeholder: 'https://' },
  ];
}

const CLAIMS = ['note', 'kind', 'capturedAt', 'sourceUrl'];

/** The claims sent with a file: empty when not filled in (never "undefined"), capture times with their zone. */
function uploadMeta(meta) {
  const claims = { ...meta, capturedAt: withZone(meta.capturedAt) };
  for (const field of CLAIMS) {
    claims[field] = claims[field] === undefined || claims[field] === null ? '' : String(claims[field]).trim();
  }
  return claims;
}

function startUppy(target) {
  if (uppy) {
    return;
  }
  const { caseId, token } = state.session;
  uppy = new Uppy({
    id: `evidencevault-${caseId}`,
    autoProceed: true,
    locale: uppyLocale(),
    meta: Object.fromEntries(CLAIMS.map((field) => [field, ''])),
    restrictions: { allowedFileTypes: ACCEPTED },
    onBeforeUpload: (files) => Object.fromEntries(Object.entries(files).map(([id, file]) => [id, { ...file, meta: uploadMeta(file.meta) }])),
  })
    .use(Dashboard, dashboardOptions(target))
    .use(Webcam, { modes: ['picture', 'video-audio'], showVideoSourceDropdown: true })
    .use(Audio)
    .use(ScreenCapture)
    .use(Tus, {
      endpoint: `/api/cases/${caseId}/uploads`,
      headers: { Authorization: `Bearer ${token}` },
      chunkSize: CHUNK_SIZE,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      allowedMetaFields: ['name', 'type', 'note', 'kind', 'capturedAt', 'sourceUrl'],
      removeFingerprintOnSuccess: true,
    })
    // Files up to 100 MB are kept in the browser (IndexedDB) until uploaded, so closing the tab loses nothing; larger
    // ones are asked for again after a reopen and then continue where the vault stopped.
    .use(GoldenRetriever, { serviceWorker: false, indexedDB: { maxFileSize: 100 * 1024 * 1024, maxTotalSize: 500 * 1024 * 1024 } });
  uppy.on('upload-success', (file, response) => onUploaded(file, response.uploadURL));
  watchForStalls(uppy);
  keepFileListSemantics(target);
  uppy.on('upload-error', (file, error) => {
    // tus-js-client keeps the vault's answer: its problem type says why, in the page's language. Without an answer
    // (every retry failed on the network) the network is the reason.
    const response = error?.originalResponse;
    state.error = response
      ? problemError(response.getStatus(), response.getBody(), file.name)
      : new VaultError('network', error?.message, 0, file.name);
    renderErrorOnly();
  });
}

function dashboardOptions(target) {
  return {
    inline: true,
    target,
    width: '100%',
    height: 360,
    note: t('uploadNote'),
    showProgressDetails: true,
    proudlyDisplayPoweredByUppy: false,
    metaFields: metaFields(),
    plugins: ['Webcam', 'Audio', 'ScreenCapture'],
    theme: 'light',
  };
}

/**
 * The dashboard shows a single file in a plain box, not in the list (role "list") its file items (role "listitem")
 * belong to, so a screen reader announces them out of any list. The box gets its role back whenever it appears.
 */
function keepFileListSemantics(target) {
  const mend = () => {
    for (const files of target.querySelectorAll('.uppy-Dashboard-files:not([role])')) {
      files.setAttribute('role', 'list');
    }
  };
  new MutationObserver(mend).observe(target, { childList: true, subtree: true });
  mend();
}

/**
 * A phone's connection can die without an error (no reset ever arrives), and a request then waits forever. An upload
 * that has not progressed for 30 s is paused and resumed: tus asks the vault's offset and continues from there.
 */
function watchForStalls(instance) {
  const lastProgress = new Map();
  instance.on('upload-progress', (file) => lastProgress.set(file.id, Date.now()));
  instance.on('upload-success', (file) => lastProgress.delete(file.id));
  instance.on('file-removed', (file) => lastProgress.delete(file.id));
  const timer = setInterval(() => {
    for (const [id, at] of lastProgress) {
      const file = instance.getFile(id);
      if (!file || file.progress?.uploadComplete) {
        lastProgress.delete(id);
      } else if (!file.isPaused && Date.now() - at > 30_000) {
        console.warn(`EvidenceVault: no progress on ${file.name} for 30 s; resuming from the vault's offset`);
        lastProgress.set(id, Date.now());
        instance.pauseResume(id);
        instance.pauseResume(id);
      }
    }
  }, 5_000);
  instance.on('cancel-all', () => lastProgress.clear());
  return timer;
}

async function onUploaded(file, uploadUrl) {
  try {
    let status = await api.upload(uploadUrl);
    for (let attempt = 0; !status.itemId && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await api.upload(uploadUrl);
    }
    const item = await api.item(status.itemId);
    state.receipts = [item, ...state.receipts.filter((r) => r.itemId !== item.itemId)];
    await refresh();
  } catch (error) {
    showError(error);
  }
}

// ---------- views ----------

/**
 * Named by what it shows ("English" / "中文", spoken in that language), so a voice-control user can say what they
 * see; what it does is its description, in the page's language.
 */
function languageButton() {
  return h('button', {
    type: 'button', class: 'language', id: 'language', title: t('switchLanguageLabel'),
    onclick: () => {
      state.language = state.language === 'en' ? 'zh-CN' : 'en';
      localStorage.setItem(LANGUAGE_KEY, state.language);
      uppy?.setOptions({ locale: uppyLocale() });
      render();
    },
  }, h('span', { lang: state.language === 'en' ? 'zh-CN' : 'en' }, t('switchLanguage')));
}

function startView() {
  const title = h('input', { id: 'case-title', name: 'title', maxlength: '200', placeholder: t('caseTitlePlaceholder'), autocomplete: 'off' });
  const link = h('input', { id: 'case-link', name: 'link', placeholder: t('openPlaceholder'), autocomplete: 'off' });
  return [
    h('p', { class: 'intro' }, t('intro')),
    h('form', {
      class: 'card', id: 'create-form',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const created = await VaultApi.createCase(title.value.trim());
          state.ownerLink = shareLink(created.caseId, created.ownerToken);
          await openSession({ caseId: created.caseId, token: created.ownerToken });
        } catch (error) {
          showError(error);
        }
      },
    }, h('h2', {}, t('createTitle')), h('label', { for: 'case-title' }, t('caseTitleLabel')), title, h('button', { type: 'submit', class: 'primary', id: 'create-case' }, t('createButton'))),
    h('form', {
      class: 'card', id: 'open-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const session = parseCaseLink(link.value);
        if (session) {
          await openSession(session);
        } else {
          showError(new Error(t('openInvalid')));
        }
      },
    }, h('h2', {}, t('openTitle')), h('label', { for: 'case-link' }, t('openLabel')), link, h('button', { type: 'submit', id: 'open-case' }, t('openButton'))),
  ];
}

/** A link shown once: the text, copy, QR code. */
function linkBox(id, link) {
  const qr = h('div', { class: 'qr', hidden: true });
  const copyButton = h('button', {
    type: 'button', id: `${id}-copy`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(link);
      } catch {
        document.getElementById(`${id}-text`).select();
      }
      copyButton.textContent = t('copied');
    },
  }, t('copy'));
  const qrButton = h('button', {
    type: 'button', id: `${id}-qr`,
    onclick: () => {
      if (!qr.firstChild) {
        const code = qrcode(0, 'M');
        code.addData(link);
        code.make();
        qr.append(h('img', { src: code.createDataURL(4, 8), alt: t('qrAlt'), width: '240', height: '240' }));
      }
      qr.hidden = !qr.hidden;
      qrButton.textContent = qr.hidden ? t('showQr') : t('hideQr');
    },
  }, t('showQr'));
  return h('div', { class: 'link-box' },
    h('textarea', { id: `${id}-text`, readonly: true, rows: '3', 'aria-label': t('newLinkTitle') }, link),
    h('div', { class: 'buttons' }, copyButton, qrButton),
    qr);
}

function ownerTokenView() {
  return h('section', { class: 'card warning', id: 'owner-token', role: 'alert' },
    h('h2', {}, t('tokenTitle')),
    h('p', {}, t('tokenWarning')),
    linkBox('owner-link', state.ownerLink),
    h('button', { type: 'button', class: 'primary', id: 'saved-it', onclick: () => { state.ownerLink = null; render(); } }, t('savedIt')));
}

function receiptCard(item) {
  const row = (label, value, attributes = {}) => [h('dt', {}, label), h('dd', attributes, value)];
  const stamp = item.timestamp?.status === 'granted'
    ? `${t('timestampGranted')} — ${formatTime(item.timestamp.genTime, 'Asia/Shanghai')}`
    : t('timestampPending');
  return h('article', { class: 'receipt', dataset: { itemId: item.itemId } },
    h('h3', {}, `✔ ${t('receiptSaved')}`),
    h('dl', {},
      row(t('fileName'), item.fileName || item.itemId),
      row(t('size'), formatSize(item.size)),
      row(t('sha256'), item.sha256, { class: 'hash', dataset: { sha256: item.sha256 } }),
      row(t('receivedBeijing'), formatTime(item.receivedAt, 'Asia/Shanghai')),
      row(t('receivedUtc'), formatTime(item.receivedAt, 'UTC')),
      row(t('timestamp'), stamp, { class: `stamp ${item.timestamp?.status}` })));
}

/** The name on the certificate of the page's own site, when the vault reached it over HTTPS (docs/api.md#page-captures). */
function siteCertificate(page) {
  const final = new URL(page.finalUrl);
  const tls = page.tls?.[`${final.hostname}:${final.port || (final.protocol === 'https:' ? 443 : 80)}`]?.[0];
  return commonName(tls?.certificates[0]?.subject);
}

/** A certificate's subject or issuer by its common name (CN=…), else as it is. */
function commonName(name) {
  return name ? (name.match(/CN=([^,]+)/)?.[1] ?? name) : null;
}

/** Each site a capture reached over HTTPS: whose certificate it presented, and who issued it (the vault checked both). */
function capturedSiteLines(item) {
  return (item.capturedSites ?? []).map(site => h('span', { class: 'url site-certificate' },
    field('siteCertificate', `${new URL(site.site).host} · ${commonName(site.subject)} · ${t('issuedBy')} ${commonName(site.issuer)}`)));
}

/** A link the vault saves itself: the page, its redirects and resources become one WACZ item with a receipt. */
function captureView() {
  // What was typed survives a re-render (an error, a language switch) until the page is saved.
  const url = h('input', { type: 'url', id: 'capture-url', inputmode: 'url', autocomplete: 'off', required: true, placeholder: 'https://…', oninput: (e) => { state.captureDraft.url = e.target.value; } });
  const note = h('input', { type: 'text', id: 'capture-note', maxlength: 1000, oninput: (e) => { state.captureDraft.note = e.target.value; } });
  url.value = state.captureDraft.url;
  note.value = state.captureDraft.note;
  const status = h('p', { id: 'capture-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary', id: 'capture-button' }, t('captureButton'));
  const form = h('form', {
    onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      status.textContent = t('capturing');
      try {
        const { item, page } = await api.capture(url.value.trim(), note.value.trim());
        state.receipts = [item, ...state.receipts.filter((r) => r.itemId !== item.itemId)];
        state.captured = page;
        state.captureDraft = { url: '', note: '' };
        state.error = null;
        await refresh();
      } catch (error) {
        status.textContent = '';
        button.disabled = false;
        showError(error);
      }
    },
  },
  h('label', { for: 'capture-url' }, t('captureUrlField')), url,
  h('label', { for: 'capture-note' }, t('captureNoteField')), note,
  button);
  if (state.captured) {
    const page = state.captured;
    const site = siteCertificate(page);
    status.textContent = `${t('captured')}${t('colon')}${page.title || page.finalUrl} · ${t('capturedStatus')} ${page.status} · ${page.resources} ${t('captureResources')}` +
      (site ? ` · ${t('certificateChecked')}${t('colon')}${site}` : '');
  }
  return h('section', { class: 'card', id: 'capture' }, h('h2', {}, t('captureTitle')), h('p', {}, t('captureHelp')), form, status);
}

/**
 * For a link a saved e-mail holds: put it in the capture form, with a note naming the mail, for the member to read
 * and send — the vault, not the member's phone, then opens it.
 */
function captureLinkButton(link, item, from) {
  return h('button', {
    type: 'button',
    class: 'link capture-link',
    title: link,
    onclick: () => {
      state.captureDraft = { url: link, note: `${t(from)}${t('colon')}${item.fileName || item.itemId}` };
      render();
      document.getElementById('capture')?.scrollIntoView({ block: 'start' });
      document.getElementById('capture-button')?.focus();
    },
  }, `${t('captureThisLink')} ${new URL(link).host}`);
}

/** A mail's DKIM signatures as the vault checked them: `domain: result` each, or nothing when it has none. */
function signatureResults(mail) {
  return (mail.signatures ?? []).map((signature) => `${signature.domain ?? '—'}${t('colon')}${t('signatureResults', signature.result)}`).join(' · ');
}

function itemRow(item, lawyer) {
  const media = lawyer ? mediaPreview(item) : null;
  return h('li', { class: 'item', dataset: { itemId: item.itemId, sha256: item.sha256 } },
    media,
    h('div', { class: 'item-text' },
      h('strong', {}, item.fileName || item.itemId),
      h('span', {}, `${t('kinds', item.kind)} · ${formatSize(item.size)}`),
      item.recording?.durationSeconds ? h('span', { class: 'recording-length' }, field('recordingLength', formatLength(item.recording.durationSeconds))) : null,
      h('span', {}, field('receivedBeijing', formatTime(item.receivedAt, 'Asia/Shanghai'))),
      h('span', {}, field('receivedUtc', formatTime(item.receivedAt, 'UTC'))),
      item.capturedAt ? h('span', {}, field('capturedAt', formatTime(item.capturedAt, 'Asia/Shanghai'))) : null,
      item.sourceUrl ? h('span', { class: 'url' }, field('sourceUrlField', item.sourceUrl)) : null,
      item.capturedBy === 'vault' ? h('span', { class: 'captured-by-vault' }, t('capturedByVault')) : null,
      ...capturedSiteLines(item),
      item.recording?.recordedAt ? h('span', { class: 'recording-made' }, field('recordingSays', formatTime(item.recording.recordedAt, 'UTC'))) : null,
      item.recording?.localTime || item.recording?.device
        ? h('span', { class: 'recording-phone' }, field('recordingPhoneSays', clockStatement(item.recording.localTime, item.recording.utcOffset, item.recording.device)))
        : null,
      item.photo ? h('span', { class: 'photo-says' }, field('photoSays', clockStatement(item.photo.takenAt, item.photo.utcOffset, item.photo.device))) : null,
      item.message ? h('span', { class: 'message-says' }, field('messageSays', messageStatement(item.message))) : null,
      item.message?.to ? h('span', { class: 'message-to' }, field('messageTo', item.message.to)) : null,
      item.message?.forwarded?.length
        ? h('span', { class: 'message-forwarded' }, field('messageForwarded', item.message.forwarded.map((mail) => [mail.from, mail.to, mail.subject, mail.sentAt && formatTime(mail.sentAt, 'UTC'), mail.signatures?.length && `DKIM ${signatureResults(mail)}`].filter(Boolean).join(' · ')).join(' | ')))
        : null,
      item.message?.deliveredBy || item.message?.deliveredAt
        ? h('span', { class: 'message-delivered' }, field('messageDelivered', [item.message.deliveredBy, item.message.deliveredAt && formatTime(item.message.deliveredAt, 'UTC')].filter(Boolean).join(' · ')))
        : null,
      item.message?.cc ? h('span', { class: 'message-cc' }, field('messageCc', item.message.cc)) : null,
      item.message?.signatures?.length ? h('span', { class: 'message-signatures' }, field('messageSignatures', signatureResults(item.message))) : null,
      item.message?.deliveredTo ? h('span', { class: 'message-delivered-to' }, field('messageDeliveredTo', item.message.deliveredTo)) : null,
      item.message?.authenticatedBy
        ? h('span', { class: 'message-authentication' }, field('messageAuthentication', `${item.message.authenticatedBy} · ${item.message.authenticationResults ?? '—'}`))
        : null,
      item.message?.links?.length ? h('span', { class: 'url message-links' }, field('messageLinks', item.message.links.join(' '))) : null,
      ...(lawyer ? [] : (item.message?.links ?? []).map((link) => captureLinkButton(link, item, 'linkFromMail'))),
      item.message?.attachments?.length
        ? h('span', { class: 'message-attachments' }, field('messageAttachments', item.message.attachments.map(attachmentStatement).join('; ')))
        : null,
      item.document ? h('span', { class: 'document-says' }, field('documentSays', documentStatement(item.document))) : null,
      item.chat ? h('span', { class: 'chat-says' }, field('chatSays', chatStatement(item.chat))) : null,
      item.chat?.participants?.length
        ? h('span', { class: 'chat-writers' }, field('chatWriters', `${item.chat.writers}${item.chat.writers > item.chat.participants.length ? ` ${t('chatFirstNamed').replace('{n}', item.chat.participants.length)}` : ''} · ${item.chat.participants.join('; ')}`))
        : null,
      item.chat?.accounts?.length ? h('span', { class: 'chat-accounts' }, field('chatAccounts', item.chat.accounts.join('; '))) : null,
      item.chat?.links?.length ? h('span', { class: 'url chat-links' }, field('chatLinks', item.chat.links.join(' '))) : null,
      ...(lawyer ? [] : (item.chat?.links ?? []).map((link) => captureLinkButton(link, item, 'linkFromChat'))),
      item.snapshot ? h('span', { class: 'url snapshot' }, field('pageSays', [item.snapshot.url, item.snapshot.capturedAt && formatTime(item.snapshot.capturedAt, 'UTC')].filter(Boolean).join(' · '))) : null,
      item.note ? h('span', {}, field('note', item.note)) : null,
      h('span', { class: 'contributor' }, field('contributor', contributorName(item))),
      h('span', { class: `stamp ${item.timestamp?.status}` }, field('timestamp', item.timestamp?.status === 'granted' ? t('timestampGranted') : t('timestampPending'))),
      h('code', { class: 'hash' }, item.sha256)));
}

/**
 * A grant by who holds it: the case's owner, or the victim or lawyer its link names, or, for a link without a name,
 * its role told apart by the end of its grant id (which the custody log names).
 */
function grantName(role, label, grantId) {
  if (role === 'owner') {
    return t('contributorOwner');
  }
  return label || `${t(role === 'lawyer' ? 'lawyerUnnamed' : 'contributorUnnamed')} …${(grantId ?? '').slice(-6)}`;
}

const contributorName = (item) => grantName(item.contributorRole, item.contributorLabel, item.contributor);

/**
 * Who sent an item, as the vault counts senders (and names them to the bundle's `contributor`): the case's owner is
 * one, whichever owner link they used — a new owner token replaces the token, not the victim; any other link is its own.
 */
const senderOf = (item) => (item.contributorRole === 'owner' ? 'owner' : item.contributor);

/**
 * Who acted in each custody event: every grant is introduced by a `grant.created` line of the same log (the owner's
 * too, and a new owner grant by `owner.rotated`), so the log names its own actors; events without an actor are the
 * vault's own (the case's opening, timestamp retries and their receipts).
 */
function actorNames(events) {
  const names = new Map();
  for (const event of events) {
    if (event.type === 'grant.created' && event.details?.grantId) {
      names.set(event.details.grantId, grantName(event.details.role, event.details.label, event.details.grantId));
    } else if (event.type === 'owner.rotated' && event.details?.grantId) {
      names.set(event.details.grantId, t('contributorOwner'));
    }
  }
  return (actor) => (actor ? names.get(actor) ?? `…${actor.slice(-6)}` : t('actorVault'));
}

function mediaPreview(item) {
  const box = h('div', { class: 'media' });
  const show = async (make) => {
    try {
      let url = objectUrls.get(item.itemId);
      if (!url) {
        url = await api.contentUrl(item.itemId);
        objectUrls.set(item.itemId, url);
      }
      box.replaceChildren(make(url));
    } catch (error) {
      showError(error);
    }
  };
  if (item.contentType.startsWith('image/') && !/hei[cf]/.test(item.contentType)) {
    show((url) => h('img', { src: url, alt: item.fileName || item.itemId, loading: 'lazy' }));
  } else if (item.contentType.startsWith('audio/') || item.contentType.startsWith('video/')) {
    const tag = item.contentType.startsWith('audio/') ? 'audio' : 'video';
    // A format the browser cannot decode (a WeChat voice message, say) is said to be one instead of left as a dead player.
    const cannotPlay = () => box.replaceChildren(h('span', { class: 'no-preview cannot-play' }, t('cannotPlay')));
    box.append(h('button', { type: 'button', class: 'play', onclick: () => show((url) => h(tag, { src: url, controls: true, autoplay: true, 'aria-label': item.fileName || item.itemId, onerror: cannotPlay })) }, `▶ ${t('play')}`));
  } else {
    box.append(h('span', { class: 'no-preview' }, t('noPreview')));
  }
  return box;
}

function shareView() {
  const label = h('input', { id: 'grant-label', maxlength: '100', autocomplete: 'off' });
  const create = (role) => async () => {
    try {
      const grant = await api.createGrant(role, label.value.trim());
      state.newLink = { role, link: shareLink(state.session.caseId, grant.token) };
      await refresh();
    } catch (error) {
      showError(error);
    }
  };
  return h('section', { class: 'card', id: 'share' },
    h('h2', {}, t('shareTitle')),
    h('p', {}, t('shareHelp')),
    h('label', { for: 'grant-label' }, t('labelField')), label,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', id: 'new-contributor-link', onclick: create('contributor') }, t('newContributorLink')),
      h('button', { type: 'button', id: 'new-lawyer-link', onclick: create('lawyer') }, t('newLawyerLink'))),
    state.newLink ? h('div', { class: 'new-link', id: 'new-link', dataset: { role: state.newLink.role } }, h('h3', {}, t('newLinkTitle')), linkBox('new-link', state.newLink.link)) : null,
    h('h3', {}, t('linksTitle')),
    h('ul', { class: 'grants' }, state.grants.filter((g) => g.role !== 'owner').map((grant) => h('li', { dataset: { grantId: grant.grantId } },
      h('span', {}, `${t('roleNames', grant.role)} · ${grant.label || '—'} · ${field('lastUsed', grant.lastUsedAt ? formatTime(grant.lastUsedAt, 'Asia/Shanghai') : t('never'))}`),
      grant.revokedAt
        ? h('em', {}, t('revoked'))
        : h('button', {
          type: 'button', class: 'revoke',
          onclick: async () => {
            try {
              await api.revokeGrant(grant.grantId);
              await refresh();
            } catch (error) {
              showError(error);
            }
          },
        }, t('revoke'))))));
}

function caseView() {
  const role = state.caseInfo.role;
  dashboardHost ??= h('div', { id: 'uppy' });
  const dashboard = dashboardHost;
  queueMicrotask(() => startUppy(dashboard));
  return [
    h('div', { class: 'case-head' }, h('h2', {}, state.caseInfo.title || state.session.caseId), h('p', { class: 'role' }, t(role === 'owner' ? 'roleOwner' : 'roleContributor'))),
    state.ownerLink ? ownerTokenView() : null,
    h('section', { class: 'card', id: 'add-evidence' }, h('h2', {}, t('addEvidence')), h('p', {}, t('addEvidenceHelp')), dashboard),
    captureView(),
    state.receipts.length ? h('section', { class: 'card', id: 'receipts', 'aria-live': 'polite' }, h('h2', {}, t('receiptsTitle')), state.receipts.map(receiptCard)) : null,
    h('section', { class: 'card', id: 'items' }, h('h2', {}, t('itemsTitle')),
      state.items.length ? h('ul', { class: 'items' }, state.items.map((item) => itemRow(item, false))) : h('p', {}, t('noItems'))),
    role === 'owner' ? shareView() : null,
    h('button', { type: 'button', class: 'link', id: 'forget', onclick: forgetSession }, t('forget')),
  ];
}

/**
 * What the case's items name, gathered across them: namesOf gives an item's [key, detail] pairs, and each key comes
 * with its details, the items naming it and who sent them, most contributors first — in a group suit, the one fake
 * site or the one scammer in many victims' evidence. The bundle's report lists the same.
 */
function namedAcross(items, namesOf) {
  const named = new Map();
  for (const item of items) {
    for (const [key, detail] of namesOf(item)) {
      const entry = named.get(key) ?? { key, details: new Set(), items: new Set(), contributors: new Set() };
      entry.details.add(detail);
      entry.items.add(item.fileName || item.itemId);
      entry.contributors.add(contributorName(item));
      named.set(key, entry);
    }
  }
  return [...named.values()].sort((a, b) => b.contributors.size - a.contributors.size || b.items.size - a.items.size || a.key.localeCompare(b.key));
}

/** A card listing what namedAcross gathered: each key, who sent it in which items, and what extra(entry) shows of it. */
function namedCard(id, entries, extra) {
  return entries.length === 0 ? null : h('section', { class: 'card', id }, h('h2', {}, t(`${id}Title`)), h('p', {}, t(`${id}Help`)),
    h('ul', { class: 'sites' }, entries.map((entry) => h('li', { dataset: { key: entry.key } },
      h('strong', {}, entry.key),
      h('span', { class: 'site-sent' }, field('sitesSentBy', `${[...entry.contributors].join('; ')} · ${[...entry.items].join('; ')}`)),
      extra(entry)))));
}

/**
 * The files more than one contributor sent byte for byte (the same SHA-256) — the same fake contract or app in many
 * victims' evidence —, each victim's copy an item of their own with its own receipt.
 */
function sameFilesCard(items) {
  const files = namedAcross(items, (item) => [[item.sha256, item.fileName || item.itemId]]).filter((file) => file.contributors.size > 1);
  return namedCard('sameFiles', files, () => null);
}

/** The sites the evidence names — the links of saved e-mails and exported chats, the addresses saved pages state — with their addresses. */
function sitesCard(items) {
  const sites = namedAcross(items, (item) => [...(item.message?.links ?? []), ...(item.chat?.links ?? []), ...(item.snapshot?.url ? [item.snapshot.url] : [])].map((link) => {
    try { return [new URL(link).hostname, link]; } catch { return [link, link]; }
  }));
  return namedCard('sites', sites, (site) => h('span', { class: 'url' }, [...site.details].join(' ')));
}

/** Who wrote in the exported chats: each writer's name as the exports give it, and each account a Telegram export names. */
function writersCard(items) {
  const writers = namedAcross(items, (item) => [
    ...(item.chat?.participants ?? []).map((name) => [name, name]),
    ...(item.chat?.accounts ?? []).map((account) => [`${t('writerAccount')} ${account}`, account]),
  ]);
  return namedCard('writers', writers, () => null);
}

/** The domains whose DKIM signatures the saved e-mails (and the mails forwarded in them) carry, with what the vault's check on receipt found. */
function signersCard(items) {
  const signers = namedAcross(items, (item) => [item.message, ...(item.message?.forwarded ?? [])]
    .flatMap((mail) => mail?.signatures ?? [])
    .filter((signature) => signature.domain)
    .map((signature) => [signature.domain, signature.result]));
  return namedCard('signers', signers, (signer) => h('span', { class: 'signer-results' }, field('signerResults', [...signer.details].sort().map((result) => t('signatureResults', result)).join('; '))));
}

function lawyerView() {
  const contributors = [...new Map(state.items.map((item) => [senderOf(item), contributorName(item)]))];
  const custody = h('section', { class: 'card', id: 'custody' }, h('h2', {}, t('custodyTitle')));
  api.custody().then((log) => {
    const actor = actorNames(log.events);
    custody.append(
      h('p', { class: log.intact ? 'ok' : 'bad', id: 'custody-status' }, log.intact ? t('custodyIntact') : t('custodyBroken')),
      h('ol', { class: 'events' }, log.events.map((event) => h('li', { dataset: { seq: event.seq } },
        [formatTime(event.at, 'Asia/Shanghai'), t('eventTypes', event.type), actor(event.actor), event.itemId].filter(Boolean).join(' · ')))));
  }).catch(showError);
  const status = h('span', { id: 'bundle-status', 'aria-live': 'polite' });
  // The whole case's bundle, or one sender's items (with the case's whole custody log, which is checked whole).
  const downloadButton = (attributes, label, contributor) => {
    const button = h('button', {
      type: 'button', ...attributes,
      onclick: async () => {
        button.disabled = true;
        try {
          // The case is read first, so a revoked or expired link is said here rather than on a page of its own.
          await api.caseInfo();
          api.downloadBundle(contributor);
          status.textContent = t('downloadStarted');
        } catch (error) {
          showError(error);
        } finally {
          setTimeout(() => { button.disabled = false; }, 3000);
        }
      },
    }, label);
    return button;
  };
  const download = downloadButton({ class: 'primary', id: 'download-bundle' }, t('downloadBundle'));
  const several = contributors.length > 1;
  return [
    h('div', { class: 'case-head' }, h('h2', {}, state.caseInfo.title || state.session.caseId), h('p', { class: 'role' }, t('roleLawyer'))),
    h('section', { class: 'card', id: 'bundle' }, download, status,
      h('h3', {}, t('verifyTitle')), h('p', {}, t('verifyHelp')),
      // Our verifier first, trusting the receipt keys this vault publishes rather than the bundle's own; then standard tools.
      h('pre', { class: 'commands' }, [
        `curl -f -o vault-keys.json ${location.origin}/.well-known/evidencevault/keys`,
        'evidencevault verify evidence-*.zip --vault-key vault-keys.json',
        'unzip evidence-*.zip && cd evidence-*/',
        'sha256sum -c manifest-sha256.txt',
        'sha256sum -c tagmanifest-sha256.txt',
        'openssl ts -verify -data data/evidence/<item>.<ext> -in data/timestamps/<item>.tsr -CAfile data/certs/tsa-roots.pem',
      ].join('\n'))),
    h('section', { class: 'card', id: 'contributors' }, h('h2', {}, t('contributorsTitle')),
      several ? h('p', {}, t('contributorBundleHelp')) : null,
      h('ul', { class: 'contributors' }, contributors.map(([sender, name]) => h('li', { dataset: { sender } }, h('span', { class: 'contributor-name' }, name),
        several ? downloadButton({ class: 'link contributor-bundle' }, t('contributorBundle'), sender) : null)))),
    sameFilesCard(state.items),
    sitesCard(state.items),
    writersCard(state.items),
    signersCard(state.items),
    h('section', { class: 'card', id: 'items' }, h('h2', {}, t('itemsTitle')),
      state.items.length ? h('ul', { class: 'items' }, state.items.map((item) => itemRow(item, true))) : h('p', {}, t('noItems'))),
    custody,
    h('button', { type: 'button', class: 'link', id: 'forget', onclick: forgetSession }, t('forget')),
  ];
}

function errorView() {
  return state.error ? h('p', { class: 'error', role: 'alert', id: 'error' }, errorText(state.error)) : null;
}

function renderErrorOnly() {
  document.getElementById('error')?.remove();
  const view = errorView();
  if (view) {
    document.querySelector('main').prepend(view);
  }
}

function render() {
  document.documentElement.lang = state.language;
  document.title = t('appName');
  const main = state.session && state.caseInfo
    ? (state.caseInfo.role === 'lawyer' ? lawyerView() : caseView())
    : startView();
  document.body.replaceChildren(
    h('header', {}, h('h1', {}, t('appName')), languageButton()),
    h('main', {}, errorView(), main));
}

// ---------- start ----------

async function start() {
  const fromLink = parseCaseLink(location.hash);
  if (fromLink) {
    history.replaceState(null, '', location.pathname); // the token leaves the address bar at once
    await openSession(fromLink);
    return;
  }
  const saved = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
  if (saved?.caseId && saved?.token) {
    await openSession(saved);
    return;
  }
  render();
}

start();
