"use client";
// <TenantOnboarding>: the widget in a React tree. Renders a plain <div> and mounts the
// journey into it from an effect, so nothing touches `window` on import or while
// rendering (server rendering draws the empty host; the browser fills it).
//
// StrictMode runs effect → cleanup → effect in one go, and load() never resolves
// synchronously, so the first effect is cleaned up before it could mount and only the
// second mounts: one journey, one POST /v1/tenants. A cleanup that comes after its mount started
// destroys that mount's own handle when it resolves; the widget's handle leaves any
// later journey on the same host alone, so that is safe whichever finishes first.
import { createElement, useEffect, useRef } from "react";
import { load } from "./index.js";

const CALLBACKS = ["onReady", "onStep", "onComplete", "onExit", "onError"];
const OPTIONS = [
  "clientToken", "publishableKey", "locale", "apiBase", "deviceDataCollectorUrl", "productId", "requestedAmount",
  "styleUrl", "termsUrl", "creditCheckUrl", "prefill", "messages",
];

export function TenantOnboarding(props) {
  const { edge, version, integrity, clientToken, publishableKey, productId, apiBase, locale, className, style } = props;
  const host = useRef(null);
  const latest = useRef(props);
  const journey = useRef(null);

  // Declared first, so it runs before the mount below: callbacks are read through it
  // when an event comes, so new inline functions on each render remount nothing.
  useEffect(() => {
    latest.current = props;
  });

  useEffect(() => {
    const el = host.current;
    let live = true;
    const options = {};
    for (const name of OPTIONS) if (props[name] !== undefined) options[name] = props[name];
    for (const name of CALLBACKS) options[name] = (detail) => latest.current[name]?.(detail);
    const started = load({ edge, version, integrity })
      .then(
        ({ mount }) => (live ? mount(el, options) : null),
        (error) => {
          // No widget module at all (manifest, network, integrity): said here. A mount
          // that fails is said by the widget itself, through the same onError.
          if (live) latest.current.onError?.({ code: "boot_failed", message: String(error) });
          return null;
        },
      )
      .then((handle) => {
        if (live && handle) {
          journey.current = handle;
          // The locale may have changed while the widget loaded.
          const now = latest.current.locale;
          if (now && now !== options.locale) handle.setLocale(now);
        }
        return handle;
      }, () => null);
    return () => {
      live = false;
      journey.current = null;
      started.then((handle) => handle?.destroy());
    };
    // Only what makes another journey remounts: the edge and widget, the client token
    // or key, the property. Other options apply from the next mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [edge, version, integrity, apiBase, clientToken, publishableKey, productId]);

  useEffect(() => {
    if (locale) journey.current?.setLocale(locale);
  }, [locale]);

  return createElement("div", { ref: host, className, style });
}
