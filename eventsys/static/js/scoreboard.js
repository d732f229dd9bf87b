// The hall's scoreboard: fetch the page again every few seconds and swap in the new table.
// A conditional request (the page sends an ETag) costs the server almost nothing when no mark
// changed. No reload, so nothing flickers and the screen never goes blank.
document.addEventListener("DOMContentLoaded", () => {
  const main = document.getElementById("main");
  const board = document.getElementById("board");
  if (!main || !board) return;
  const seconds = Number(main.dataset.refreshSeconds || "15");
  async function refresh() {
    try {
      const response = await fetch(window.location.href, { cache: "no-cache", credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("board");
      if (fresh && fresh.innerHTML !== board.innerHTML) board.innerHTML = fresh.innerHTML;
    } catch (error) {
      // The network may drop for a moment in the hall: try again at the next tick.
    }
  }
  window.setInterval(refresh, seconds * 1000);
});
