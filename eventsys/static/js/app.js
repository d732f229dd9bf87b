// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.show-password")) {
    const input = document.getElementById(button.dataset.target);
    if (!input) continue;
    const showLabel = button.textContent;
    const hideLabel = document.documentElement.lang === "en" ? "Hide" : "隐藏";
    button.hidden = false;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => {
      const showing = input.type === "text";
      input.type = showing ? "password" : "text";
      button.textContent = showing ? showLabel : hideLabel;
      button.setAttribute("aria-pressed", showing ? "false" : "true");
    });
  }
});
