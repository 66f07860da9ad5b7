// The review page's only script: approve (POST /approve) and skip. No framework, no build.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const csrf = document.querySelector('meta[name="publish-csrf"]').content;
  const labels = document.body.dataset;
  const left = document.getElementById("left");
  const done = (item) => {
    item.classList.add("done");
    left.value = String(Math.max(0, Number(left.value) - 1));
  };
  for (const item of document.querySelectorAll("article.item")) {
    const area = item.querySelector("textarea");
    const message = item.querySelector("output.message");
    const buttons = item.querySelectorAll("button");
    item.querySelector("button.approve").addEventListener("click", async () => {
      buttons.forEach((b) => { b.disabled = true; });
      item.classList.remove("failed");
      message.textContent = labels.saving;
      try {
        const answer = await fetch("/approve", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-Publish-CSRF": csrf },
          body: JSON.stringify({ key: item.dataset.key, shown: area.dataset.shown,
                                 text: area.value }),
        });
        const data = await answer.json();
        if (answer.ok) {
          message.textContent = data.message;
          area.value = data.text;
          area.readOnly = true;
          done(item);
          return;
        }
        message.textContent = data.error;
      } catch (error) {
        message.textContent = labels.failed;
      }
      item.classList.add("failed");
      buttons.forEach((b) => { b.disabled = false; });
    });
    item.querySelector("button.skip").addEventListener("click", () => {
      message.textContent = labels.skipped;
      buttons.forEach((b) => { b.disabled = true; });
      area.readOnly = true;
      item.classList.add("skipped");
      done(item);
    });
  }
});
