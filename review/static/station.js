"use strict";
// The verification station page: keyboard-first, one field at a time, no page loads.
// Enter accepts (confirm when unchanged, correct when typed over) and shows the next field at once;
// the decision is saved in the background, in order. F9: not on the form. PgUp / Alt+Left: back.
// F2: the whole page with the field's box. Esc: the value read again. window.sohoaReview exposes
// the state (timings from Enter to the next field on screen) for the tests and bench/review.py.
(() => {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const $ = (id) => document.getElementById(id);
  const state = {items: [], idx: 0, known: new Set(), saving: Promise.resolve(), fetching: null,
                 check: null, warned: null, ratio: {}, timings: [], saveTimes: [], saved: 0, failed: 0, wholePage: 1,
                 filters: {run: "", form_type: "", reason: ""}, loaded: false};
  window.sohoaReview = state;

  async function api(path, options = {}) {
    const headers = {"Accept": "application/json"};
    if (options.method === "POST") {
      headers["X-CSRF-Token"] = csrf;
      headers["Content-Type"] = "application/json";
    }
    const r = await fetch(path, {credentials: "same-origin", ...options, headers});
    const data = await r.json().catch(() => null);
    if (r.status === 401) { location.reload(); }
    if (!r.ok) {
      const error = new Error((data && data.message) || ("Lỗi máy chủ (" + r.status + ")."));
      error.status = r.status;
      throw error;
    }
    return data;
  }

  const current = () => state.items[state.idx];
  const keyOf = (item) => item.dossier_id + "\u0000" + item.field;
  const pageUrl = (item, page) =>
    "/api/dossiers/" + encodeURIComponent(item.dossier_id) + "/pages/" + (page || item.page || 1);

  function fetchMore() {
    if (state.fetching) return state.fetching;
    const query = new URLSearchParams({limit: "30", ...state.filters});
    state.fetching = api("/api/review?" + query).then((list) => {
      for (const item of list) {
        if (!state.known.has(keyOf(item))) { state.known.add(keyOf(item)); state.items.push(item); }
      }
    }).catch((e) => showError("Không tải được hàng đợi: " + e.message))
      .finally(() => { state.fetching = null; state.loaded = true; });
    return state.fetching;
  }

  function show(item) {
    $("loading").hidden = true;
    $("station").hidden = !item;
    $("empty").hidden = !!item || !state.loaded;
    counter();
    if (!item) return;
    $("d-code").textContent = item.code;
    $("d-source").textContent = item.source || "";
    $("d-form").textContent = item.form_title || item.form_type || "";
    $("label").textContent = item.label + " [" + item.field + "]";
    $("reason").textContent = item.done ? doneText(item) : ("Lý do cần kiểm tra: " + (item.reason_vi || ""));
    const input = $("value");
    input.value = item.done ? item.newValue : (item.value || "");
    input.focus();
    input.select();
    hint("", false);
    state.check = null;
    state.warned = null;
    crop(item);
    preload();
    scheduleCheck(0);
  }

  function doneText(item) {
    const what = {confirm: "đã xác nhận đúng", correct: "đã sửa", absent: "không có trên tờ khai"}[item.action];
    const saving = item.failed ? " — CHƯA LƯU: " + item.failed : (item.pendingSave ? " (đang lưu…)" : "");
    return "Trường này " + what + saving + ". Sửa rồi nhấn Enter để lưu lại, hoặc Enter để sang trường sau.";
  }

  function crop(item) {
    const wrap = $("crop"), img = $("crop-img"), box = $("crop-box");
    const url = pageUrl(item);
    const width = wrap.clientWidth || 800;
    const ratio = state.ratio[url] || 1.414;
    if (img.getAttribute("src") !== url) {
      img.onload = () => {
        state.ratio[url] = img.naturalHeight / img.naturalWidth;
        if (current() === item && Math.abs(state.ratio[url] - ratio) > 0.001) crop(item);
      };
      img.src = url;
    }
    if (item.box) {
      const [x0, y0, x1, y1] = item.box;
      const padX = Math.max(0.04, (x1 - x0) * 0.2), padY = Math.max(0.03, (y1 - y0) * 1.5);
      const cx0 = Math.max(0, x0 - padX), cx1 = Math.min(1, x1 + padX);
      const cy0 = Math.max(0, y0 - padY), cy1 = Math.min(1, y1 + padY);
      const scale = width / (cx1 - cx0), tall = scale * ratio;
      Object.assign(img.style, {width: scale + "px", left: -cx0 * scale + "px", top: -cy0 * tall + "px"});
      wrap.style.height = (cy1 - cy0) * tall + "px";
      wrap.style.overflow = "hidden";
      Object.assign(box.style, {display: "block", left: (x0 - cx0) * scale + "px", top: (y0 - cy0) * tall + "px",
                                width: (x1 - x0) * scale + "px", height: (y1 - y0) * tall + "px"});
      $("crop-note").textContent = "Trang " + item.page + " — vùng đọc được giá trị (F2: cả trang).";
    } else {
      Object.assign(img.style, {width: width + "px", left: "0px", top: "0px"});
      wrap.style.height = Math.min(width * ratio, window.innerHeight * 0.7) + "px";
      wrap.style.overflow = "auto";
      box.style.display = "none";
      $("crop-note").textContent = "Chưa có vị trí của trường: hiển thị cả trang " + (item.page || 1) +
        " (cuộn để xem; F2: phóng to).";
    }
  }

  function preload() {
    for (const item of state.items.slice(state.idx + 1, state.idx + 4)) {
      const url = pageUrl(item);
      if (!state.ratio[url]) {
        const im = new Image();
        im.onload = () => { state.ratio[url] = im.naturalHeight / im.naturalWidth; };
        im.src = url;
      }
    }
  }

  function counter() {
    const left = state.items.length - state.idx;
    $("counter").textContent = "Đã lưu " + state.saved + " · còn " + Math.max(0, left) + " trường trong hàng đợi" +
      (state.failed ? " · " + state.failed + " chưa lưu được" : "");
  }

  function hint(text, bad) {
    $("hint").textContent = text;
    $("hint").className = bad ? "bad" : "good";
  }

  function showError(text) {
    const p = document.createElement("p");
    p.textContent = text;
    p.title = "Bấm để ẩn";
    p.addEventListener("click", () => p.remove());
    $("errors").appendChild(p);
  }

  // -- checks while typing -------------------------------------------------------------------
  let checkTimer = null;
  function scheduleCheck(delay) {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(runCheck, delay);
  }
  async function runCheck() {
    const item = current();
    if (!item || item.check === "text") return;
    const value = $("value").value;
    const body = JSON.stringify({kind: item.check, value, dossier: item.dossier_id, ...(item.context || {})});
    try {
      const res = await api("/api/check", {method: "POST", body});  // never the value in a URL
      if (current() !== item || $("value").value !== value) return;
      state.check = {value: tidy(value), ok: res.ok, message: res.message};
      hint(res.ok ? "✓ Hợp lệ" : "⚠ " + res.message, !res.ok);
    } catch (e) { /* a check is advice: never block typing */ }
  }
  const tidy = (v) => v.trim().replace(/\s+/g, " ");

  // -- decisions -----------------------------------------------------------------------------
  function accept() {
    const item = current();
    if (!item) return;
    const value = tidy($("value").value);
    const before = item.done ? item.newValue : (item.value || "");
    if (value === "") { hint("Chưa nhập giá trị — nếu trường không có trên tờ khai, nhấn F9.", true); return; }
    const bad = state.check && state.check.value === value && !state.check.ok;
    if (value !== before && bad && state.warned !== value) {
      state.warned = value;
      hint("⚠ " + state.check.message + " — nhấn Enter lần nữa để vẫn lưu.", true);
      return;
    }
    if (item.done && value === before) { advance(performance.now()); return; }
    decide(value === (item.value || "") && !item.done ? "confirm" : "correct", value);
  }

  function decide(action, value) {
    const item = current();
    if (!item) return;
    const t0 = performance.now();
    Object.assign(item, {done: true, pendingSave: true, failed: null, action,
                         newValue: action === "absent" ? "" : value});
    const save = () => {
      const body = {action, rev: item.rev};
      if (action === "correct") body.value = value;
      const url = "/api/dossiers/" + encodeURIComponent(item.dossier_id) + "/fields/" + encodeURIComponent(item.field);
      const started = performance.now();
      return api(url, {method: "POST", body: JSON.stringify(body)}).then((res) => {
        state.saveTimes.push(performance.now() - started);
        Object.assign(item, {rev: res.rev, status: res.status, pendingSave: false});
        state.saved += 1;
        if (item.field === "code") {
          for (const other of state.items) if (other.dossier_id === item.dossier_id) other.code = res.value;
          if (current() && current().dossier_id === item.dossier_id) $("d-code").textContent = res.value;
        }
        counter();
      }).catch((e) => {
        Object.assign(item, {pendingSave: false, failed: e.message, done: false});
        state.failed += 1;
        showError("Chưa lưu được “" + item.label + "” của hồ sơ " + item.code + ": " + e.message);
        counter();
      });
    };
    state.saving = state.saving.then(save, save);
    advance(t0);
  }

  function advance(t0) {
    state.idx = Math.min(state.idx + 1, state.items.length);
    show(current());
    requestAnimationFrame(() => state.timings.push(performance.now() - t0));
    if (state.items.length - state.idx < 8) {
      fetchMore().then(() => { if ($("station").hidden) show(current()); });
    }
  }

  function back() {
    if (state.idx === 0) return;
    state.idx -= 1;
    show(current());
  }

  // -- the whole page --------------------------------------------------------------------------
  function openWhole(page) {
    const item = current();
    if (!item) return;
    state.wholePage = page || item.page || 1;
    $("whole-img").src = pageUrl(item, state.wholePage);
    const box = $("whole-box");
    if (item.box && state.wholePage === (item.page || 1)) {
      const [x0, y0, x1, y1] = item.box;
      Object.assign(box.style, {display: "block", left: x0 * 100 + "%", top: y0 * 100 + "%",
                                width: (x1 - x0) * 100 + "%", height: (y1 - y0) * 100 + "%"});
    } else {
      box.style.display = "none";
    }
    $("whole-note").textContent = "Trang " + state.wholePage + "/" + (item.pages || 1) +
      " · ←/→ đổi trang · F2 hoặc Esc: quay lại ô nhập";
    $("whole").hidden = false;
  }
  function closeWhole() { $("whole").hidden = true; $("value").focus(); }

  document.addEventListener("keydown", (ev) => {
    if (!$("whole").hidden) {
      const item = current();
      if (ev.key === "Escape" || ev.key === "F2") closeWhole();
      else if (ev.key === "ArrowRight" && item && state.wholePage < (item.pages || 1)) openWhole(state.wholePage + 1);
      else if (ev.key === "ArrowLeft" && state.wholePage > 1) openWhole(state.wholePage - 1);
      else return;
      ev.preventDefault();
      return;
    }
    const onControl = ["SELECT", "BUTTON", "A"].includes(ev.target.tagName);  // Enter there is the control's own
    if (ev.key === "Enter" && !onControl) accept();
    else if (ev.key === "F9" && !onControl) decide("absent", "");
    else if (ev.key === "PageUp" || (ev.altKey && ev.key === "ArrowLeft")) back();
    else if (ev.key === "F2") openWhole();
    else if (ev.key === "Escape" && current()) {
      const item = current();
      $("value").value = item.done ? item.newValue : (item.value || "");
      $("value").select();
      scheduleCheck(0);
    } else return;
    ev.preventDefault();
  });
  $("value").addEventListener("input", () => scheduleCheck(150));

  // -- filters, logout, start ------------------------------------------------------------------
  async function loadFilters() {
    const found = await api("/api/review/filters");
    const fill = (select, entries) => {
      for (const [key, name] of entries) {
        const option = document.createElement("option");
        option.value = key;
        option.textContent = name;
        select.appendChild(option);
      }
    };
    fill($("f-run"), found.runs.map((r) => [r, r]));
    fill($("f-form"), found.form_types.map((f) => [f.key, f.name]));
    fill($("f-reason"), found.reasons.map((r) => [r.key, r.name]));
  }
  for (const [id, key] of [["f-run", "run"], ["f-form", "form_type"], ["f-reason", "reason"]]) {
    $(id).addEventListener("change", async () => {
      await state.fetching;  // a fetch under the old filters must land before the queue is cut
      state.filters[key] = $(id).value;
      for (const item of state.items.splice(state.idx)) if (!item.done) state.known.delete(keyOf(item));
      await fetchMore();
      show(current());
    });
  }
  $("logout").addEventListener("click", async () => {
    await state.saving;
    try { await api("/api/logout", {method: "POST", body: "{}"}); } finally { location.reload(); }
  });

  loadFilters().catch(() => {});
  fetchMore().then(() => show(current()));
})();
