// The pipeline's rows update by themselves: every 15 s while the tab is visible the
// module reads the same page again and swaps each row that changed (never the one
// holding the keyboard focus). The page works the same without it.
const table = document.querySelector("table.pipeline");
if (table) {
  const refresh = async () => {
    if (document.visibilityState !== "visible") return;
    try {
      const resp = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!resp.ok) return;
      const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
      for (const row of doc.querySelectorAll("table.pipeline tbody tr[id]")) {
        const mine = document.getElementById(row.id);
        if (mine && mine.innerHTML !== row.innerHTML && !mine.contains(document.activeElement)) {
          mine.replaceWith(document.importNode(row, true));
        }
      }
    } catch {
      // Offline or signed out: the next tick tries again; the page stays as it is.
    }
  };
  setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
}
