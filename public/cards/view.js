/* The view side of MCP Apps (ext-apps spec 2026-01-26): JSON-RPC 2.0 over postMessage
   with the host. The view sends ui/initialize, applies the host context (theme, style
   variables, width, display mode), then ui/notifications/initialized; the host sends
   ui/notifications/tool-input and ui/notifications/tool-result, whose structuredContent
   is the REST answer (products) and is drawn with ProductCards. Links open through the
   host (ui/open-link): the sandboxed frame cannot navigate or open windows itself. */
(function () {
  "use strict";

  var PROTOCOL_VERSION = "2026-01-26";
  var NO_HOST_AFTER_MS = 4000;
  var root = document.getElementById("view");
  var pending = {};
  var nextId = 1;
  var context = {};
  var toolArguments = null;
  var lastResult = null;
  var connected = false;

  function post(message) {
    window.parent.postMessage(Object.assign({ jsonrpc: "2.0" }, message), "*");
  }

  function request(method, params) {
    var id = nextId++;
    return new Promise(function (resolve, reject) {
      pending[id] = { resolve: resolve, reject: reject };
      post({ id: id, method: method, params: params });
    });
  }

  function notify(method, params) {
    post({ method: method, params: params || {} });
  }

  function show(node) {
    root.replaceChildren.apply(root, [].concat(node));
  }

  // -- host context --------------------------------------------------------------------

  function applyContext(update) {
    context = Object.assign({}, context, update || {});
    var html = document.documentElement;
    if (context.theme === "light" || context.theme === "dark") html.setAttribute("data-theme", context.theme);
    var variables = (context.styles && context.styles.variables) || {};
    Object.keys(variables).forEach(function (name) {
      if (name.indexOf("--") === 0 && variables[name]) html.style.setProperty(name, variables[name]);
    });
    var size = context.containerDimensions || {};
    html.style.maxWidth = typeof size.maxWidth === "number" ? size.maxWidth + "px" : "";
    if (lastResult) renderResult(lastResult);
  }

  function layout() {
    return context.displayMode === "fullscreen" ? "grid" : "row";
  }

  // -- rendering -----------------------------------------------------------------------

  function query() {
    var args = toolArguments || {};
    return typeof args.q === "string" && args.q ? args.q : typeof args.name === "string" ? args.name : null;
  }

  function renderLoading() {
    var q = query();
    show([
      ProductCards.state("loading", q ? "Searching AliExpress for \u201c" + q + "\u201d\u2026" : "Loading products\u2026"),
      ProductCards.skeleton(3, { layout: layout() }),
    ]);
  }

  function errorText(result) {
    var texts = (result.content || [])
      .filter(function (block) { return block && block.type === "text" && block.text; })
      .map(function (block) { return block.text; });
    return texts.join(" ") || "The tool reported an error without a message.";
  }

  function summary(data, shown) {
    var parts = [];
    var q = query();
    if (typeof data.total === "number" && data.total > shown) {
      parts.push(shown + " of " + new Intl.NumberFormat(context.locale).format(data.total) + " results");
    } else {
      parts.push(shown + (shown === 1 ? " product" : " products"));
    }
    if (q) parts.push("for \u201c" + q + "\u201d");
    if (typeof data.page === "number" && data.page > 1) parts.push("(page " + data.page + ")");
    var line = parts.join(" ");
    if (Array.isArray(data.not_found) && data.not_found.length) {
      line += " \u00b7 not found: " + data.not_found.join(", ");
    }
    var p = document.createElement("p");
    p.className = "view-summary";
    p.textContent = line;
    return p;
  }

  function renderResult(result) {
    lastResult = result;
    if (result.isError) {
      show(ProductCards.state("error", "AliExpress could not answer", errorText(result)));
      return;
    }
    var data = result.structuredContent;
    if (data && Array.isArray(data.variants)) {  // get_variants
      show(ProductCards.variantPicker(data, { locale: context.locale }));
      return;
    }
    if (data && typeof data.ships === "boolean") {  // get_shipping
      var line = document.createElement("p");
      line.className = "pc-delivery view-delivery";
      line.textContent = ProductCards.deliveryLine(data, context.locale);
      show(line);
      return;
    }
    if (!data || !Array.isArray(data.products)) {
      show(ProductCards.state("error", "No product data in this result", errorText(result)));
      return;
    }
    if (!data.products.length) {
      var q = query();
      show(ProductCards.state("empty", "No products found", q ? "Nothing matched \u201c" + q + "\u201d. Try fewer or different words." : "This list is empty."));
      return;
    }
    show([
      summary(data, data.products.length),
      ProductCards.list(data.products, { layout: layout(), onOpen: openLink, locale: context.locale }),
    ]);
  }

  // -- actions -------------------------------------------------------------------------

  function openLink(url) {
    request("ui/open-link", { url: url }).catch(function () {
      if (window.openai && typeof window.openai.openExternal === "function") {
        window.openai.openExternal({ href: url });
        return;
      }
      var note = ProductCards.state("error", "The assistant did not open the link", url);
      root.insertBefore(note, root.firstChild);
    });
  }

  // -- messages from the host ----------------------------------------------------------

  var notifications = {
    "ui/notifications/tool-input": function (params) {
      toolArguments = (params && params.arguments) || {};
      if (!lastResult) renderLoading();
    },
    "ui/notifications/tool-result": function (params) {
      renderResult(params || {});
    },
    "ui/notifications/tool-cancelled": function (params) {
      show(ProductCards.state("empty", "Search cancelled", (params && params.reason) || null));
    },
    "ui/notifications/host-context-changed": applyContext,
  };

  var requests = {
    "ui/resource-teardown": function () { return {}; },
    ping: function () { return {}; },
  };

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    var message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (message.method === undefined && message.id in pending) {
      var call = pending[message.id];
      delete pending[message.id];
      if (message.error) call.reject(message.error);
      else call.resolve(message.result);
    } else if (message.method && message.id !== undefined) {
      var handler = requests[message.method];
      if (handler) post({ id: message.id, result: handler(message.params) });
      else post({ id: message.id, error: { code: -32601, message: "Method not found: " + message.method } });
    } else if (message.method && notifications[message.method]) {
      notifications[message.method](message.params);
    }
  });

  // The host sizes the frame to the content (ext-apps "Container Dimensions").
  var lastSize = "";
  new ResizeObserver(function () {
    var size = { width: Math.ceil(document.documentElement.scrollWidth), height: Math.ceil(document.documentElement.scrollHeight) };
    var key = size.width + "x" + size.height;
    if (connected && key !== lastSize) {
      lastSize = key;
      notify("ui/notifications/size-changed", size);
    }
  }).observe(document.documentElement);

  // -- start ---------------------------------------------------------------------------

  renderLoading();
  var noHost = setTimeout(function () {
    if (!connected && !lastResult) {
      show(ProductCards.state("empty", "Waiting for the assistant", "This view shows AliExpress product results inside an AI assistant that supports MCP Apps."));
    }
  }, NO_HOST_AFTER_MS);

  request("ui/initialize", {
    protocolVersion: PROTOCOL_VERSION,
    appInfo: { name: "aliexpress-product-cards", version: "1.0.0" },
    appCapabilities: { availableDisplayModes: ["inline", "fullscreen"] },
  }).then(function (result) {
    clearTimeout(noHost);
    connected = true;
    applyContext((result && result.hostContext) || {});
    notify("ui/notifications/initialized");
  }, function (error) {
    clearTimeout(noHost);
    show(ProductCards.state("error", "The assistant refused this view", (error && error.message) || String(error)));
  });

  // ChatGPT's older Apps SDK runtime also exposes the result as window.openai.toolOutput.
  if (window.openai && window.openai.toolOutput) {
    toolArguments = window.openai.toolInput || null;
    renderResult({ structuredContent: window.openai.toolOutput });
  }
})();
