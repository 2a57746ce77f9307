// The station's report page (digitization rates) and look-up page (a citizen's papers by CCCD number).
// Values travel in POST bodies only, never in a URL; every change carries the session's CSRF token.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const status = document.getElementById("status");

  function fail(message) {
    const p = document.createElement("p");
    p.textContent = message;
    p.addEventListener("click", () => p.remove());
    document.getElementById("errors").appendChild(p);
  }

  async function post(url, body, type) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: {"X-CSRF-Token": csrf, "Content-Type": type},
    });
    if (!response.ok) {
      let message = "Lỗi " + response.status;
      try { message = (await response.json()).message || message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return response;
  }

  function download(blob, name) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function day(iso) {
    if (!iso) return "—";
    const p = iso.split("-");
    return p.length === 3 ? p[2] + "/" + p[1] + "/" + p[0] : iso;
  }

  // -- the look-up by CCCD -------------------------------------------------------------------
  const personForm = document.getElementById("person-form");
  if (personForm) {
    const body = () => JSON.stringify({cccd: document.getElementById("cccd").value,
                                       purpose: document.getElementById("purpose").value});
    personForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "Đang tra cứu…";
      try {
        const found = await (await post("/api/persons", body(), "application/json")).json();
        show(found.documents);
      } catch (e) { status.textContent = ""; fail(e.message); }
    });
    document.getElementById("bundle").addEventListener("click", async () => {
      if (!personForm.reportValidity()) return;
      status.textContent = "Đang chuẩn bị gói tài liệu…";
      try {
        download(await (await post("/api/persons/bundle", body(), "application/json")).blob(), "ho-so-tai-su-dung.zip");
        status.textContent = "Đã tải gói tài liệu.";
      } catch (e) { status.textContent = ""; fail(e.message); }
    });
  }

  function show(documents) {
    const table = document.getElementById("results");
    const rows = table.querySelector("tbody");
    rows.replaceChildren();
    for (const d of documents) {
      const tr = document.createElement("tr");
      const roles = d.roles.join(", ") + (d.checked === false ? " (số CCCD chưa được kiểm tra)" : "");
      for (const text of [day(d.issued), d.code, d.kind_vi, d.type_name || "(chưa phân loại)", roles,
                          d.signature.text_vi]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      if (d.checked === false) tr.classList.add("unchecked");
      rows.appendChild(tr);
    }
    table.hidden = documents.length === 0;
    const dossiers = new Set(documents.map((d) => d.code)).size;
    status.textContent = documents.length ? "Tìm thấy " + documents.length + " tài liệu trong " + dossiers + " hồ sơ."
                                          : "Không tìm thấy tài liệu nào mang số CCCD này.";
  }

  // -- the digitization rates ------------------------------------------------------------------
  const kpiForm = document.getElementById("kpi-form");
  if (kpiForm) {
    const query = () => "?from=" + encodeURIComponent(document.getElementById("from").value) +
                        "&to=" + encodeURIComponent(document.getElementById("to").value);
    const file = () => document.getElementById("received").files[0];
    kpiForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      status.textContent = "Đang tính…";
      try {
        const report = await (await post("/api/kpi" + query(), file(), "application/octet-stream")).json();
        // the fragment is built and escaped by the server (archive/kpi_html.py): tables and SVG charts
        document.getElementById("report").innerHTML = report.html;
        status.textContent = "";
      } catch (e) { status.textContent = ""; fail(e.message); }
    });
    document.getElementById("kpi-xlsx").addEventListener("click", async () => {
      if (!kpiForm.reportValidity()) return;
      status.textContent = "Đang tạo tệp XLSX…";
      try {
        download(await (await post("/api/kpi.xlsx" + query(), file(), "application/octet-stream")).blob(),
                 "bao-cao-so-hoa.xlsx");
        status.textContent = "";
      } catch (e) { status.textContent = ""; fail(e.message); }
    });
  }
})();
