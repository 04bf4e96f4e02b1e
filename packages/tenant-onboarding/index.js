// tenant-onboarding: puts the pinned widget module of an edge into the page, once.
//
// The widget itself is not in this package: it is served by the agency's edge
// (EDGE/widget/<version>/onboarding.js, immutable per version) and pinned with its
// Subresource Integrity, exactly as the plain-HTML snippet does. This file only
// writes that <script> tag and hands back the module's `mount` and `version`.

const TAG = "tenant-onboarding";
const VERSION = /^[0-9A-Za-z.-]{1,64}$/;

/** Manifest fetches, per edge (one per page; a failed one is tried again). */
const manifests = new Map();
/** Loads, per entry URL: calling load() again reuses the one in flight or done. */
const loads = new Map();

function browserOnly() {
  return typeof window === "undefined" || typeof document === "undefined" || !window.customElements;
}

function edgeBase(edge) {
  let url;
  try {
    url = new URL(edge);
  } catch {
    throw new TypeError(`tenant-onboarding: edge must be an absolute URL (https://…), got ${JSON.stringify(edge)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`tenant-onboarding: edge must be an http(s) URL, got ${edge}`);
  }
  // A base that ends in "/", so relative paths resolve under it.
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

function manifest(base) {
  let m = manifests.get(base);
  if (!m) {
    m = fetch(new URL("widget/manifest.json", base), { credentials: "omit" }).then(async (res) => {
      if (!res.ok) throw new Error(`tenant-onboarding: ${res.url} answered ${res.status}`);
      return res.json();
    });
    m.catch(() => manifests.delete(base));
    manifests.set(base, m);
  }
  return m;
}

/** The entry to load: `{url, integrity, files}`, from the arguments or the manifest. */
async function pin(base, version, integrity) {
  if (version !== undefined && !VERSION.test(version)) {
    throw new TypeError(`tenant-onboarding: not a widget version: ${JSON.stringify(version)}`);
  }
  if (integrity && !version) {
    throw new TypeError("tenant-onboarding: an integrity pins a version: pass the version too");
  }
  if (version && integrity) {
    return { url: new URL(`widget/${version}/onboarding.js`, base).href, integrity, files: {} };
  }
  const m = await manifest(base);
  const release = version ? (m.versions ?? []).find((v) => v.version === version) : m;
  if (!release) throw new Error(`tenant-onboarding: version ${version} is not published on ${base}`);
  return { url: new URL(release.entry, base).href, integrity: integrity ?? release.integrity, files: release.files ?? {} };
}

/** An entry of this edge the page already has (the HTML snippet, or an earlier load). */
function existingEntry(base) {
  for (const s of document.querySelectorAll('script[type="module"][src]')) {
    if (s.src.startsWith(`${base}widget/`) && s.src.endsWith("/onboarding.js")) return s.src;
  }
  return null;
}

function script(url, integrity, files) {
  const present = [...document.querySelectorAll('script[type="module"][src]')].find((s) => s.src === url);
  if (present) {
    // The page's own tag of the same entry ran without the integrity asked for (or with
    // another): the caller's pin cannot be honoured, so nothing is loaded on its word.
    if (integrity && present.integrity !== integrity) {
      return Promise.reject(new Error(`tenant-onboarding: the page already has ${url} without the integrity asked for (${integrity}); give that tag the same integrity, or drop it`));
    }
    return customElements.whenDefined(TAG);
  }
  // The wasm and the stylesheet start downloading beside the entry instead of after
  // it has run; their integrity is the one the entry checks them against. (Not the
  // language catalogs the manifest also lists: a journey fetches the one it speaks.)
  for (const [path, hash] of Object.entries(files).filter(([p]) => /\.(wasm|css)$/.test(p))) {
    const link = document.createElement("link");
    link.rel = "preload";
    link.as = path.endsWith(".css") ? "style" : "fetch";
    link.href = new URL(path, url).href;
    link.integrity = hash;
    link.crossOrigin = "anonymous";
    document.head.append(link);
  }
  const el = document.createElement("script");
  el.type = "module";
  el.src = url;
  if (integrity) el.integrity = integrity;
  el.crossOrigin = "anonymous";
  const failed = new Promise((_, reject) => {
    el.addEventListener("error", () => {
      // Gone again, so that the next load() writes a fresh tag and tries once more.
      el.remove();
      reject(new Error(`tenant-onboarding: ${url} did not load (network, or its integrity does not match)`));
    }, { once: true });
  });
  document.head.append(el);
  return Promise.race([customElements.whenDefined(TAG), failed]);
}

/**
 * Loads the widget of `edge` once per page and resolves to `{version, mount}` once
 * `<tenant-onboarding>` is defined. See index.d.ts.
 */
export function load({ edge, version, integrity } = {}) {
  if (browserOnly()) {
    return Promise.reject(new Error("tenant-onboarding: load() needs a browser (call it from an effect or an event handler, not while rendering on the server)"));
  }
  let base;
  try {
    base = edgeBase(edge);
  } catch (e) {
    return Promise.reject(e);
  }
  const already = !version && !integrity && existingEntry(base);
  const pinned = already ? Promise.resolve({ url: already, integrity: undefined, files: {} }) : pin(base, version, integrity);
  return pinned.then(({ url, integrity: hash, files }) => {
    let loading = loads.get(url);
    if (!loading) {
      loading = script(url, hash, files)
        // The same URL is the same module record: import() gets the instance the
        // <script> ran (the module map already holds it, nothing is fetched again).
        .then(() => import(/* @vite-ignore */ /* webpackIgnore: true */ url))
        .then((mod) => ({ version: mod.version, mount: mod.mount }));
      loading.catch(() => loads.delete(url));
      loads.set(url, loading);
    }
    return loading;
  });
}
