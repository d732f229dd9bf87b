// Live pages: follow the page's Server-Sent Events stream (eventsys/web/streams.py) and swap in
// the fragments it pushes; when the server refuses the stream (503: too many open) or the
// browser has no EventSource, fetch the page again every few seconds instead (as before), and
// try the stream again a minute later. <html data-live="stream|polling"> says which it is.
//
// Used by the scoreboard (scoreboard.js calls EventsysLive.follow) and by the tournament pages,
// whose regions are marked <div data-live="standings|screen|schedule" data-stream="…"
// data-poll-seconds="30" data-swap="yes|no"> (data-swap="no": the page shows this person
// buttons the public stream does not carry, so a notice fetches the page itself).
(function () {
  "use strict";

  function follow(url, options) {
    const pollSeconds = options.pollSeconds || 15;
    const retrySeconds = options.retrySeconds || 60;
    const root = document.documentElement;
    let source = null;
    let timer = null;

    function startPolling() {
      root.dataset.live = "polling";
      if (timer !== null) return;
      options.poll(); // catch up at once on what the stream did not bring
      timer = window.setInterval(options.poll, pollSeconds * 1000);
    }

    function stopPolling() {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
      root.dataset.live = "stream";
    }

    function open() {
      if (!("EventSource" in window)) return startPolling();
      source = new EventSource(url);
      source.addEventListener("open", stopPolling);
      source.addEventListener("update", (event) => {
        let data = null;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        root.dataset.liveVersion = String(data.version);
        options.update(data);
      });
      source.addEventListener("gone", () => source.close());
      source.addEventListener("error", () => {
        // CONNECTING: the stream ended or the network dropped; the browser reconnects by
        // itself with Last-Event-ID. CLOSED: refused (503) or not a stream: poll meanwhile.
        if (source.readyState !== EventSource.CLOSED) return;
        startPolling();
        window.setTimeout(open, (retrySeconds + Math.random() * retrySeconds) * 1000);
      });
    }

    open();
  }

  // Fetch the page again and hand its parsed document to *swap* (the polling fallback).
  function refetch(swap) {
    return async function () {
      try {
        const response = await fetch(window.location.href, { cache: "no-cache", credentials: "same-origin" });
        if (!response.ok) return;
        swap(new DOMParser().parseFromString(await response.text(), "text/html"));
      } catch (error) {
        // The network may drop for a moment in the hall: try again at the next tick.
      }
    };
  }

  window.EventsysLive = { follow: follow, refetch: refetch };

  document.addEventListener("DOMContentLoaded", () => {
    const regions = Array.from(document.querySelectorAll("[data-live][data-stream]"));
    if (!regions.length) return;
    const poll = refetch((page) => {
      for (const region of regions) {
        const fresh = page.querySelector(`[data-live="${region.dataset.live}"]`);
        if (fresh && fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
      }
    });
    follow(regions[0].dataset.stream, {
      pollSeconds: Number(regions[0].dataset.pollSeconds || "30"),
      poll: poll,
      update: (data) => {
        let fetchPage = false;
        for (const region of regions) {
          const html = data.html ? data.html[region.dataset.live] : undefined;
          if (region.dataset.swap === "yes" && typeof html === "string") {
            if (html !== region.innerHTML) region.innerHTML = html;
          } else {
            fetchPage = true;
          }
        }
        if (fetchPage) poll();
      },
    });
  });
})();
