// dxatlas: small enhancements. Every page works without this file.
(function () {
  "use strict";
  var doc = document;

  // Move focus to the error summary, so that screen readers announce it.
  var summary = doc.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Show times in the reader's own time zone.
  var lang = doc.documentElement.lang || undefined;
  doc.querySelectorAll("time[data-local]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) { return; }
    try {
      // dateStyle and timeStyle cannot be combined with timeZoneName.
      el.textContent = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", day: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(d);
      var hint = el.closest("[data-local-hint]");
      if (hint) { hint.hidden = false; }
    } catch (e) { /* keep the server's text */ }
  });

  // Repeatable rows: add and remove in place.
  function renumber(row, index) {
    var legend = row.querySelector("legend");
    if (legend) { legend.textContent = legend.textContent.replace(/\d+(?!.*\d)/, String(index + 1)); }
    row.querySelectorAll("[name],[id],[for],[aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (a) {
        var v = el.getAttribute(a);
        if (v) { el.setAttribute(a, v.replace(/([.-])\d+([.-])/g, "$1" + index + "$2")); }
      });
    });
  }
  function wireRemove(row) {
    var b = row.querySelector("[data-remove-row]");
    if (!b) { return; }
    b.hidden = false;
    b.addEventListener("click", function (ev) {
      ev.preventDefault();
      var list = row.parentNode;
      if (list.querySelectorAll("[data-row]").length > 1) {
        row.remove();
        list.querySelectorAll("[data-row]").forEach(function (r, i) { renumber(r, i); });
      } else {
        row.querySelectorAll("input,select,textarea").forEach(function (el) { el.value = ""; });
      }
      changed = true;
    });
  }
  doc.querySelectorAll("[data-rows]").forEach(function (list) {
    list.querySelectorAll("[data-row]").forEach(wireRemove);
    var add = doc.querySelector("[data-add-row='" + list.getAttribute("data-rows") + "']");
    if (!add) { return; }
    add.addEventListener("click", function (ev) {
      var rows = list.querySelectorAll("[data-row]");
      var last = rows[rows.length - 1];
      if (!last || rows.length >= Number(list.getAttribute("data-max") || 99)) { return; }
      ev.preventDefault();
      var row = last.cloneNode(true);
      row.querySelectorAll("input,select,textarea").forEach(function (el) {
        el.value = "";
        el.removeAttribute("aria-invalid");
      });
      row.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      renumber(row, rows.length);
      list.appendChild(row);
      wireRemove(row);
      var first = row.querySelector("input,select,textarea");
      if (first) { first.focus(); }
    });
  });

  // Autosave: every 20 seconds when something changed, and on leaving a
  // field. Save draft stays a normal form post, so nothing depends on this.
  var form = doc.querySelector("form[data-autosave]");
  var changed = false;
  if (!form || !window.fetch) { return; }
  var status = doc.getElementById("save-status");
  var token = form.querySelector("input[name=csrf]");
  var busy = false;
  function save() {
    if (!changed || busy) { return; }
    busy = true;
    changed = false;
    var body = new URLSearchParams(new FormData(form));
    body.set("action", "autosave");
    // The attribute, not form.action: the form's buttons are named
    // "action", and a named control hides the form's property of that name.
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": token ? token.value : "" },
      body: body
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (status && data.message) { status.textContent = data.message; }
        if (!res.ok) { changed = true; }
      });
    }).catch(function () {
      changed = true;
      if (status && status.getAttribute("data-offline")) { status.textContent = status.getAttribute("data-offline"); }
    }).then(function () { busy = false; });
  }
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("change", function () { changed = true; save(); });
  window.setInterval(save, 20000);
})();

// Library: filters apply as they change, without reloading the page; the
// address follows, so Back and a shared link give the same results.
(function () {
  "use strict";
  var doc = document;
  var form = doc.querySelector("form[data-live]");
  if (!form || !window.fetch || !window.DOMParser || !window.history || !window.URLSearchParams) { return; }
  var status = doc.querySelector("[data-live-status]");
  // The results shown are those of this path and query; a jump within the
  // page (a skip link) changes only the fragment.
  function here() { return location.pathname + location.search; }
  var shown = here();
  function address() {
    var q = new URLSearchParams(new FormData(form));
    if (!q.get("q")) { q.delete("q"); }
    if (q.get("sort") === "relevance") { q.delete("sort"); }
    var s = q.toString();
    return form.getAttribute("action") + (s ? "?" + s : "");
  }
  // The control with the focus, to find again among the new ones: a box
  // by its name and value (its place in the list follows the counts), any
  // other by its id.
  function which(el) {
    if (!el || el === doc.body) { return null; }
    return { id: el.id, name: el.name, value: el.value, box: el.type === "checkbox" };
  }
  function find(next, fresh, f) {
    if (!f) { return null; }
    if (f.box) {
      var boxes = fresh.querySelectorAll("input[type=checkbox]");
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i].name === f.name && boxes[i].value === f.value) { return boxes[i]; }
      }
      return null;
    }
    var el = f.id && next.getElementById(f.id);
    return el && fresh.contains(el) ? el : null;
  }
  function load(url, push) {
    var part = doc.querySelector("[data-live-part]");
    var focused = which(doc.activeElement);
    // The reader's open and closed filters stay as they left them.
    var open = {};
    part.querySelectorAll("details[id]").forEach(function (d) { open[d.id] = d.open; });
    part.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) { throw new Error(String(res.status)); }
      return res.text();
    }).then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html");
      var fresh = next.querySelector("[data-live-part]");
      if (!fresh) { throw new Error("no results"); }
      fresh.querySelectorAll("details[id]").forEach(function (d) {
        if (d.id in open) { d.open = open[d.id]; }
      });
      var again = find(next, fresh, focused);
      // The focused field's disclosures open, or the focus would be lost.
      for (var d = again && again.closest("details"); d; d = d.parentElement.closest("details")) { d.open = true; }
      part.replaceWith(fresh);
      doc.title = next.title;
      if (push) { history.pushState(null, "", url); }
      shown = here();
      var total = fresh.querySelector(".total");
      if (status && total) { status.textContent = total.textContent; }
      if (again) { again.focus(); }
    }).catch(function () { window.location.href = url; });
  }
  form.addEventListener("change", function (ev) {
    if (ev.target.name === "q") { return; } // typed words wait for the button
    load(address(), true);
  });
  window.addEventListener("popstate", function () {
    if (here() !== shown) { load(window.location.href, false); }
  });
})();
