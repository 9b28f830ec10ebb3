/* The desk's enhancements. Every form works without them; with them:
 *  - the navigation folds behind a menu button on narrow screens;
 *  - a person field suggests people from the API's person search as one types
 *    (any name variant, any script, the call sign), chosen by mouse or keyboard;
 *  - a long <select> gets a filter box that finds an option by any of its names;
 *  - a date field gets a calendar button that fills in a whole day (the text
 *    still takes a year or a month where the record is partial);
 *  - on the org chart, "Open the bodies below" draws them in place (the link
 *    itself shows that part of the chart on a page of its own).
 * Served from our own origin: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";
  var words = {
    menu: document.documentElement.dataset.menuLabel || "Menu",
    pickDate: document.documentElement.dataset.pickDateLabel || "Choose a day",
    filter: document.documentElement.dataset.filterLabel || "Filter",
    none: document.documentElement.dataset.noMatchLabel || "No match"
  };
  var counter = 0;

  function nextId(prefix) {
    counter += 1;
    return prefix + "-" + counter;
  }

  /* -- the navigation behind a menu button ------------------------------------------- */
  // The page has a link to #site-menu (which CSS :target opens without scripts); it
  // becomes a button that opens and closes the menu in place.
  function foldNavigation() {
    var link = document.querySelector("a.menu-button");
    var menu = document.getElementById("site-menu");
    if (!link || !menu) return;
    var header = menu.parentNode;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "menu-button";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", menu.id);
    button.textContent = link.textContent || words.menu;
    link.parentNode.replaceChild(button, link);
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    }
    if (window.location.hash === "#" + menu.id) {
      // Opened by the link before the script ran: keep it open, under the button's control.
      history.replaceState(null, "", window.location.pathname + window.location.search);
      show(true);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }

  /* -- a list of suggestions under an input (ARIA combobox) --------------------------- */
  function Suggestions(input) {
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.id = nextId("suggestions");
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var items = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      items.forEach(function (item, n) {
        item.setAttribute("aria-selected", n === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }
    function show(choices, onChoose) {
      list.textContent = "";
      items = choices.map(function (choice) {
        var item = document.createElement("li");
        item.id = nextId("suggestion");
        item.setAttribute("role", "option");
        item.textContent = choice.label;
        if (choice.detail) {
          var detail = document.createElement("span");
          detail.className = "suggestions__detail";
          detail.textContent = choice.detail;
          item.appendChild(detail);
        }
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          onChoose(choice);
          close();
        });
        list.appendChild(item);
        return item;
      });
      if (!items.length) {
        var empty = document.createElement("li");
        empty.className = "suggestions__none";
        empty.textContent = words.none;
        list.appendChild(empty);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(items.length ? 0 : -1);
      this.choose = function () {
        if (active >= 0) {
          onChoose(choices[active]);
          close();
          return true;
        }
        return false;
      };
    }
    var self = this;
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (self.choose && self.choose()) event.preventDefault();
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
    this.show = show;
    this.close = close;
  }

  /* -- people, from the one person search of the API ---------------------------------- */
  function pickPeople(input) {
    var source = input.dataset.source;
    if (!source) return;
    // A field of several people (data-separator=";") suggests for the last name typed.
    var separator = input.dataset.separator || "";
    var suggestions = new Suggestions(input);
    var timer = null;
    var asked = 0;
    function typed() {
      if (!separator) return { before: "", query: input.value.trim() };
      var at = input.value.lastIndexOf(separator);
      return {
        before: at === -1 ? "" : input.value.slice(0, at + 1) + " ",
        query: input.value.slice(at + 1).trim()
      };
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var now = typed();
      if (now.query.length < 2) {
        suggestions.close();
        return;
      }
      timer = setTimeout(function () {
        var ticket = ++asked;
        var url = source + "?limit=8&q=" + encodeURIComponent(now.query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { items: [] };
          })
          .then(function (data) {
            if (ticket !== asked) return;
            var choices = (data.items || []).map(function (person) {
              return { label: person.name + " (" + person.id + ")", detail: "", value: person.id };
            });
            suggestions.show(choices, function (choice) {
              input.value = now.before + choice.label + (separator ? separator + " " : "");
              input.dispatchEvent(new Event("change", { bubbles: true }));
            });
          })
          .catch(function () {
            suggestions.close();
          });
      }, 200);
    });
  }

  /* -- a filter box over a long <select> ----------------------------------------------- */
  function filterSelect(select) {
    if (select.options.length < 8) return;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-filter";
    box.setAttribute("aria-label", words.filter + ": " + labelOf(select));
    box.setAttribute("placeholder", words.filter + " …");
    box.setAttribute("autocomplete", "off");
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var query = box.value.trim().toLocaleLowerCase(lang);
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var names = (option.textContent + " " + (option.dataset.names || "")).toLocaleLowerCase(lang);
        var match = !query || option.value === "" || names.indexOf(query) !== -1;
        option.hidden = !match;
        if (match && option.value && first === null) first = option;
      });
      if (first && !select.multiple && query) select.value = first.value;
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.focus();
      }
    });
  }

  function labelOf(element) {
    var label = element.id && document.querySelector('label[for="' + element.id + '"]');
    return label ? label.textContent.trim() : "";
  }

  /* -- a calendar button beside a date that may be partial ---------------------------- */
  function pickDate(input) {
    var picker = document.createElement("input");
    picker.type = "date";
    picker.className = "date-picker";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "date-button";
    button.setAttribute("aria-label", words.pickDate + ": " + labelOf(input));
    button.textContent = "📅";
    input.parentNode.insertBefore(button, input.nextSibling);
    input.parentNode.insertBefore(picker, button.nextSibling);
    button.addEventListener("click", function () {
      if (/^\d{4}-\d{2}-\d{2}$/.test(input.value)) picker.value = input.value;
      if (picker.showPicker) {
        try {
          picker.showPicker();
          return;
        } catch (error) {
          /* fall through to focusing the field */
        }
      }
      input.focus();
    });
    picker.addEventListener("change", function () {
      if (picker.value) {
        input.value = picker.value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  /* -- a step whose choices follow its body refreshes itself when the body changes ----- */
  function refreshOnChange(button) {
    var step = button.closest("fieldset");
    var body = step && step.querySelector('select[name$="-body"]');
    if (!body) return;
    body.addEventListener("change", function () {
      var form = button.form;
      // Come back to this step, not to the top of the page.
      form.action = window.location.pathname + window.location.search + "#" + step.id;
      button.click();
    });
  }

  /* -- the org chart: open the bodies below one in place ------------------------------ */
  // A large chart is drawn down to a few levels; a body whose children are not drawn has a
  // link to the chart below it. With scripts, the link fetches that part as a fragment
  // (data-fragment) and draws it under the body; on any failure the link is followed.
  function openChartPart(event) {
    var link = event.target.closest && event.target.closest("a.node__open[data-fragment]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var item = link.closest("li.tree__item");
    if (!item || !window.fetch) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    window.fetch(link.dataset.fragment, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html;
        item.appendChild(holder.content);
        link.setAttribute("aria-expanded", "true");
        link.removeAttribute("aria-busy");
        link.hidden = true;
      })
      .catch(function () {
        window.location.href = link.href;
      });
  }

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll('button[name="refresh"]'), refreshOnChange);
    Array.prototype.forEach.call(root.querySelectorAll('input[data-picker="people"]'), pickPeople);
    Array.prototype.forEach.call(root.querySelectorAll('select[data-picker="select"]'), filterSelect);
    Array.prototype.forEach.call(root.querySelectorAll("input[data-partial-date]"), pickDate);
  }

  window.chapterhouseDesk = { enhance: enhance };
  foldNavigation();
  document.addEventListener("click", openChartPart);
  enhance(document);
})();
