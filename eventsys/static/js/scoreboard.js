// The hall's scoreboard: the contest's stream (live.js, Server-Sent Events) pushes the new table
// the moment a mark is saved; when the stream is refused, the page is fetched again every few
// seconds instead (a conditional request: the page sends an ETag). Either way the table is
// swapped in without a reload, so nothing flickers and the screen never goes blank.
//
// A table taller than the screen is shown a page of rows at a time (as many as fit), turning
// every few seconds, with "page 1 of 3" beside it and a button to stop the turning (WCAG 2.2.2),
// which shows every row again on a page that scrolls. Without JavaScript every row is shown.
document.addEventListener("DOMContentLoaded", () => {
  const main = document.getElementById("main");
  const board = document.getElementById("board");
  if (!main || !board) return;
  const seconds = Number(main.dataset.refreshSeconds || "15");
  const pageSeconds = Number(main.dataset.pageSeconds || "8");
  const label = document.getElementById("board-page");
  const pause = document.getElementById("board-pause");
  let current = 0;
  let pages = [];
  let paused = false;
  let shown = board.innerHTML; // as the server sent it, before rows were hidden

  function rows() {
    return Array.from(board.querySelectorAll("tbody tr"));
  }

  // Split the rows into pages that fit between the table's head and the bottom of the window.
  function layout() {
    const all = rows();
    all.forEach((row) => { row.hidden = false; });
    pages = [];
    const table = board.querySelector("table");
    if (paused || !table || all.length < 2) return show();
    // Keep room under the rows for the page number and the button (.board-pages has a
    // fixed height, so it measures the same while still empty) and the body's padding.
    const pager = label.parentElement;
    const style = window.getComputedStyle(pager);
    const below = pager.getBoundingClientRect().height + parseFloat(style.marginTop)
      + parseFloat(style.marginBottom) + 24;
    const room = window.innerHeight - all[0].getBoundingClientRect().top - below;
    let page = [];
    let used = 0;
    for (const row of all) {
      const height = row.getBoundingClientRect().height;
      if (page.length && used + height > room) {
        pages.push(page);
        page = [];
        used = 0;
      }
      page.push(row);
      used += height;
    }
    pages.push(page);
    if (current >= pages.length) current = 0;
    show();
  }

  function show() {
    const paging = pages.length > 1;
    pages.forEach((page, index) => page.forEach((row) => { row.hidden = index !== current; }));
    label.hidden = !paging;
    pause.hidden = !paging && !paused;
    if (paging) {
      label.textContent = main.dataset.pageLabel
        .replace("{page}", String(current + 1)).replace("{pages}", String(pages.length));
    }
    pause.textContent = paused ? main.dataset.resumeLabel : main.dataset.pauseLabel;
  }

  function turn() {
    if (paused || pages.length < 2) return;
    current = (current + 1) % pages.length;
    show();
  }

  pause.addEventListener("click", () => {
    paused = !paused;
    layout();
  });

  function swapIn(html) {
    if (typeof html === "string" && html !== shown) {
      shown = html;
      board.innerHTML = shown;
      layout();
    }
  }

  async function refresh() {
    try {
      const response = await fetch(window.location.href, { cache: "no-cache", credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("board");
      if (fresh) swapIn(fresh.innerHTML);
    } catch (error) {
      // The network may drop for a moment in the hall: try again at the next tick.
    }
  }
  layout();
  window.addEventListener("resize", layout);
  window.setInterval(turn, pageSeconds * 1000);
  if (main.dataset.stream && window.EventsysLive) {
    window.EventsysLive.follow(main.dataset.stream, {
      pollSeconds: seconds,
      poll: refresh,
      update: (data) => swapIn(data.html && data.html.board),
    });
  } else {
    window.setInterval(refresh, seconds * 1000);
  }
});
