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

  async function refresh() {
    clearTimeout(timer);
    let busy = 0;
    try {
      const response = await fetch("/api/documents" + location.search, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const list = await response.json();
        document.getElementById("rows").innerHTML = list.rows_html;
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
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  }
  for (const name of ["dragleave", "drop"]) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  }
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    send(Array.from(event.dataTransfer.files));
  });
  refresh();
})();
