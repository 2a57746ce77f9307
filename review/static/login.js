"use strict";
// Login: POST /api/login, then reload the page (the session cookie is HttpOnly).
document.getElementById("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const error = document.getElementById("login-error");
  error.textContent = "";
  const body = JSON.stringify({user: document.getElementById("user").value.trim(),
                               password: document.getElementById("password").value});
  try {
    const r = await fetch("/api/login", {method: "POST", credentials: "same-origin", body,
                                         headers: {"Content-Type": "application/json"}});
    if (r.ok) { location.reload(); return; }
    const data = await r.json().catch(() => ({}));
    error.textContent = data.message || ("Không đăng nhập được (" + r.status + ").");
  } catch (e) {
    error.textContent = "Không kết nối được với máy chủ.";
  }
});
