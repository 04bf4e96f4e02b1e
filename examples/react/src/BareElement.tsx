// The other way in: the <tenant-onboarding> element itself, typed by the package
// (its attributes, the element, its events), after load() has defined it.
import { useEffect, useRef, useState } from "react";
import { load, type TenantOnboardingElement } from "tenant-onboarding";
import { useClientToken } from "./App";

const EDGE = import.meta.env.VITE_EDGE_URL ?? "http://127.0.0.1:8787";

export function BareElement() {
  const ref = useRef<TenantOnboardingElement>(null);
  const clientToken = useClientToken();
  const [step, setStep] = useState(0);

  useEffect(() => {
    load({ edge: EDGE }).catch((e: unknown) => console.error(e));
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // The event map types `e.detail` (index is a number).
    const onStep = (e: HTMLElementEventMap["onboarding:step"]) => setStep(e.detail.index);
    el.addEventListener("onboarding:step", onStep);
    return () => el.removeEventListener("onboarding:step", onStep);
  }, [clientToken]);

  return (
    <>
      <p>
        Paso: <output id="step">{step}</output>
      </p>
      {clientToken && <tenant-onboarding ref={ref} client-token={clientToken} locale="ca" />}
    </>
  );
}
