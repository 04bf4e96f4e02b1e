import { useEffect, useState } from "react";
import { TenantOnboarding, type Locale } from "tenant-onboarding/react";
import { BareElement } from "./BareElement";

const EDGE = import.meta.env.VITE_EDGE_URL ?? "http://127.0.0.1:8787";

/**
 * A client token for this page view from the agency's own server (agency-server.mjs):
 * `undefined` while it is asked for.
 */
export function useClientToken(): string | undefined {
  const [token, setToken] = useState<string>();
  useEffect(() => {
    let live = true;
    fetch("/api/onboarding-session", { method: "POST" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`agency server: ${r.status}`))))
      .then((s: { clientToken: string }) => live && setToken(s.clientToken))
      .catch((e: unknown) => console.error(e));
    return () => {
      live = false;
    };
  }, []);
  return token;
}

// How many times App's mount effect ran: 2 under StrictMode's development
// double-invocation (the kit test reads it to know StrictMode really is on).
let appEffects = 0;

type Logged = { name: string; detail: unknown };

export function App() {
  const [events, setEvents] = useState<Logged[]>([]);
  const [completed, setCompleted] = useState(0);
  const [locale, setLocale] = useState<Locale>("es");
  const log = (name: string) => (detail: unknown) => setEvents((e) => [...e, { name, detail }]);
  const clientToken = useClientToken();

  useEffect(() => {
    appEffects += 1;
    document.documentElement.dataset.appEffects = String(appEffects);
  }, []);

  // ?element shows the bare custom element instead of the component.
  if (new URLSearchParams(location.search).has("element")) return <BareElement />;

  return (
    <main>
      <h1>Piso en Calle Mayor, 950 €/mes</h1>
      <label>
        Idioma{" "}
        <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
          <option value="es">Español</option>
          <option value="ca">Català</option>
          <option value="en">English</option>
        </select>
      </label>
      {/* Inline callbacks on every render: the component reads them through refs,
          so the log's own re-renders never restart the journey. The property and the
          agency's reference are in the client token (the server put them there). */}
      {clientToken && (
      <TenantOnboarding
        edge={EDGE}
        clientToken={clientToken}
        locale={locale}
        productId="ref-123"
        className="onboarding"
        onReady={log("ready")}
        onStep={(d) => log("step")({ step: d.step, index: d.index })}
        onComplete={(d) => {
          log("complete")(d);
          setCompleted((n) => n + 1);
        }}
        onExit={log("exit")}
        onError={log("error")}
      />
      )}
      <p>
        Completed: <output id="completed">{completed}</output>
      </p>
      <ul id="events">
        {events.map((e, i) => (
          <li key={i} data-event={e.name}>
            {JSON.stringify(e.detail)}
          </li>
        ))}
      </ul>
    </main>
  );
}
