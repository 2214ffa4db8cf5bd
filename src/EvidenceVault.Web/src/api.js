// The vault's HTTP API as the pages use it: bearer token, JSON, RFC 9457 problems turned into errors.

export class VaultError extends Error {
  /** `code` is the problem type's last part (or `network`); `subject`, when given, is what failed (a file's name). */
  constructor(code, detail, status, subject) {
    super(detail || code);
    this.code = code;
    this.status = status;
    this.subject = subject;
  }
}

const PROBLEM_PREFIX = 'urn:evidencevault:problem:';

/** The error a vault response stands for: its RFC 9457 problem type names the reason (`http-<status>` without one). */
export function problemError(status, body, subject) {
  let problem = {};
  try {
    problem = JSON.parse(body || '{}') ?? {};
  } catch {
    // not a problem document
  }
  const code = (problem.type || '').replace(PROBLEM_PREFIX, '') || `http-${status}`;
  return new VaultError(code, problem.detail || problem.title, status, subject);
}

export class VaultApi {
  constructor(caseId, token) {
    this.caseId = caseId;
    this.token = token;
  }

  static async createCase(title) {
    return request('POST', '/api/cases', null, { title: title || null });
  }

  get base() {
    return `/api/cases/${encodeURIComponent(this.caseId)}`;
  }

  caseInfo() { return request('GET', this.base, this.token); }
  items() { return request('GET', `${this.base}/items?pageSize=1000`, this.token); }
  item(itemId) { return request('GET', `${this.base}/items/${encodeURIComponent(itemId)}`, this.token); }
  upload(url) { return request('GET', url, this.token); }
  custody() { return request('GET', `${this.base}/custody`, this.token); }
  /** Has the vault fetch a page itself: `{item, page}` (the WACZ item and what was fetched). */
  capture(url, note) { return request('POST', `${this.base}/captures`, this.token, { url, note: note || null }); }
  grants() { return request('GET', `${this.base}/grants`, this.token); }
  createGrant(role, label) { return request('POST', `${this.base}/grants`, this.token, { role, label: label || null }); }
  revokeGrant(grantId) { return request('DELETE', `${this.base}/grants/${encodeURIComponent(grantId)}`, this.token); }

  /** An item's bytes as a blob URL (images, audio and video are shown from memory, never from a vault URL). */
  async contentUrl(itemId) {
    const response = await send('GET', `${this.base}/items/${encodeURIComponent(itemId)}/content`, this.token);
    return URL.createObjectURL(await response.blob());
  }

  /**
   * Hands the bundle to the browser, which streams it to disk with its own progress, however large the case: a form
   * POST carrying the token in its body (RFC 6750 §2.2), so the token never appears in a URL, the history or a log.
   * Given a contributor's grant id, the bundle of that victim's items.
   */
  downloadBundle(contributor) {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = contributor ? `${this.base}/bundle?contributor=${encodeURIComponent(contributor)}` : `${this.base}/bundle`;
    form.hidden = true;
    const token = document.createElement('input');
    token.type = 'hidden';
    token.name = 'access_token';
    token.value = this.token;
    form.append(token);
    document.body.append(form);
    form.submit();
    form.remove();
  }
}

// A phone's network comes and goes: reads are tried again after a failure, with growing pauses.
const READ_RETRY_DELAYS = [500, 1000, 2000, 4000, 8000];

async function send(method, url, token, body) {
  const headers = {};
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined && body !== null) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  for (let attempt = 0; !response; attempt++) {
    try {
      response = await fetch(url, { method, headers, body: body == null ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch {
      if (method !== 'GET' || attempt >= READ_RETRY_DELAYS.length) {
        throw new VaultError('network', null, 0);
      }
      await new Promise((resolve) => setTimeout(resolve, READ_RETRY_DELAYS[attempt]));
    }
  }
  if (!response.ok) {
    throw problemError(response.status, await response.text().catch(() => ''));
  }
  return response;
}

async function request(method, url, token, body) {
  const response = await send(method, url, token, body);
  return response.status === 204 ? null : response.json();
}

/** Reads `#case=…&token=…` (a share link), a whole link, or a bare token `evv_{caseId}_…`. */
export function parseCaseLink(text) {
  const value = (text || '').trim();
  const fragment = value.includes('#') ? value.slice(value.indexOf('#') + 1) : value;
  const parameters = new URLSearchParams(fragment);
  const token = parameters.get('token') || (/^evv_[0-9A-HJKMNP-TV-Z]{26}_[A-Za-z0-9_-]{43}$/.test(value) ? value : null);
  const caseId = parameters.get('case') || (token ? token.split('_')[1] : null);
  return token && caseId && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(caseId) ? { caseId, token } : null;
}
