// gongwen web: drag and drop uploads, and the list kept up to date without a reload.
// Without this script the page still works: the forms post and the links download.
"use strict";
(function () {
  const form = document.getElementById("upload");
  const drop = document.getElementById("drop");
  const input = form.querySelector("input[type=file]");
  const message = document.getElementById("message");
  const BUSY_POLL_MS = 1500;
  const IDLE_POLL_MS = 15000;
  let timer = null;

  function say(text, isError) {
    message.textContent = text;
    message.classList.toggle("error", Boolean(isError));
  }

  async function send(files) {
    if (!files.length) return;
    const data = new FormData();
    for (const file of files) data.append("file", file);
    say("正在上传 " + files.length + " 份文稿……");
    try {
      const response = await fetch("/upload", { method: "POST", body: data, headers: { Accept: "application/json" } });
      const result = await response.json();
      const parts = [];
      if (result.saved.length) parts.push("已收到：" + result.saved.join("、") + "，正在排队转换");
      say(parts.concat(result.refused).join("；"), result.refused.length > 0 && !result.saved.length);
    } catch (error) {
      say("上传失败：" + error, true);
    }
    input.value = "";
    refresh();
  }

  // The rows are replaced as they are: what the reader ticked or opened stays so.
  function replaceRows(html) {
    const body = document.getElementById("rows");
    const keep = (selector) => new Set(Array.from(body.querySelectorAll(selector), (el) => el.closest("tr").dataset.key));
    const ticked = keep("input[type=checkbox]:checked");
    const opened = keep("details[open]");
    body.innerHTML = html;
    for (const row of body.querySelectorAll("tr[data-key]")) {
      const box = row.querySelector("input[type=checkbox]");
      const details = row.querySelector("details");
      if (box && ticked.has(row.dataset.key)) box.checked = true;
      if (details && opened.has(row.dataset.key)) details.open = true;
    }
  }

  async function refresh() {
    clearTimeout(timer);
    let busy = 0;
    try {
      const response = await fetch("/api/documents" + location.search, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const list = await response.json();
        replaceRows(list.rows_html);
        document.getElementById("pager").innerHTML = list.pager_html;
        document.getElementById("counts").textContent = list.counts;
        document.getElementById("note").textContent = list.note;
        busy = list.busy;
      }
    } catch (error) {
      // the server restarts, or the network is down: try again later
    }
    timer = setTimeout(refresh, busy ? BUSY_POLL_MS : IDLE_POLL_MS);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(Array.from(input.files));
  });
  input.addEventListener("change", function () { send(Array.from(input.files)); });
  // Showing or hiding the documents whose input is gone reloads the list at once (without this script:
  // tick, then 搜索).
  const orphans = document.querySelector("form.search input[name=orphans]");
  orphans.addEventListener("change", function () { orphans.form.submit(); });
  // Files dropped anywhere on the page are handed in (a browser would otherwise open them).
  for (const name of ["dragenter", "dragover"]) {
    document.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  }
  document.addEventListener("dragleave", function (event) {
    if (!event.relatedTarget) drop.classList.remove("over");
  });
  document.addEventListener("drop", function (event) {
    event.preventDefault();
    drop.classList.remove("over");
    send(Array.from(event.dataTransfer.files));
  });
  refresh();
})();
