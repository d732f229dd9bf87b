// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Show / Hide: the button says what it will do, and names its field for screen readers
  // ("Show Password"); its words change, so it carries no aria-pressed (ARIA: a toggle keeps
  // one label).
  for (const button of document.querySelectorAll("button.show-password")) {
    const input = document.getElementById(button.dataset.target);
    const text = button.querySelector(".show-password-text") || button;
    if (!input) continue;
    const showLabel = text.textContent;
    const hideLabel = button.dataset.hide || (document.documentElement.lang === "en" ? "Hide" : "隐藏");
    button.hidden = false;
    button.addEventListener("click", () => {
      const showing = input.type === "text";
      input.type = showing ? "password" : "text";
      text.textContent = showing ? showLabel : hideLabel;
    });
  }
});

// Print-outs: the Print button (hidden without JavaScript; the browser's own Print works).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
