// The REST client: JSON in and out, the session's CSRF token on every change, and errors as
// `ApiError` with the server's stable `code`. A 401 means the session ended (expired, logged out
// by a supervisor, password changed): the app listens for `sb:signed-out` and shows the login.

let csrfToken = null;

/** Sets the CSRF token from the login or `/auth/me` answer. */
export function setCsrf(token) {
  csrfToken = token || null;
}

/** An error answer: `code` is the server's stable cause (`window_closed`, `invalid`…). */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

async function request(method, path, body, { headers = {}, raw = false } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof FormData || typeof body === 'string') {
      init.body = body;
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  if (!response.ok) throw await errorOf(response);
  if (raw) return response;
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

async function errorOf(response) {
  let code = `http_${response.status}`;
  let message = response.statusText;
  try {
    const body = await response.json();
    code = body.code || code;
    message = body.message || message;
  } catch { /* not JSON: keep the status */ }
  if (response.status === 401 && code !== 'invalid_credentials') {
    window.dispatchEvent(new CustomEvent('sb:signed-out'));
  }
  return new ApiError(response.status, code, message, response.headers.get('Retry-After'));
}

export const api = {
  get: (path, options) => request('GET', path, undefined, options),
  post: (path, body, options) => request('POST', path, body, options),
  put: (path, body, options) => request('PUT', path, body, options),
  patch: (path, body, options) => request('PATCH', path, body, options),
  del: (path, options) => request('DELETE', path, undefined, options),
};

/** `path?key=value…`, leaving out empty values. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') query.set(key, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Sends a file with upload progress (fetch cannot report it): `onProgress(sent, total)`.
 * Resolves with the JSON answer; rejects with an `ApiError`. `abort()` on the returned
 * promise's `xhr` cancels.
 */
export function upload(path, file, { method = 'POST', contentType, onProgress } = {}) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open(method, path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.setRequestHeader('Content-Type', contentType || file.type || 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload was cut off'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'the upload was cancelled'));
    xhr.onload = () => {
      let body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
      } else {
        if (xhr.status === 401) window.dispatchEvent(new CustomEvent('sb:signed-out'));
        reject(new ApiError(xhr.status, body?.code || `http_${xhr.status}`, body?.message || xhr.statusText));
      }
    };
    xhr.send(file);
  });
  done.xhr = xhr;
  return done;
}
