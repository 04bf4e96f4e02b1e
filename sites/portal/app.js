// The agency's own script: listens to the widget's DOM events (no inline script).
const outcome = document.getElementById("outcome");
document.addEventListener("onboarding:complete", (e) => {
  outcome.textContent = `Solicitud recibida (${e.detail.tenantId}). Le llamaremos pronto.`;
});
document.addEventListener("onboarding:error", (e) => {
  if (e.detail.code === "forbidden_origin") outcome.textContent = "Solicite este piso por teléfono: 960 000 000.";
});
