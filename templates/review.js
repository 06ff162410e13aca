// The review page's interaction: evidence beside the selected claim, decisions kept in this
// browser (localStorage, keyed by the draft's hash), review.json in and out, and the reviewed
// Markdown built from the skeleton the tool rendered. The page reads the same without it.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var storeKey = "postmortem-review:" + data.draft;
  var skeleton = data.skeleton;
  var NEIGHBOURS = data.neighbours;
  var state = load();
  var originals = new Map();  // each shown value as rendered, blame marks included, to restore after an undo
  document.documentElement.classList.add("js");

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storeKey) || "null");
      if (saved && typeof saved.decisions === "object") return saved;
    } catch (e) { /* storage may be off for file:// pages; the review still works in memory */ }
    return { reviewer: "", decisions: {} };
  }

  function save() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(state)); } catch (e) { /* see load */ }
    show();
  }

  function $(selector, within) { return (within || document).querySelector(selector); }
  function all(selector, within) { return Array.prototype.slice.call((within || document).querySelectorAll(selector)); }

  // --- evidence beside the claim -------------------------------------------------------------
  function select(ids, claim) {
    all(".shown, .near, .chip.active, .mark.active, .claim.selected").forEach(function (el) {
      el.classList.remove("shown", "near", "active", "selected");
    });
    if (claim) claim.classList.add("selected");
    var first = null;
    ids.forEach(function (id) {
      var ev = document.getElementById("ev-" + id.toLowerCase());
      if (ev) {
        ev.classList.add("shown");
        first = first || ev;
        var box = ev.closest(".thread-box");
        box.classList.add("shown");
        var rows = all(".thread > li", box);
        var at = rows.indexOf(ev);
        rows.slice(Math.max(0, at - NEIGHBOURS), at + NEIGHBOURS + 1).forEach(function (row) { row.classList.add("near"); });
      }
      all('[data-ev="' + id + '"]').forEach(function (el) { if (!el.classList.contains("ev")) el.classList.add("active"); });
    });
    $("#evidence-hint").textContent = ids.length ? "Evidence: " + ids.join(", ") : "This claim cites no event: it is a question for the author.";
    if (first) first.scrollIntoView({ block: "nearest" });
  }

  function claimOf(el) { return el.closest ? el.closest(".claim") : null; }
  function evidenceOf(claim) { return (claim.getAttribute("data-evidence") || "").split(" ").filter(Boolean); }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target.closest("a.chip, a.mark");
    if (link) {
      event.preventDefault();
      select([link.getAttribute("data-ev")], claimOf(link));
      return;
    }
    if (target.closest("button, input, textarea, label, a")) return;
    var claim = claimOf(target);
    if (claim) select(evidenceOf(claim), claim);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.closest && target.closest("a.mark") && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select([target.closest("a.mark").getAttribute("data-ev")], null);
      return;
    }
    if (!target.classList || !target.classList.contains("claim")) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      select(evidenceOf(target), target);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp" || event.key === "j" || event.key === "k") {
      var visible = all(".claim").filter(function (c) { return !c.classList.contains("filtered"); });
      var next = visible[visible.indexOf(target) + (event.key === "ArrowDown" || event.key === "j" ? 1 : -1)];
      if (next) { event.preventDefault(); next.focus(); select(evidenceOf(next), next); }
    }
  });

  // --- decisions -----------------------------------------------------------------------------
  function current(key) {
    var decision = state.decisions[key];
    var fields = {};
    var original = data.claims[key].fields;
    Object.keys(original).forEach(function (name) {
      fields[name] = decision && decision.fields && name in decision.fields ? decision.fields[name] : original[name];
    });
    return fields;
  }

  function decide(key, action, fields, reworded) {
    var claim = data.claims[key];
    var changed = {};
    Object.keys(fields || {}).forEach(function (name) {
      if (fields[name] !== claim.fields[name]) changed[name] = fields[name];
    });
    if (action === "edit" && !Object.keys(changed).length) action = "accept";
    var previous = state.decisions[key];
    state.decisions[key] = {
      section: claim.section, action: action, original: claim.fields, evidence: claim.evidence,
      fields: action === "edit" ? changed : {}, reworded: !!(reworded || (action === "edit" && previous && previous.reworded))
    };
    save();
  }

  function openEditor(li, key) {
    if ($(".edit-form", li)) return;
    var form = document.createElement("form");
    form.className = "edit-form";
    var fields = current(key);
    Object.keys(fields).forEach(function (name) {
      var label = document.createElement("label");
      label.textContent = name.charAt(0).toUpperCase() + name.slice(1);
      var input = document.createElement(name === "owner" || name === "due" || name === "priority" ? "input" : "textarea");
      input.name = name;
      input.value = fields[name];
      label.appendChild(input);
      form.appendChild(label);
    });
    var saveButton = document.createElement("button");
    saveButton.type = "submit";
    saveButton.textContent = "Save edit";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { form.remove(); });
    form.appendChild(saveButton);
    form.appendChild(cancel);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var edited = {};
      all("input, textarea", form).forEach(function (input) { edited[input.name] = input.value; });
      form.remove();
      decide(key, "edit", edited, false);
    });
    li.appendChild(form);
    var firstInput = $("input, textarea", form);
    if (firstInput) firstInput.focus();
  }

  all(".claim").forEach(function (li) {
    var key = li.getAttribute("data-claim");
    // The decision buttons are the script's: a page without it shows no control that does nothing.
    var decideBox = $("#decide-template").content.firstElementChild.cloneNode(true);
    li.appendChild(decideBox);
    if (!Object.keys(data.claims[key].fields).length) $('[data-action="edit"]', decideBox).hidden = true;
    all("button[data-action]", decideBox).forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.getAttribute("data-action");
        var decision = state.decisions[key];
        if (action === "edit") { openEditor(li, key); return; }
        if (decision && decision.action === action) { delete state.decisions[key]; save(); return; }
        decide(key, action, action === "accept" && decision && decision.action === "edit" ? current(key) : null, false);
      });
    });
    all(".accept-reword", li).forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var box = button.closest(".reword");
        var textarea = $("textarea.suggestion", box);
        var sentence = textarea.getAttribute("data-sentence");
        var fields = current(key);
        var names = Object.keys(fields);
        var name = names.filter(function (n) { return fields[n].indexOf(sentence) >= 0; })[0];
        if (name) fields[name] = fields[name].replace(sentence, function () { return textarea.value; });
        else if (names.length) fields[names[0]] = textarea.value;
        decide(key, "edit", fields, true);
      });
    });
  });

  function show() {
    var total = 0, decided = 0;
    all(".claim").forEach(function (li) {
      var key = li.getAttribute("data-claim");
      var decision = state.decisions[key];
      total += 1;
      if (decision) decided += 1;
      var action = decision ? decision.action : "";
      li.classList.toggle("accepted", action === "accept");
      li.classList.toggle("edited", action === "edit");
      li.classList.toggle("rejected", action === "reject");
      $(".decision-label", li).textContent = action ? { accept: "accepted", edit: decision.reworded ? "reworded" : "edited", reject: "rejected" }[action] : "undecided";
      all("button[data-action]", li).forEach(function (button) {
        var pressed = button.getAttribute("data-action") === action;
        button.setAttribute("aria-pressed", pressed ? "true" : "false");
      });
      var fields = current(key);
      all(".field", li).forEach(function (span) {
        var name = span.getAttribute("data-field");
        var value = $(".value", span);
        if (decision && decision.fields && name in decision.fields) value.textContent = fields[name];
        else if (originals.has(value)) value.replaceChildren.apply(value, Array.prototype.slice.call(originals.get(value).cloneNode(true).childNodes));
      });
    });
    $("#progress").textContent = decided + " of " + total + " claims decided";
    var reviewer = $("#reviewer");
    if (document.activeElement !== reviewer) reviewer.value = state.reviewer || "";
  }

  // --- review.json ---------------------------------------------------------------------------
  function today() { return new Date().toISOString().slice(0, 10); }

  function reviewJson() {
    return {
      schema_version: 1, draft_sha256: data.draft, reviewer: state.reviewer || "",
      reviewed_at: state.reviewedAt || today(), decisions: state.decisions
    };
  }

  function download(name, type, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function importReview(review) {
    var kept = 0, stale = [];
    Object.keys(review.decisions || {}).forEach(function (key) {
      var decision = review.decisions[key];
      var claim = data.claims[key];
      if (claim && JSON.stringify(claim.fields) === JSON.stringify(decision.original)) { state.decisions[key] = decision; kept += 1; }
      else stale.push(key);
    });
    if (review.reviewer) state.reviewer = review.reviewer;
    save();
    $("#progress").textContent += " — imported " + kept + (stale.length ? ", no longer standing: " + stale.join(", ") : "");
  }

  $("#toolbar").hidden = false;
  $("#filters").hidden = false;
  $("#reviewer").addEventListener("input", function (event) { state.reviewer = event.target.value; save(); });
  $("#export-review").addEventListener("click", function () {
    state.reviewedAt = state.reviewedAt || today();
    save();
    download("review.json", "application/json", JSON.stringify(reviewJson(), null, 2) + "\n");
  });
  $("#download-md").addEventListener("click", function () {
    state.reviewedAt = state.reviewedAt || today();
    save();
    download("postmortem-reviewed.md", "text/markdown", reviewedMarkdown());
  });
  $("#reset-review").addEventListener("click", function () { state = { reviewer: state.reviewer, decisions: {} }; save(); });
  $("#import-review").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      try { importReview(JSON.parse(String(reader.result))); } catch (e) { $("#progress").textContent = "not a review.json: " + e.message; }
    };
    reader.readAsText(file);
  });

  // --- timeline filters ------------------------------------------------------------------------
  function filter() {
    var kinds = {}, sources = {};
    all('#filters input[data-filter="kind"]').forEach(function (box) { kinds[box.value] = box.checked; });
    all('#filters input[data-filter="source"]').forEach(function (box) { sources[box.value] = box.checked; });
    all(".claims-timeline .claim").forEach(function (li) {
      var lanes = (li.getAttribute("data-sources") || "").split("|").filter(Boolean);
      var seen = kinds[li.getAttribute("data-kind")] !== false &&
        (!lanes.length || lanes.some(function (lane) { return sources[lane] !== false; }));
      li.classList.toggle("filtered", !seen);
    });
  }
  all("#filters input").forEach(function (box) { box.addEventListener("change", filter); });

  // --- the reviewed Markdown (mirrors escape.py and the template, see review._skeleton) ---------
  var TAG_OPEN = /<(?=[A-Za-z\/!?])/g;
  var ENTITY = /&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)/g;
  var LINK_BRACKET = /\](?=[(\[])/g;
  var BLOCK_START = /^(?:[#+*\-=\[|~`]|\d{1,9}(?=[.)]))/;
  var URL_PATTERN = /(?:(?:https?|ftp):\/\/|mailto:|www\.)[^\s<>"'`\\|\u201c\u201d\u2018\u2019«»]+/gi;
  var URL_TAIL = ".,;:!?)]}…'\"";
  var LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

  function oneLine(text) {
    var lines = String(text).split(LINE_BREAK);
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    return lines.join(" \u23ce ");
  }
  function inert(text) {
    return text.replace(/\\/g, "\\\\").replace(ENTITY, "&amp;").replace(TAG_OPEN, "&lt;").replace(LINK_BRACKET, "\\]");
  }
  function mdText(text, backing) {
    var flat = oneLine(text);
    if (!backing) return inert(flat);
    var parts = [], end = 0, match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(flat)) !== null) {
      var url = match[0];
      while (url && URL_TAIL.indexOf(url.charAt(url.length - 1)) >= 0) url = url.slice(0, -1);
      if (backing.some(function (source) { return source.indexOf(url) >= 0; })) continue;
      parts.push(inert(flat.slice(end, match.index)), "`" + url + "`");
      end = match.index + url.length;
    }
    parts.push(inert(flat.slice(end)));
    return parts.join("");
  }
  function mdBlock(text, backing) {
    var inline = mdText(String(text).replace(/^\s+/, ""), backing);
    if (inline.charAt(0) === ">") return "&gt;" + inline.slice(1);
    return inline.replace(BLOCK_START, function (m) { return /\d/.test(m.charAt(0)) ? m + "\\" : "\\" + m; });
  }
  function mdCell(text, backing) { return mdText(text, backing).replace(/\|/g, "\\|").trim(); }
  function escapeFor(context, value, backing) {
    return context === "cell" ? mdCell(value, backing) : context === "block" ? mdBlock(value, backing) : mdText(value, backing);
  }
  function backing(key) { return data.claims[key].evidence.map(function (id) { return data.texts[id] || ""; }); }

  function renumbered(path) {
    var match = /^([a-z_.]+)\[(\d+)\]$/.exec(path);
    if (!match) return path;
    var index = Number(match[2]), shift = 0;
    Object.keys(state.decisions).forEach(function (key) {
      var other = /^([a-z_.]+)\[(\d+)\]$/.exec(key);
      if (other && other[1] === match[1] && Number(other[2]) < index && state.decisions[key].action === "reject") shift += 1;
    });
    return match[1] + "[" + (index - shift) + "]";
  }

  function reviewedMarkdown() {
    var token = /PMRV\d+Z/g;
    var rows = {};
    skeleton.findings.forEach(function (row) { rows[row.token] = row.path; });
    var out = [];
    var droppedItem = false;  // an item's indented lines (a related incident's) go with it
    skeleton.markdown.split("\n").forEach(function (line) {
      if (droppedItem && /^ {3}/.test(line)) return;
      droppedItem = false;
      var drop = false, claimKey = null;
      (line.match(token) || []).forEach(function (t) {
        var slot = skeleton.slots[t];
        var decision = slot ? state.decisions[slot.claim] : t in rows ? state.decisions[rows[t]] : null;
        if (slot) claimKey = slot.claim;
        if (decision && (slot ? decision.action === "reject" : decision.action !== "accept")) drop = true;
      });
      if (drop) { droppedItem = /^\d+\. /.test(line); return; }
      line = line.replace(token, function (t) {
        if (t === skeleton.reviewer) return mdText(state.reviewer || "TODO(author)", null);
        if (t === skeleton.date) return mdText(state.reviewedAt || today(), null);
        if (t in rows) return renumbered(rows[t]);
        var slot = skeleton.slots[t];
        var decision = state.decisions[slot.claim];
        if (decision && decision.fields && slot.field in decision.fields) return escapeFor(slot.context, decision.fields[slot.field], backing(slot.claim));
        // The tool stored the escaped original only where escaping changed it.
        return "escaped" in slot ? slot.escaped : data.claims[slot.claim].fields[slot.field];
      });
      var decision = claimKey ? state.decisions[claimKey] : null;
      if (decision && decision.action !== "reject" && data.claims[claimKey].section === "contributing_factors") {
        line = line.replace(" confidence, candidate)", " confidence)");
      }
      out.push(line);
    });
    return emptied(unflagged(renumber(out), rows)).join("\n");
  }

  // Once every flagged phrase is gone, the wording check says what the template says of none.
  function unflagged(lines, rows) {
    var tokens = Object.keys(rows);
    if (!tokens.length || tokens.some(function (t) { var d = state.decisions[rows[t]]; return !d || d.action === "accept"; })) return lines;
    var start = lines.indexOf("<!-- postmortem-lint disable -->");
    var end = lines.indexOf("<!-- postmortem-lint enable -->", start);
    if (start < 0 || end < 0) return lines;
    return lines.slice(0, start + 1).concat(skeleton.clean, lines.slice(end));
  }

  function renumber(lines) {
    var item = 0, row = 0;
    return lines.map(function (line) {
      if (line.indexOf("## ") === 0) { item = 0; row = 0; return line; }
      if (/^\d+\. /.test(line)) { item += 1; return line.replace(/^\d+/, String(item)); }
      if (/^\| \d+ \| /.test(line)) { row += 1; return line.replace(/^\| \d+ \|/, "| " + row + " |"); }
      return line;
    });
  }

  // A section whose claims were all rejected says what the template says of an empty one.
  function emptied(lines) {
    Object.keys(data.headings).forEach(function (field) {
      var keys = Object.keys(data.claims).filter(function (key) { return data.claims[key].section === field; });
      var gone = keys.length && keys.every(function (key) { return state.decisions[key] && state.decisions[key].action === "reject"; });
      if (!gone) return;
      var start = lines.indexOf("## " + data.headings[field]);
      if (start < 0) return;
      var end = start + 1;
      while (end < lines.length && lines[end].indexOf("## ") !== 0) end += 1;
      var body = lines.slice(start + 1, end).filter(function (line) { return line.trim(); });
      if (field === "impact" && body.length) return;
      lines.splice(start + 1, end - start - 1, "", "_" + data.empty[field] + "_", "");
    });
    return lines;
  }

  all(".field .value").forEach(function (value) { originals.set(value, value.cloneNode(true)); });
  show();
  window.postmortemReview = { markdown: reviewedMarkdown, review: reviewJson, escape: escapeFor };
})();
