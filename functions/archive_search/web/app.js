// archive-search: the search page. Plain fetch against the public API, relative URLs
// (the page is served by the API itself). Text from the API is inserted as text; only
// the fields named *_html (title_html, description_html, snippet.html) are inserted as
// HTML: the API escapes them and adds its own <mark> tags.
"use strict";

(() => {
  const FILTERS = ["source", "language", "place", "author", "tag"];
  const FACET_LABELS = { source: "Publisher", language: "Language", place: "Place", author: "Author", tag: "Tag" };
  const FACET_PLURALS = { source: "publishers", language: "languages", place: "places", author: "authors", tag: "tags" };
  const FACET_SIZE = 10;
  const MAX_LANGUAGES = 100; // the API's largest facet: the languages a language search looks among
  const PAGE_SIZE = 10;
  const MAX_PAGES = 50; // pages a reload or Back restores; More results goes on from there
  const MAX_SIZE = 50; // the API's largest page, in which the pages after the first are restored
  const MAX_BARS = 48; // more monthly bars than this are drawn as years, more yearly ones as decades
  const KEYS_REST_MS = 700; // a menu chosen by keyboard is searched for once its keys rest this long
  // An upload's receipt is asked for after a second, then after twice the wait each time, up
  // to MAX_CHECK_MS: a file that takes minutes needs no check every second meanwhile.
  const FIRST_CHECK_MS = 1000;
  const MAX_CHECK_MS = 10_000;
  const FOLLOW_MS = 300_000; // waited for a receipt (while the page is seen) before "still queued"
  // A drop of hundreds of files stays within the API's throttling, and the page responsive:
  const UPLOADS_AT_ONCE = 4; // files sent at once, the rest waiting their turn in order
  const CHECKS_AT_ONCE = 4; // status checks in flight at once, across every file followed
  const MAX_DROP = 100; // files one drop or choice takes; the rest are named, unsent
  const TOKEN_KEY = "archive-search-token";

  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else if (name.startsWith("aria-") || name.startsWith("data-")) node.setAttribute(name, value);
      else node[name] = value;
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  };

  // -- auth: a bearer token from the identity provider's redirect (JWT mode) ---------------
  function takeTokenFromFragment() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const token = fragment.get("access_token") || fragment.get("id_token");
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      history.replaceState(history.state, "", location.pathname + location.search);
    }
  }

  function authHeaders() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  class ApiError extends Error {
    constructor(status, message, parameter = null) {
      super(message);
      this.status = status;
      this.parameter = parameter; // the request parameter a 400 names
    }
  }

  // A request that gets no answer at all (the API down, the network gone) rejects with the
  // browser's own TypeError ("Failed to fetch"): said in the page's words instead.
  const UNREACHABLE = "could not reach the archive: check the connection and try again";
  const UNREADABLE = "the archive's answer could not be read (was it a network sign-in page?): try again";

  async function api(path, options = {}) {
    let response;
    try {
      response = await fetch(path, {
        ...options,
        headers: { Accept: "application/json", ...authHeaders(), ...(options.headers || {}) },
      });
    } catch (_) {
      throw new ApiError(0, UNREACHABLE);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      const parameter = body && body.error ? body.error.parameter : null;
      const message = body && body.error ? inWords(body.error.message, parameter) : refusal(response.status);
      throw new ApiError(response.status, message, parameter);
    }
    // Every answer but a 204 is JSON: anything else came from something in the API's place (a
    // proxy's or a Wi-Fi sign-in page), and is said so rather than failing later as a TypeError.
    if (body === null && response.status !== 204) throw new ApiError(response.status, UNREADABLE);
    return body;
  }

  // A refusal begins with the API's parameter ("name: the value is empty", "q has more than 32
  // words"), a word for programs: said as the page's field instead, or left out where the
  // file's row already names what it is.
  const FIELD_WORDS = { q: "the search", name: "the alert's name", from: "the From date", to: "the To date", filename: "" };

  function inWords(message, parameter) {
    if (!parameter || !Object.hasOwn(FIELD_WORDS, parameter)) return message;
    const words = FIELD_WORDS[parameter];
    if (message.startsWith(`${parameter}: `)) return words ? `${words}: ${message.slice(parameter.length + 2)}` : message.slice(parameter.length + 2);
    if (words && message.startsWith(`${parameter} `)) return `${words}${message.slice(parameter.length)}`;
    return message;
  }

  // An error answer without the API's error body comes from the gateway in front of it (a
  // sign-in expired, a throttle, a timeout): said as what to do, not as a status code.
  function refusal(status) {
    if (status === 401) return "you are not signed in, or your sign-in has expired: sign in again";
    if (status === 403) return "the archive refused access to this account: sign in with one that may use it";
    if (status === 429) return "too many requests at once: wait a moment and try again";
    if (status >= 500) return `the archive could not answer just now (${status}): try again in a moment`;
    return `the archive refused the request (${status})`;
  }

  function showError(error) {
    const box = $("error");
    if (!error) {
      box.hidden = true;
      box.textContent = "";
      return;
    }
    box.textContent = apology(error);
    box.hidden = false;
  }

  function apology(error) {
    return error instanceof ApiError ? `Sorry: ${error.message}.` : `Sorry: ${error}.`;
  }

  // -- state: the URL is the whole state --------------------------------------------------
  // A month or a year in the address (a feed's link back, an API client's) is the days it spans,
  // as the API reads it: from its first day, to its last. The date fields hold days only.
  function dayOf(value, last) {
    const [year, month] = value.split("-").map(Number);
    if (/^[0-9]{4}$/.test(value)) return last ? `${value}-12-31` : `${value}-01-01`;
    if (!/^[0-9]{4}-[0-9]{2}$/.test(value) || month < 1 || month > 12) return value;
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${value}-${last ? String(days).padStart(2, "0") : "01"}`;
  }

  // A value its menu does not offer (a mangled or hand-edited link) is the menu's first option,
  // as an unknown has_date is ignored: sent, the API would refuse the search in its own words.
  function offered(menu, value) {
    const options = [...$(menu).options].map((option) => option.value);
    return options.includes(value) ? value : options[0];
  }

  function readState() {
    const params = new URLSearchParams(location.search);
    const state = {
      view: params.get("article") ? "article" : ["upload", "alerts"].includes(params.get("view")) ? params.get("view") : "search",
      article: params.get("article") || "",
      q: params.get("q") || "",
      in: offered("in", params.get("in")),
      sort: offered("sort", params.get("sort")),
      from: dayOf(params.get("from") || "", false),
      to: dayOf(params.get("to") || "", true),
      hasDate: ["true", "false"].includes(params.get("has_date")) ? params.get("has_date") : "",
      pages: Math.max(1, parseInt(params.get("pages") || "1", 10) || 1),
      filters: {},
    };
    for (const name of FILTERS) state.filters[name] = params.getAll(name);
    return state;
  }

  // The /search parameters of a state (also the feed's).
  function searchParams(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.in) params.set("in", state.in);
    for (const name of FILTERS) for (const value of state.filters[name]) params.append(name, value);
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    if (state.hasDate) params.set("has_date", state.hasDate);
    return params;
  }

  function pageUrl(state) {
    const params = searchParams(state);
    if (state.sort !== "relevance") params.set("sort", state.sort);
    if (state.pages > 1) params.set("pages", String(state.pages));
    const query = params.toString();
    return query ? `./?${query}` : "./";
  }

  function navigate(url, { replace = false } = {}) {
    // The same search again (Enter pressed twice) is no new entry: Back must leave it.
    if (replace || new URL(url, location.href).href === location.href) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    render();
  }

  function setSearch(change) {
    const state = readState();
    change(state);
    state.view = "search";
    navigate(pageUrl(state));
  }

  // -- search view ------------------------------------------------------------------------
  let histogram = { buckets: [], interval: "month" };
  let renderToken = 0;
  let lastSearch = "./";

  async function renderSearch(state, returnTo = "") {
    const token = ++renderToken;
    lastSearch = location.search ? `./${location.search}` : "./";
    $("q").value = state.q;
    $("in").value = state.in;
    $("sort").value = state.sort;
    $("from").value = state.from;
    $("to").value = state.to;
    $("has-date").value = state.hasDate;
    // A feed of the search follows it: every new match first, whatever the page's sort, which
    // orders a reader's feed no better (by date, a back issue indexed now lands out of sight).
    const feedParams = searchParams(state);
    feedParams.set("order", "indexed");
    $("feed-link").href = `feed?${feedParams}`;
    $("feed-alternate").href = $("feed-link").href;
    feedParams.set("format", "json");
    $("json-feed-link").href = `feed?${feedParams}`;
    $("status").textContent = "Searching…";
    const column = document.querySelector(".results-column");
    column.setAttribute("aria-busy", "true");

    const params = searchParams(state);
    params.set("sort", state.sort);
    params.set("size", String(PAGE_SIZE));
    params.set("facets", [...FILTERS, "published"].join(","));
    params.set("facet_size", String(FACET_SIZE));
    params.set("interval", "month");
    let result;
    let hits = [];
    try {
      result = await api(`search?${params}`);
      hits = result.hits;
      // Reload and back/forward restore the pages that were shown ("pages" in the URL), up
      // to MAX_PAGES, before anything is shown: so the pages after the first come in the API's
      // largest pages, without facets (the first page has them). A cursor is a position,
      // whatever the size that led there, so More results goes on a page at a time.
      let cursor = result.next_cursor;
      let missing = (Math.min(state.pages, MAX_PAGES) - 1) * PAGE_SIZE;
      while (missing > 0 && cursor) {
        const rest = withCursor(params, cursor);
        rest.set("size", String(Math.min(missing, MAX_SIZE)));
        for (const name of ["facets", "facet_size", "interval"]) rest.delete(name);
        const next = await api(`search?${rest}`);
        if (!next.hits.length) break; // nothing after the cursor now: More results will say so
        hits = hits.concat(next.hits);
        missing -= next.hits.length;
        cursor = next.next_cursor;
      }
      result.next_cursor = cursor;
    } catch (error) {
      if (token !== renderToken) return;
      showError(error);
      $("status").textContent = "";
      // Nothing of the previous search stays: its hits and its "More results" cursor would pass
      // for this one's. Selected filters and dates stay listed, so the cause can be undone.
      renderFacets(state, {});
      renderHistogram(state, []);
      $("results").replaceChildren();
      setupMore(state, params, null);
      column.setAttribute("aria-busy", "false");
      return;
    }
    if (token !== renderToken) return;
    showError(null);
    renderFacets(state, result.facets);
    renderHistogram(state, result.facets.published || []);
    const list = $("results");
    list.replaceChildren(...hits.map(resultItem));
    // More pages were asked for than are restored: the URL and the status say what is shown,
    // so neither passes for the pages beyond it; More results goes on from there.
    const cut = state.pages > MAX_PAGES && result.next_cursor;
    if (state.pages > MAX_PAGES) {
      state.pages = MAX_PAGES;
      history.replaceState(null, "", pageUrl(state));
    }
    renderStatus(result, hits.length, cut ? `: the first ${MAX_PAGES} pages, as many as a reload shows; More results goes on` : "");
    setupMore(state, params, result.next_cursor);
    column.setAttribute("aria-busy", "false");
    // Back from an article: the focus returns to the result it was opened from, where a
    // keyboard or screen reader user left the list, not to the top of the page.
    const opened = returnTo && [...list.children].find((item) => item.dataset.id === returnTo);
    if (opened) opened.querySelector("a").focus();
  }

  function withCursor(params, cursor) {
    const next = new URLSearchParams(params);
    next.set("cursor", cursor);
    return next;
  }

  function renderStatus(result, shown, note = "") {
    const groups = result.total_groups ?? result.total;
    const noun = groups === 1 ? "result" : "results";
    $("status").textContent = groups
      ? `${groups.toLocaleString("en")} ${noun} (showing ${shown}${note})`
      : "No articles match. Try fewer words or filters.";
  }

  function setupMore(state, params, cursor) {
    const more = $("more");
    const token = renderToken;
    more.hidden = !cursor;
    // Busy, the button is aria-disabled, not disabled: a disabled button drops the keyboard
    // focus to the top of the document, where it stays when the page fails to come.
    more.removeAttribute("aria-disabled");
    more.onclick = async () => {
      if (more.getAttribute("aria-disabled") === "true") return;
      more.setAttribute("aria-disabled", "true");
      // Said, not only drawn: a screen reader hears the wait on a slow network.
      const counted = $("status").textContent;
      $("status").textContent = "Loading more results…";
      try {
        const next = await api(`search?${withCursor(params, cursor)}`);
        // A page that arrives after another search began belongs to no search shown now.
        if (token !== renderToken) return;
        showError(null); // a failed press before this one is made good
        const list = $("results");
        const added = next.hits.map(resultItem);
        list.append(...added);
        setupMore(state, params, next.next_cursor);
        if (added.length) {
          state.pages += 1;
          history.replaceState(null, "", pageUrl(state));
          renderStatus(next, list.children.length);
          added[0].querySelector("a").focus();
        } else {
          // The articles after the cursor are gone (deleted meanwhile): the hidden button's
          // focus goes to the last result, where reading stopped, and the status says why.
          $("status").textContent = `No more results (showing ${list.children.length}).`;
          list.lastElementChild.querySelector("a").focus();
        }
      } catch (error) {
        if (token !== renderToken) return;
        // A cursor refused as expired (its key rotated, the local stack restarted): the pages
        // shown and the next one again, from the first, with fresh cursors.
        if (error.status === 400 && error.parameter === "cursor") {
          state.pages += 1;
          navigate(pageUrl(state), { replace: true });
          return;
        }
        $("status").textContent = counted;
        showError(error);
      } finally {
        if (token === renderToken) more.removeAttribute("aria-disabled");
      }
    };
  }

  // Who an article credits: its persons, else the agency or organisation (AP, Reuters, Staff).
  function credits(article) {
    if (article.authors && article.authors.length) return article.authors;
    return article.author_org ? [article.author_org] : [];
  }

  // Names joined by commas, each isolated in its own direction (dir="auto"): joined in one run,
  // an Arabic name beside a Latin one swaps their order and strands the comma. Null for none.
  function names(values) {
    if (!values || !values.length) return null;
    const line = el("span");
    values.forEach((value, index) => {
      if (index) line.append(", ");
      line.append(el("span", { dir: "auto", text: value }));
    });
    return line;
  }

  // The article's names (publisher, place, persons) are isolated, each in its own direction
  // (dir="auto"): an Arabic or Hebrew name would otherwise take the date's digits beside it
  // into its right-to-left run and swap the line's parts.
  function metaLine(hit) {
    const parts = [];
    if (hit.source) parts.push(el("span", { class: "source", dir: "auto", text: hit.source }));
    if (hit.published) parts.push(el("time", { dateTime: hit.published, text: formatDate(hit.published) }));
    if (hit.place) parts.push(el("span", { class: "place", dir: "auto", text: hit.place }));
    const byline = names(credits(hit));
    if (byline) parts.push(el("span", { class: "author" }, "By ", byline));
    const line = el("p", { class: "meta" });
    parts.forEach((part, index) => {
      if (index) line.append(" · ");
      line.append(part);
    });
    return line;
  }

  // An article's own text (title, standfirst, snippet, body) carries its language, so it is
  // read aloud in it, and its direction from its first letter (dir="auto": Arabic and Hebrew
  // right to left); the page's own words around it stay English, left to right.
  function inLanguage(element, language) {
    if (language) element.lang = language;
    else element.removeAttribute("lang");
    element.dir = "auto";
    return element;
  }

  function resultItem(hit) {
    const link = el("a", { href: `./?article=${encodeURIComponent(hit.id)}` });
    if (hit.title_html) link.innerHTML = hit.title_html; // HTML by the API's contract
    else link.textContent = hit.title || "(untitled)";
    const heading = inLanguage(el("h3", {}, link), hit.language);
    const item = el("li", { class: "hit", "data-id": hit.id }, heading);
    // The standfirst, under the title: marked when the API highlighted it, else plain text.
    if (hit.description_html || hit.description) {
      const description = inLanguage(el("p", { class: "description" }), hit.language);
      if (hit.description_html) description.innerHTML = hit.description_html; // HTML by the API's contract
      else description.textContent = hit.description;
      item.append(description);
    }
    item.append(metaLine(hit));
    // A disclosure, not a tooltip: a title shows on hover only, never to a keyboard or a touch.
    if (hit.duplicates) {
      const copies = hit.duplicates + 1;
      item.append(
        el(
          "details",
          { class: "copies" },
          el("summary", { class: "badge", text: `${copies} copies` }),
          el("p", { text: "Near-identical copies of this article (the same text published or uploaded again) are shown as one result." }),
        ),
      );
    }
    if (hit.snippet && hit.snippet.html) {
      const snippet = inLanguage(el("p", { class: "snippet" }), hit.language);
      snippet.innerHTML = hit.snippet.html; // HTML by the API's contract
      item.append(snippet);
    }
    return item;
  }

  // Languages are codes in the API (en, de, zh-Hant) and names on the page, which a reader
  // need not know the codes for; a code the browser cannot name is shown as it is.
  const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });
  function languageName(code) {
    try {
      return languageNames.of(code);
    } catch (_) {
      return code;
    }
  }

  function formatDate(value) {
    const [year, month, day] = value.split("-").map(Number);
    if (!month) return String(year);
    const date = new Date(Date.UTC(year, month - 1, day || 1));
    const options = day ? { day: "numeric", month: "short", year: "numeric" } : { month: "short", year: "numeric" };
    return date.toLocaleDateString("en-GB", { ...options, timeZone: "UTC" });
  }

  // A moment the service recorded (an ingest, a receipt) read as a date and a time, in UTC as
  // stored, not as the timestamp programs read: "8 Dec 2026, 02:57 UTC".
  function moment(stamp) {
    const options = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" };
    const date = new Date(stamp);
    const text = Number.isNaN(date.getTime()) ? stamp : `${date.toLocaleString("en-GB", options)} UTC`;
    return el("time", { dateTime: stamp, text });
  }

  // -- facets -----------------------------------------------------------------------------
  // The letters typed in a facet's search box outlive the rendering (a value found by them was
  // just ticked): the person goes on with the values they found, without typing them again.
  function renderFacets(state, facets) {
    const refocus = focusKeeper($("facets"), "input", (box) => (box.type === "search" ? box.id : `${box.closest("fieldset").dataset.facet}\n${box.value}`));
    const typed = Object.fromEntries([...$("facets").querySelectorAll(".finder input")].map((input) => [input.id, input.value]));
    const groups = FILTERS.map((name) => facetGroup(name, state, facets[name] || [], typed[`find-${name}`] || "")).filter(Boolean);
    $("facets").replaceChildren(...groups);
    refocus();
  }

  // Re-rendering a box of controls must not drop the focus of a keyboard user who just used
  // one (a ticked facet, a picked bar) back to the top of the page: the control of the same
  // identity in the new rendering takes the focus.
  function focusKeeper(box, selector, identity) {
    const active = document.activeElement;
    if (!active || !box.contains(active) || !active.matches(selector)) return () => {};
    const wanted = identity(active);
    return () => {
      const same = [...box.querySelectorAll(selector)].find((control) => identity(control) === wanted);
      if (same) same.focus();
    };
  }

  // Filters ignore case and accents (the API's rule): "valmont post" in the URL selects the
  // facet value "Valmont Post", so the page compares values the same way.
  const folded = (value) => value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const isSelected = (selected, value) => selected.some((chosen) => folded(chosen) === folded(value));

  function facetGroup(name, state, values, letters) {
    const selected = state.filters[name];
    if (!values.length && !selected.length) return null;
    const fieldset = el("fieldset", { class: "facet", "data-facet": name });
    fieldset.append(el("legend", { text: FACET_LABELS[name] }));
    const list = el("ul", { class: "facet-values" });
    const listed = values.map((entry) => entry.value);
    // A selected value outside the top values stays visible, so it can be unticked.
    const unlisted = selected.filter((value) => !isSelected(listed, value));
    const entries = values.concat(unlisted.map((value) => ({ value, count: null })));
    for (const entry of entries) list.append(facetOption(name, entry, isSelected(selected, entry.value)));
    fieldset.append(list);
    if (values.length >= FACET_SIZE || letters) fieldset.append(facetFinder(name, state, letters));
    return fieldset;
  }

  let facetIds = 0;
  function facetOption(name, entry, checked) {
    const id = `facet-${name}-${++facetIds}`;
    const box = el("input", { type: "checkbox", id, checked, value: entry.value });
    box.addEventListener("change", () => toggleFilter(name, entry.value, box.checked));
    const shown = name === "language" ? languageName(entry.value) : entry.value;
    const label = el("label", { htmlFor: id }, el("span", { class: "facet-value", dir: "auto", text: shown }));
    if (entry.count != null) label.append(" ", el("span", { class: "count", text: `(${entry.count})` }));
    return el("li", {}, box, label);
  }

  function toggleFilter(name, value, on) {
    setSearch((state) => {
      const values = state.filters[name].filter((v) => folded(v) !== folded(value));
      if (on) values.push(value);
      state.filters[name] = values;
      state.pages = 1;
    });
  }

  // A facet's values with a word starting with the letters typed. Languages are shown by name,
  // which the API's value search does not know (it matches codes): the archive's languages are
  // asked for and matched here, by the start of their code or of a word of their name.
  async function valuesStarting(name, prefix) {
    const size = String(FACET_SIZE);
    if (name !== "language") return (await api(`facets/${name}?${new URLSearchParams({ prefix, size })}`)).values;
    const languages = (await api(`facets/language?size=${MAX_LANGUAGES}`)).values;
    const typed = folded(prefix);
    const words = (code) => [code, ...languageName(code).split(/[\s(),]+/)];
    return languages.filter((entry) => words(entry.value).some((word) => folded(word).startsWith(typed))).slice(0, FACET_SIZE);
  }

  function facetFinder(name, state, letters) {
    const id = `find-${name}`;
    const input = el("input", { type: "search", id, autocomplete: "off", maxLength: 100, value: letters, dir: "auto" });
    const found = el("ul", { class: "facet-values found", "aria-live": "polite" });
    let timer = 0;
    let asked = 0; // only the answer to the latest letters typed is shown: answers can cross
    const lookUp = async () => {
      const prefix = input.value.trim();
      const mine = ++asked;
      if (!prefix) return found.replaceChildren();
      try {
        const values = await valuesStarting(name, prefix);
        if (mine !== asked) return;
        const selected = state.filters[name];
        found.replaceChildren(...values.map((entry) => facetOption(name, entry, isSelected(selected, entry.value))));
        if (!values.length) found.append(el("li", { text: "No match" }));
      } catch (error) {
        // Said in the box, in place of the values found for other letters: the search's own
        // error box would outlive the next answer, and the old values would look like this one's.
        if (mine === asked) found.replaceChildren(el("li", { class: "error", role: "alert", text: apology(error) }));
      }
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(lookUp, 200);
    });
    if (letters.trim()) lookUp();
    return el("div", { class: "finder" }, el("label", { htmlFor: id, text: `Search ${FACET_PLURALS[name]}` }), input, found);
  }

  // -- publication-date histogram ---------------------------------------------------------
  function renderHistogram(state, monthly) {
    let buckets = withEmptyMonths(monthly);
    let interval = "month";
    // A bar is at least a few pixels wide: a phone has room for a few dozen.
    if (buckets.length > MAX_BARS) [buckets, interval] = [grouped(buckets, (value) => value.slice(0, 4)), "year"];
    if (buckets.length > MAX_BARS) [buckets, interval] = [grouped(buckets, (value) => `${value.slice(0, 3)}0s`), "decade"];
    histogram = { buckets, interval };
    const box = $("histogram");
    const refocus = focusKeeper(box, ".bar", (bar) => bar.dataset.value);
    box.replaceChildren();
    $("dates").hidden = !buckets.length && !state.from && !state.to && !state.hasDate;
    const highest = Math.max(1, ...buckets.map((bucket) => bucket.count));
    const inRange = (bucket) => {
      const [start, end] = bucketRange(bucket.value);
      return (!state.from || end >= state.from) && (!state.to || start <= state.to);
    };
    // One Tab stop for the whole chart (the first selected bar, else the newest); arrow keys
    // move between bars (setupHistogramKeys).
    const selected = state.from || state.to ? buckets.findIndex(inRange) : -1;
    const stop = selected >= 0 ? selected : buckets.length - 1;
    buckets.forEach((bucket, index) => {
      const bar = el("button", {
        type: "button",
        tabIndex: index === stop ? 0 : -1,
        class: `bar${inRange(bucket) && (state.from || state.to) ? " selected" : ""}`,
        "aria-label": `${bucketLabel(bucket.value)}: ${articleCount(bucket.count)}`,
        "data-index": String(index),
        "data-value": bucket.value,
        title: `${bucketLabel(bucket.value)}: ${articleCount(bucket.count)}`,
      });
      const fill = el("span", { class: "fill" });
      fill.style.height = bucket.count ? `${Math.max(3, Math.round((bucket.count / highest) * 100))}%` : "0";
      bar.append(fill);
      box.append(bar);
    });
    if (buckets.length) {
      box.append(el("span", { class: "axis start", text: bucketLabel(buckets[0].value), "aria-hidden": "true" }));
      box.append(el("span", { class: "axis end", text: bucketLabel(buckets[buckets.length - 1].value), "aria-hidden": "true" }));
    }
    refocus();
  }

  const articleCount = (count) => (count === 1 ? "1 article" : `${count.toLocaleString("en")} articles`);

  // The API lists the months that have articles; the chart shows the gaps between them too.
  function withEmptyMonths(monthly) {
    if (!monthly.length) return [];
    const counts = new Map(monthly.map((bucket) => [bucket.value, bucket.count]));
    const sorted = monthly.map((bucket) => bucket.value).sort();
    let [year, month] = sorted[0].split("-").map(Number);
    const last = sorted[sorted.length - 1];
    const filled = [];
    for (;;) {
      const value = `${year}-${String(month).padStart(2, "0")}`;
      filled.push({ value, count: counts.get(value) || 0 });
      if (value >= last) return filled;
      month = month === 12 ? 1 : month + 1;
      if (month === 1) year += 1;
    }
  }

  // Consecutive buckets summed into larger periods: key maps a bucket value to its period's.
  function grouped(buckets, key) {
    const periods = new Map();
    for (const { value, count } of buckets) periods.set(key(value), (periods.get(key(value)) || 0) + count);
    return [...periods].map(([value, count]) => ({ value, count }));
  }

  function bucketLabel(value) {
    return value.length <= 5 ? value : formatDate(value); // 2023 or 1850s as they are
  }

  // [first day, last day] of a bucket value: 1850s, 2023 or 2023-04.
  function bucketRange(value) {
    const year = Number(value.slice(0, 4));
    if (value.endsWith("s")) return [`${year}-01-01`, `${year + 9}-12-31`];
    if (value.length === 4) return [`${year}-01-01`, `${year}-12-31`];
    const month = Number(value.slice(5, 7));
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const mm = String(month).padStart(2, "0");
    return [`${value.slice(0, 4)}-${mm}-01`, `${value.slice(0, 4)}-${mm}-${String(last).padStart(2, "0")}`];
  }

  function setupHistogramDrag() {
    const box = $("histogram");
    let anchor = null;
    let current = null;
    const indexAt = (event) => {
      const target = document.elementFromPoint(event.clientX, event.clientY);
      const bar = target && target.closest(".bar");
      return bar && box.contains(bar) ? Number(bar.dataset.index) : null;
    };
    const paint = () => {
      const [low, high] = [Math.min(anchor, current), Math.max(anchor, current)];
      box.querySelectorAll(".bar").forEach((bar) => {
        const index = Number(bar.dataset.index);
        bar.classList.toggle("dragging", index >= low && index <= high);
      });
    };
    const choose = (first, last) => {
      const [low, high] = [Math.min(first, last), Math.max(first, last)];
      const from = bucketRange(histogram.buckets[low].value)[0];
      const to = bucketRange(histogram.buckets[high].value)[1];
      setSearch((state) => {
        state.from = from;
        state.to = to;
        state.pages = 1;
      });
    };
    box.addEventListener("pointerdown", (event) => {
      const index = indexAt(event);
      if (index == null || event.button !== 0) return;
      event.preventDefault();
      anchor = current = index;
      paint();
    });
    window.addEventListener("pointermove", (event) => {
      if (anchor == null) return;
      const index = indexAt(event);
      if (index != null && index !== current) {
        current = index;
        paint();
      }
    });
    window.addEventListener("pointerup", () => {
      if (anchor == null) return;
      const [first, last] = [anchor, current];
      anchor = current = null;
      choose(first, last);
    });
    // Escape during a drag drops it: the release that follows chooses no period.
    window.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || anchor == null) return;
      anchor = current = null;
      box.querySelectorAll(".bar.dragging").forEach((bar) => bar.classList.remove("dragging"));
    });
    // Keyboard (and assistive technology): Enter or Space on a bar picks that period.
    box.addEventListener("click", (event) => {
      const bar = event.target.closest(".bar");
      if (bar && event.detail === 0) {
        const index = Number(bar.dataset.index);
        choose(index, index);
      }
    });
  }

  // Left and right arrows step between the chart's bars, Home and End go to its ends; the bar
  // reached becomes the chart's Tab stop.
  function setupHistogramKeys() {
    const box = $("histogram");
    box.addEventListener("keydown", (event) => {
      const bar = event.target.closest(".bar");
      if (!bar) return;
      const bars = [...box.querySelectorAll(".bar")];
      const at = bars.indexOf(bar);
      const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: bars.length - 1 }[event.key];
      if (to == null || !bars[to]) return;
      event.preventDefault();
      bar.tabIndex = -1;
      bars[to].tabIndex = 0;
      bars[to].focus();
    });
  }

  // -- article view -----------------------------------------------------------------------
  async function renderArticle(state) {
    const token = ++renderToken;
    const id = state.article;
    $("back-to-results").href = lastSearch;
    $("article-title").textContent = "Loading…";
    inLanguage($("article-title"), null);
    for (const part of ["article-meta", "article-body", "article-origin", "similar"]) $(part).replaceChildren();
    $("article-more").hidden = true;
    let article;
    try {
      article = await api(`articles/${encodeURIComponent(id)}`);
    } catch (error) {
      if (token !== renderToken) return;
      // Only a 404 is a missing article: a busy archive or a lost connection is no answer.
      const heading = error.status === 404 ? "Article not found" : "The article could not be loaded";
      $("article-title").textContent = heading;
      document.title = `${heading} · archive-search`;
      showError(error);
      return;
    }
    if (token !== renderToken) return;
    showError(null);
    document.title = `${article.title} · archive-search`;
    $("article-title").textContent = article.title;
    for (const part of ["article-title", "article-description", "article-body"]) inLanguage($(part), article.language);
    $("article-description").textContent = article.description || "";
    $("article-description").hidden = !article.description;
    fillList($("article-meta"), [
      ["Publisher", names(article.source && [article.source])],
      ["Published", article.published && el("time", { dateTime: article.published, text: formatDate(article.published) })],
      ["Place", names(article.place && [article.place])],
      ["Authors", names(credits(article))],
      ["Language", article.language && languageName(article.language)],
      ["Tags", names(article.tags)],
      ["Original", article.url && /^https?:\/\//i.test(article.url) ? el("a", { href: article.url, rel: "noopener noreferrer", text: article.url }) : null],
    ]);
    appendBody(article);
    const origin = article.origin || {};
    const receipt = el("span", { text: "…" });
    fillList($("article-origin"), [
      ["Bucket", origin.bucket],
      ["Key", origin.key && el("code", { text: origin.key })],
      ["Article in file", origin.ordinal != null ? String(origin.ordinal + 1) : null],
      ["Ingested", origin.ingested_at && moment(origin.ingested_at)],
      ["Cleaner version", origin.cleaner_version],
      ["Receipt", origin.key ? receipt : null],
    ]);
    if (origin.key) showReceipt(origin, receipt);
    try {
      const similar = await api(`articles/${encodeURIComponent(id)}/similar?size=5`);
      if (token !== renderToken) return;
      $("similar").replaceChildren(...similar.hits.map(resultItem));
      if (!similar.hits.length) $("similar").append(el("li", { text: "None found." }));
    } catch (error) {
      // An answer for an article left since belongs to no view shown now.
      if (token === renderToken) showError(error);
    }
  }

  function appendBody(article) {
    const body = $("article-body");
    const added = [];
    for (const paragraph of article.body.split(/\n\s*\n/)) {
      if (paragraph.trim()) added.push(el("p", { text: paragraph.trim() }));
    }
    body.append(...added);
    const more = $("article-more");
    // The rest asked for with the button takes its focus: reading goes on where it was asked
    // for, and the button, hidden once the body is whole, would drop it to the top.
    if (added.length && document.activeElement === more) {
      added[0].tabIndex = -1;
      added[0].focus();
    }
    const token = renderToken;
    more.hidden = article.next_body_offset == null;
    more.removeAttribute("aria-disabled");
    more.onclick = async () => {
      // A second press before the answer would ask for the same part and show it twice.
      if (more.getAttribute("aria-disabled") === "true") return;
      more.setAttribute("aria-disabled", "true");
      try {
        const next = await api(`articles/${encodeURIComponent(article.id)}?body_offset=${article.next_body_offset}`);
        if (token !== renderToken) return;
        showError(null); // a failed press before this one is made good
        appendBody(next);
      } catch (error) {
        if (token === renderToken) {
          showError(error);
          more.removeAttribute("aria-disabled");
        }
      }
    };
  }

  async function showReceipt(origin, target) {
    const params = new URLSearchParams({ key: origin.key });
    if (origin.bucket) params.set("bucket", origin.bucket);
    try {
      const receipt = await api(`ingest/status?${params}`);
      if (receipt.outcome && receipt.updated_at) target.replaceChildren(`${receipt.outcome} (`, moment(receipt.updated_at), ")");
      else target.textContent = receipt.outcome || "recorded";
    } catch (_) {
      target.textContent = "not available";
    }
  }

  function fillList(list, rows) {
    for (const [name, value] of rows) {
      if (value == null || value === "") continue;
      list.append(el("dt", { text: name }), el("dd", {}, value));
    }
  }

  // -- upload view (shown only when the write API answers) --------------------------------
  let uploadsAvailable = null;

  async function detectUploads() {
    // An empty request is refused with 400 by a write API that exists; 404/405 mean none.
    try {
      const response = await fetch("uploads", {
        method: "POST",
        headers: { "Content-Type": "application/json", ...authHeaders() },
        body: "{}",
      });
      uploadsAvailable = response.status === 400 || response.ok;
    } catch (_) {
      uploadsAvailable = false;
    }
    $("nav-upload").hidden = !uploadsAvailable;
    document.body.dataset.uploads = uploadsAvailable ? "available" : "unavailable";
    if (readState().view === "upload") render();
  }

  const uploads = { total: 0, settled: 0 };

  // Files are named while dragged (types) and readable once dropped (files).
  const carriesFiles = ({ dataTransfer: data }) =>
    Boolean(data) && ([...(data.types || [])].includes("Files") || (data.files || []).length > 0);

  function setupUploads() {
    const zone = $("dropzone");
    zone.addEventListener("dragover", () => zone.classList.add("over"));
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    // A file dropped anywhere is the page's, never the browser's to open in place of the page
    // (and of the uploads it follows): the upload view takes it as dropped on its zone, other
    // views leave it be.
    document.addEventListener("dragover", (event) => {
      if (carriesFiles(event)) event.preventDefault();
    });
    document.addEventListener("drop", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      zone.classList.remove("over");
      if ($("upload-view").hidden) return;
      // A dropped folder comes as a File that cannot be read: only its item's entry says it is
      // a directory, so it is refused by name instead of failing at the bucket.
      const items = [...(event.dataTransfer.items || [])].filter((item) => item.kind === "file");
      const folders = new Set(
        items
          .map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry())
          .filter((entry) => entry && entry.isDirectory)
          .map((entry) => entry.name),
      );
      const files = [...event.dataTransfer.files];
      uploadFiles(files.filter((file) => !folders.has(file.name)), "drop", [...folders]);
    });
    // A reload or a closed tab would forget the files not yet sent, or failed on the way, without
    // a word: the browser asks first. Files in the bucket are indexed whether followed or not.
    window.addEventListener("beforeunload", (event) => {
      if (unsent || $("uploads").querySelector('[data-outcome="failed"]')) event.preventDefault();
    });
    $("files").addEventListener("change", (event) => {
      uploadFiles([...event.target.files], "choice");
      event.target.value = "";
    });
  }

  const FOLDER_REFUSED =
    "a folder cannot be uploaded: drop the files in it instead, text (.txt, .md), HTML (.html, .htm), " +
    "JSON (.json) or JSON Lines (.jsonl, .ndjson), any of them as .gz";

  const EMPTY_REFUSED = "the file is empty (0 bytes): there is no article in it to index";

  // How the bound's alert names the files, as the person gave them: dropped or chosen.
  const GIVEN = {
    drop: { which: "of a drop", again: "Drop" },
    choice: { which: "chosen", again: "Choose" },
  };

  function uploadFiles(list, given, folders = []) {
    const dropped = [...folders.map((name) => ({ name, folder: true })), ...list];
    const taken = dropped.slice(0, MAX_DROP);
    const left = dropped.slice(MAX_DROP);
    // The files past the bound are named (the first and last, in the order dropped), never dropped unsaid.
    const refused = $("upload-refused");
    refused.hidden = left.length === 0;
    refused.replaceChildren();
    if (left.length) {
      const named = (file) => el("span", { dir: "auto", text: file.name });
      const { which, again } = GIVEN[given];
      const first = `Only the first ${MAX_DROP} files ${which} are uploaded: the other`;
      if (left.length === 1) {
        refused.append(`${first} file, “`, named(left[0]), `”, was not sent. ${again} it again once these have settled.`);
      } else {
        refused.append(`${first} ${left.length} files, “`, named(left[0]), "” to “", named(left[left.length - 1]));
        refused.append(`”, were not sent. ${again} them again once these have settled.`);
      }
    }
    uploads.total += taken.length;
    renderUploadProgress();
    for (const file of taken) {
      if (file.folder) uploadRow(file.name).settle(`rejected: ${FOLDER_REFUSED}`, "rejected");
      // An empty file holds no article: ingest would reject it, after a trip to the bucket.
      else if (file.size === 0) uploadRow(file.name).settle(`rejected: ${EMPTY_REFUSED}`, "rejected");
      else uploadOne(file);
    }
  }

  // Tasks run at most `width` at a time, in the order they were queued.
  function lane(width) {
    let running = 0;
    const queued = [];
    const next = () => {
      if (running >= width || !queued.length) return;
      running += 1;
      const { task, resolve, reject } = queued.shift();
      task()
        .then(resolve, reject)
        .finally(() => {
          running -= 1;
          next();
        });
    };
    return (task) =>
      new Promise((resolve, reject) => {
        queued.push({ task, resolve, reject });
        next();
      });
  }
  const sending = lane(UPLOADS_AT_ONCE);
  const checking = lane(CHECKS_AT_ONCE);
  let unsent = 0; // files dropped and not yet in the bucket: leaving the page forgets them

  function renderUploadProgress() {
    const bar = $("upload-progress");
    bar.hidden = uploads.total === 0;
    bar.max = Math.max(1, uploads.total);
    bar.value = uploads.settled;
    $("upload-summary").textContent = uploads.total
      ? `${uploads.settled} of ${uploads.total} files settled`
      : "";
  }

  const rowsNamed = new Map(); // rows shown per file name

  // One file's row in the list, and how its outcome is shown and said. Files of one name (from
  // two folders) are told apart by their number, "notes.txt (2)", in the row, in what is said
  // and in their buttons' names, which would otherwise be the same.
  function uploadRow(name) {
    const nth = (rowsNamed.get(name) || 0) + 1;
    rowsNamed.set(name, nth);
    const label = nth > 1 ? `${name} (${nth})` : name;
    const status = el("span", { class: "outcome", text: "waiting", tabIndex: -1 });
    const file = el("span", { class: "file", dir: "auto", text: name });
    const row = el("li", {}, file, nth > 1 ? ` (${nth})` : null, " ", status);
    $("uploads").append(row);
    const settle = (text, outcome) => {
      status.textContent = text;
      // The rows are only drawn; the outcome is also said, for screen readers: added as a line
      // of its own, as a text replaced before it is read (files settling at once) is never heard.
      $("upload-outcome").append(el("p", { text: `${label}: ${text}` }));
      row.dataset.outcome = outcome;
      uploads.settled += 1;
      renderUploadProgress();
    };
    // A file that failed on the way (the network, a busy archive) is sent again from its row,
    // not found and dropped again, and one still queued when no longer followed is asked after
    // again from there; the focus stays in the row, on its status.
    const offer = (verb, action) => {
      const again = el("button", { type: "button", class: "again", text: verb, "aria-label": `${verb}: ${label}` });
      again.addEventListener("click", () => {
        again.remove();
        delete row.dataset.outcome;
        uploads.settled -= 1;
        renderUploadProgress();
        status.textContent = "waiting";
        status.focus();
        action();
      });
      row.append(" ", again);
    };
    return { status, settle, offer };
  }

  // A file sent (unless it is in the bucket already, with this slot) and followed until it settles.
  async function uploadOne(file, row = uploadRow(file.name), inBucket = null) {
    const { status, settle, offer } = row;
    try {
      const slot = inBucket || (await sendInTurn(file, row));
      if (!slot) return; // refused before it was sent
      status.textContent = "queued";
      for (let waited = 0, wait = FIRST_CHECK_MS; waited < FOLLOW_MS; waited += wait, wait = Math.min(2 * wait, MAX_CHECK_MS)) {
        await seenAfter(wait);
        // Offline, a check could only fail: it waits for the connection, and goes when it is back.
        if (!navigator.onLine) {
          status.textContent = "queued (waiting for the connection to check)";
          await online();
        }
        let receipt;
        try {
          receipt = await checking(() => api(slot.status_url.replace(/^\//, "")));
        } catch (error) {
          // No receipt yet (404), or a check that got no answer or a busy one: either way the
          // file is in the bucket, so the next check asks again instead of calling it failed.
          const unanswered = error.status === 0 || error.status === 429 || error.status >= 500;
          if (error.status !== 404 && !unanswered) throw error;
          status.textContent = unanswered ? "queued (a status check got no answer: checking again)" : "queued";
          continue;
        }
        // The receipt's sentence for people; its reason is a code for programs (too_large).
        if (receipt.outcome === "rejected") return settle(`rejected: ${unkeyed(receipt.message, slot.key) || receipt.reason || "no reason given"}`, "rejected");
        if (receipt.outcome === "duplicate") return settle(`duplicate of an article already in the archive${skippedNote(receipt)}`, "duplicate");
        if (receipt.outcome === "indexed") return settle(`indexed${skippedNote(receipt)}`, "indexed");
      }
      settle("still queued: check again later", "queued");
      offer("Check again", () => uploadOne(file, row, slot));
    } catch (error) {
      settle(`failed: ${error.message}`, "failed");
      offer("Try again", () => uploadOne(file, row));
    }
  }

  // Ingest begins a rejection with the object's key ("uploads/3f0c…/a.json: …"), which the
  // person never saw: the row already names the file, so the key is left out.
  function unkeyed(message, key) {
    return message && key && message.startsWith(`${key}: `) ? message.slice(key.length + 2) : message;
  }

  // Resolves ms from now once the page is seen: a hidden page (another tab, a minimised window)
  // checks nothing, and checks at once when it is shown again.
  async function seenAfter(ms) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (document.visibilityState !== "hidden") return;
    await new Promise((resolve) => {
      const shown = () => {
        if (document.visibilityState === "hidden") return;
        document.removeEventListener("visibilitychange", shown);
        resolve();
      };
      document.addEventListener("visibilitychange", shown);
    });
  }

  const online = () => new Promise((resolve) => window.addEventListener("online", resolve, { once: true }));

  async function sendInTurn(file, row) {
    unsent += 1;
    try {
      return await sending(() => send(file, row));
    } finally {
      unsent -= 1;
    }
  }

  // A file's slot, and the file sent to the bucket with it; null when it is refused unsent.
  async function send(file, { status, settle }) {
    // Offline, a file would only fail, and every one waiting behind it: they wait for the
    // connection instead, in their order, and go when it is back.
    if (!navigator.onLine) {
      status.textContent = "waiting for the connection";
      await online();
    }
    status.textContent = "uploading…";
    let slot;
    try {
      slot = await api("uploads", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        // The API refuses a name with a space at either end, which a person could only fix by
        // renaming the file: the name is sent trimmed.
        body: JSON.stringify({ filename: file.name.trim() }),
      });
    } catch (error) {
      // A file of a format the archive does not read is refused before it is sent.
      if (error.status === 400) return settle(`rejected: ${error.message}`, "rejected");
      throw error;
    }
    // The slot says how much ingest reads of this format: a bigger file would be sent whole
    // only to be refused (by S3's policy, or by ingest), so it is refused here, unsent.
    if (slot.max_bytes != null && file.size > slot.max_bytes) {
      const over = `the file is ${file.size.toLocaleString("en")} bytes, over the limit of ${slot.max_bytes.toLocaleString("en")} bytes for this kind of file`;
      return settle(`rejected: ${over}`, "rejected");
    }
    await sendToBucket(slot, file);
    return slot;
  }

  // What a file of records left out, as its receipt records it: "; 2 of 5 records skipped:
  // record 1: ...; line 4: ...". The first three reasons: the status page has the rest.
  function skippedNote(receipt) {
    const skipped = receipt.skipped || 0;
    if (!skipped) return "";
    const listed = (receipt.skipped_records || []).slice(0, 3);
    const reasons = listed.map((r) => `${r.line != null ? `line ${r.line}` : `record ${r.record}`}: ${r.message}`);
    const more = skipped > listed.length ? "; …" : "";
    return `; ${skipped} of ${(receipt.articles || 0) + skipped} records skipped: ${reasons.join("; ")}${more}`;
  }

  // A presigned S3 upload: a POST policy (url + fields) or a PUT URL (url + headers).
  async function sendToBucket(slot, file) {
    const upload = slot.upload || {};
    let response;
    try {
      if (upload.fields) {
        const form = new FormData();
        for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
        form.append("file", file);
        response = await fetch(upload.url, { method: "POST", body: form });
      } else {
        response = await fetch(upload.url, { method: upload.method || "PUT", headers: upload.headers || {}, body: file });
      }
    } catch (_) {
      throw new ApiError(0, "could not reach the bucket: check the connection and try again");
    }
    if (!response.ok) {
      // S3 says why in an XML error's Message (an upload link that expired, a policy not met).
      const said = await response.text().then(
        (text) => new DOMParser().parseFromString(text, "application/xml").querySelector("Error > Message"),
        () => null,
      );
      const why = said && said.textContent.trim() ? `: ${said.textContent.trim()}` : "";
      throw new ApiError(response.status, `the bucket refused the file${why} (${response.status})`);
    }
  }

  // -- alerts: save the current search, list and delete saved ones ------------------------
  // The alert body: the search's own parameters (/search's names), lists for the filters.
  function alertBody(state, name, target) {
    const body = { name, target };
    if (state.q) body.q = state.q;
    if (state.in) body.in = state.in;
    for (const filter of FILTERS) if (state.filters[filter].length) body[filter] = state.filters[filter];
    if (state.from) body.from = state.from;
    if (state.to) body.to = state.to;
    if (state.hasDate) body.has_date = state.hasDate === "true";
    return body;
  }

  // The same alert asked for again (a double click, Save pressed again for the same search and
  // name) is sent with the same Idempotency-Key, so the API answers the alert it saved instead
  // of saving a second one that would fire twice for every match.
  function randomKey() {
    return [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function setupAlerts() {
    let asked = { body: "", key: "", saved: "" };
    let saving = false;
    $("alert-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      if (saving) return; // the click that started this save is being answered
      const saved = $("alert-saved");
      const body = JSON.stringify(alertBody(readState(), $("alert-name").value.trim(), $("alert-target").value));
      if (body !== asked.body) asked = { body, key: randomKey(), saved: "" };
      saving = true;
      saved.textContent = "saving…";
      try {
        const alert = await api("alerts", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": asked.key },
          body,
        });
        const again = `${alert.id} ${alert.created_at}` === asked.saved; // not one saved again since its deletion
        saved.replaceChildren(`${again ? "Already saved" : "Saved"} “`, names([alert.name]), "”: ");
        // A feed-only alert fires nothing: its feed is what to subscribe to.
        if (alert.target === "feed") saved.append(el("a", alertFeedLink(alert, "its feed")), " lists every new matching article.");
        else saved.append(again ? "the same search and name are one alert." : "it fires for every new matching article.");
        asked.saved = `${alert.id} ${alert.created_at}`;
        saved.dataset.alertId = alert.id;
        $("alert-name").value = "";
      } catch (error) {
        saved.textContent = `Not saved: ${error.message}.`;
      } finally {
        saving = false;
      }
    });
  }

  // A saved search as a page URL (the alert's search uses /search's names).
  function alertSearchUrl(search) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(search)) {
      for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
    }
    return `./?${params}`;
  }

  // The alert's feed_url is a path on this host, the API's stage included.
  function alertFeedLink(alert, text) {
    return { href: alert.feed_url, text, "aria-label": `Feed of ${alert.name}` };
  }

  // What each target does, in a person's words (the form's options say the same); the API's
  // value in brackets, as the docs and a service name it.
  const TARGET_WORDS = {
    event: "Notify our other systems (event)",
    webhook: "A web address we call (webhook)",
    feed: "Only a feed I follow (feed)",
  };

  function alertRow(alert) {
    const list = $("alerts");
    const remove = el("button", { type: "button", text: "Delete", "aria-label": `Delete the alert ${alert.name}` });
    remove.addEventListener("click", async () => {
      const place = [...list.children].findIndex((row) => row.dataset.id === alert.id);
      try {
        await api(`alerts/${encodeURIComponent(alert.id)}`, { method: "DELETE" });
      } catch (error) {
        // 404: deleted elsewhere since the list was shown; what was asked is done all the same.
        if (!(error instanceof ApiError && error.status === 404)) return showError(error);
      }
      renderAlerts({ name: alert.name, place }, alertPages);
    });
    return el(
      "li",
      { "data-id": alert.id },
      el("a", { href: alertSearchUrl(alert.search), text: alert.name, dir: "auto" }),
      " ",
      el("span", { class: "alert-target", text: TARGET_WORDS[alert.target] || alert.target }),
      " ",
      el("a", alertFeedLink(alert, "feed")),
      " ",
      remove,
    );
  }

  // The alerts come a page of ALERT_PAGE at a time, oldest first: "More alerts" adds the next,
  // so the last alerts of a long list can be reached (and deleted) too.
  const ALERT_PAGE = 50;
  let alertPages = 1;

  function alertsShown(total) {
    const shown = $("alerts").children.length;
    $("alerts-more").hidden = shown >= total;
    $("alerts-status").textContent = total
      ? `${total} alert${total === 1 ? "" : "s"}${total > shown ? `, the first ${shown} shown` : ""}`
      : "No alerts yet: search, then save the search as an alert.";
  }

  // After a deletion: what was deleted is said, and the focus goes to the Delete button now at
  // the deleted one's place (else the last one, else the heading), not back to the page's top.
  // The pages shown before are shown again, so a deletion on a later page stays on it.
  async function renderAlerts(deleted = null, pages = 1) {
    const list = $("alerts");
    const status = $("alerts-status");
    status.textContent = "loading…";
    try {
      let total = 0;
      const alerts = [];
      for (let page = 1; page <= pages; page++) {
        const result = await api(`alerts?size=${ALERT_PAGE}&page=${page}`);
        total = result.total;
        alerts.push(...result.alerts);
        if (alerts.length >= total) break;
      }
      showError(null); // an earlier view's error (a refused search) is not this list's
      alertPages = Math.max(1, Math.ceil(alerts.length / ALERT_PAGE));
      list.replaceChildren(...alerts.map(alertRow));
      alertsShown(total);
      if (deleted) {
        status.replaceChildren("Deleted “", names([deleted.name]), `”. ${status.textContent}`);
        const buttons = list.querySelectorAll("button");
        const next = buttons[Math.min(deleted.place, buttons.length - 1)];
        (next || $("alerts-heading")).focus();
      }
    } catch (error) {
      status.textContent = "";
      showError(error);
    }
  }

  function setupAlertsMore() {
    const more = $("alerts-more");
    more.addEventListener("click", async () => {
      // A second press before the answer would ask for the same page and list it twice.
      if (more.getAttribute("aria-disabled") === "true") return;
      more.setAttribute("aria-disabled", "true");
      try {
        const result = await api(`alerts?size=${ALERT_PAGE}&page=${alertPages + 1}`);
        showError(null); // a failed press before this one is made good
        alertPages += 1;
        const rows = result.alerts.map(alertRow);
        $("alerts").append(...rows);
        alertsShown(result.total);
        // The focus goes on to the first alert added, not back to the top or a hidden button.
        if (rows.length) rows[0].querySelector("a").focus();
      } catch (error) {
        showError(error);
      } finally {
        more.removeAttribute("aria-disabled");
      }
    });
  }

  // -- views ------------------------------------------------------------------------------
  let articleShown = "";

  function render() {
    const state = readState();
    const view = state.view === "upload" && !uploadsAvailable ? "search" : state.view;
    const left = articleShown;
    articleShown = view === "article" ? state.article : "";
    $("search-view").hidden = view !== "search";
    $("article-view").hidden = view !== "article";
    $("upload-view").hidden = view !== "upload";
    $("alerts-view").hidden = view !== "alerts";
    document.title =
      view === "upload" ? "Upload · archive-search" : view === "alerts" ? "Alerts · archive-search" : "archive-search";
    if (view === "search") {
      if (state.q) document.title = `${state.q} · archive-search`;
      renderSearch(state, left);
    } else if (view === "article") {
      renderArticle(state);
    } else if (view === "alerts") {
      renderAlerts();
    }
  }

  // The search with one setting changed, from its first page; the same setting again is no search.
  function searchWith(key, value) {
    if (value === readState()[key]) return;
    setSearch((state) => {
      state[key] = value;
      state.pages = 1;
    });
  }

  // A closed menu's arrow keys (and letters) choose every option on the way to the one wanted:
  // a choice made by keyboard is searched for once the keys rest, or at once on Enter or on
  // leaving the menu; a choice made with the pointer at once.
  function onChosen(menu, key) {
    let timer = 0;
    let keyed = false;
    const apply = () => {
      clearTimeout(timer);
      timer = 0;
      searchWith(key, menu.value);
    };
    menu.addEventListener("pointerdown", () => (keyed = false));
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && timer) apply();
      else if (event.key !== "Tab") keyed = true;
    });
    menu.addEventListener("change", () => {
      if (!keyed) return apply();
      clearTimeout(timer);
      timer = setTimeout(apply, KEYS_REST_MS);
    });
    menu.addEventListener("blur", () => timer && apply());
  }

  function setupSearchForm() {
    $("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      setSearch((state) => {
        state.q = $("q").value.trim();
        state.in = $("in").value;
        state.pages = 1;
      });
    });
    onChosen($("sort"), "sort");
    // A date field typed into has a date at every digit of its year (0002, 0020, 0202, 2023):
    // a date is searched for once its year has four digits, or when the field is left.
    for (const name of ["from", "to"]) {
      const field = $(name);
      field.addEventListener("change", () => {
        if (!field.value || Number(field.value.slice(0, 4)) >= 1000) searchWith(name, field.value);
      });
      field.addEventListener("blur", () => searchWith(name, field.value));
    }
    onChosen($("has-date"), "hasDate");
    $("clear-dates").addEventListener("click", () => setSearch((state) => {
      state.from = state.to = state.hasDate = "";
      state.pages = 1;
    }));
    // Links inside the page change the view without a reload.
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a");
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || url.pathname !== location.pathname) return;
      // A link to a place on this page (the skip link) only moves the focus there: followed, it
      // would change the URL and load the view again.
      if (url.hash && url.search === location.search) {
        event.preventDefault();
        const target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
        if (target) target.focus();
        return;
      }
      event.preventDefault();
      navigate(url.pathname + url.search);
      window.scrollTo(0, 0);
      $("main").focus();
    });
    // Back and Forward hide the view the focus was in: it moves to the main region shown, as
    // a link inside the page does, instead of falling to the top of the document.
    window.addEventListener("popstate", () => {
      render();
      const focused = document.activeElement;
      if (!focused || focused === document.body || focused.closest("[hidden]")) $("main").focus();
    });
  }

  // Escape closes the disclosure (query syntax, save as alert) the focus is in and gives the
  // focus back to its summary, the control that opened it, as a keyboard user expects.
  function setupEscape() {
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      const open = event.target instanceof Element ? event.target.closest("details[open]") : null;
      if (!open) return;
      open.open = false;
      open.querySelector("summary").focus();
    });
  }

  takeTokenFromFragment();
  setupEscape();
  setupSearchForm();
  setupHistogramDrag();
  setupHistogramKeys();
  setupUploads();
  setupAlerts();
  setupAlertsMore();
  render();
  detectUploads();
})();
