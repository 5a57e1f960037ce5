/* Product cards: the one card component shared by the landing page (public/index.html)
   and the MCP Apps view (public/cards/view.html, inlined by the MCP function).
   A product is the contract's product shape (CONTRACT §2); every field may be null.
   Data is only ever written with textContent and http(s) URLs: nothing from a product
   is parsed as HTML. Defines window.ProductCards. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function httpUrl(value) {
    return typeof value === "string" && /^https?:\/\//i.test(value) ? value : null;
  }

  /* "12.34" + "USD" -> "$12.34" in the reader's locale; the amount as sent if unusable. */
  function formatMoney(money, locale) {
    if (!money || money.amount == null) return null;
    var amount = Number(money.amount);
    if (money.currency && isFinite(amount)) {
      try {
        return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency }).format(amount);
      } catch (error) {
        /* an unknown currency code: fall through to the plain form */
      }
    }
    return [money.amount, money.currency].filter(Boolean).join(" ");
  }

  function formatCount(value, locale) {
    return typeof value === "number" ? new Intl.NumberFormat(locale).format(value) : null;
  }

  /* Copy text; the async clipboard API is often denied in sandboxed frames, so fall
     back to a selected textarea and execCommand. Resolves true when it worked. */
  function copyText(text) {
    function fallback() {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (error) { done = false; }
      area.remove();
      return done;
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, fallback);
    }
    return Promise.resolve(fallback());
  }

  function media(product) {
    var box = el("div", "pc-media");
    var src = httpUrl(product.image_url);
    var label = product.title ? "Photo: " + product.title : "Product photo";
    function placeholder() {
      var none = el("div", "pc-noimage", "No photo available");
      none.setAttribute("role", "img");
      none.setAttribute("aria-label", "No photo available");
      return none;
    }
    if (src) {
      var img = el("img");
      img.src = src;
      img.alt = label;
      img.loading = "lazy";
      img.decoding = "async";
      img.referrerPolicy = "no-referrer";
      img.addEventListener("error", function () { img.replaceWith(placeholder()); });
      box.appendChild(img);
    } else {
      box.appendChild(placeholder());
    }
    if (typeof product.discount_percent === "number" && product.discount_percent > 0) {
      var badge = el("span", "pc-badge", "\u2212" + product.discount_percent + "%");
      badge.setAttribute("aria-hidden", "true");
      box.appendChild(badge);
    }
    return box;
  }

  function price(product, locale) {
    var row = el("div", "pc-price");
    var now = formatMoney(product.price, locale);
    row.appendChild(el("span", "pc-now", now || "Price not available"));
    var was = formatMoney(product.original_price, locale);
    if (was && now && was !== now) {
      var struck = el("s", "pc-was", was);
      var off = typeof product.discount_percent === "number" && product.discount_percent > 0
        ? ", " + product.discount_percent + "% off" : "";
      struck.setAttribute("aria-label", "was " + was + off);
      row.appendChild(struck);
    }
    return row;
  }

  function stats(product, locale) {
    var row = el("div", "pc-stats");
    if (typeof product.rating_percent === "number") {
      var rating = el("span", "pc-rating", product.rating_percent + "% positive");
      rating.title = "Share of positive buyer ratings";
      row.appendChild(rating);
    }
    var orders = formatCount(product.orders, locale);
    if (orders != null) row.appendChild(el("span", "pc-orders", orders + " sold"));
    return row.childNodes.length ? row : null;
  }

  function promo(code, copy) {
    if (!code || !code.code) return null;
    var box = el("div", "pc-promo");
    var label = el("span", "pc-promo-code", code.code);
    label.setAttribute("aria-label", "Promo code " + code.code);
    var button = el("button", "pc-copy", "Copy");
    button.type = "button";
    button.setAttribute("aria-label", "Copy promo code " + code.code);
    button.addEventListener("click", function () {
      Promise.resolve(copy(code.code)).then(function (done) {
        button.textContent = done ? "Copied" : "Select & copy";
        if (done) button.setAttribute("data-copied", "");
        if (!done) window.getSelection().selectAllChildren(label);
      });
    });
    box.appendChild(label);
    box.appendChild(button);
    var terms = [];
    if (code.value) terms.push(code.value + " off");
    if (code.min_spend) terms.push("orders over " + code.min_spend);
    if (code.ends_at) terms.push("until " + code.ends_at);
    if (code.remaining) terms.push(code.remaining + " left");
    box.appendChild(el("span", "pc-promo-terms", terms.length ? terms.join(" \u00b7 ") : "Promo code: enter it at checkout"));
    return box;
  }

  /* A Shipping answer (get_shipping) -> "Free shipping to DE · 7–12 days",
     "Shipping to DE €2.75 · 7–12 days" or "Does not ship to JP"; null when nothing is known. */
  function deliveryLine(shipping, locale) {
    if (!shipping || typeof shipping.ships !== "boolean") return null;
    var to = shipping.ship_to || "";
    if (!shipping.ships) return "Does not ship to " + to;
    var fee = formatMoney(shipping.fee, locale);
    var line = shipping.free_shipping ? "Free shipping to " + to
      : fee ? "Shipping to " + to + " " + fee : "Ships to " + to;
    var low = shipping.min_delivery_days, high = shipping.max_delivery_days;
    if (typeof low === "number" && typeof high === "number") {
      line += " · " + (low === high ? low : low + "–" + high) + " days";
    }
    return line;
  }

  /* The card's delivery line: a product's attached shipping answer, else its days. */
  function delivery(product, locale) {
    var line = deliveryLine(product.shipping, locale);
    if (!line && typeof product.delivery_days === "number") {
      line = "Delivery in about " + product.delivery_days + " days";
    }
    if (!line) return null;
    var row = el("div", "pc-delivery", line);
    if (product.shipping && product.shipping.ships === false) row.setAttribute("data-no-shipping", "");
    return row;
  }

  function action(product, onOpen) {
    var href = httpUrl(product.affiliate_url) || httpUrl(product.url);
    if (!href) return null;
    var link = el("a", "pc-action");
    link.appendChild(el("span", "pc-action-long", "View on AliExpress"));
    link.appendChild(el("span", "pc-action-short", "View deal"));
    link.title = "Opens the product on AliExpress";
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener sponsored";
    if (onOpen) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        onOpen(href);
      });
    }
    return link;
  }

  /* One product -> <article class="pc-card">.
     options.onOpen(url): open links through a host (the view); default: a plain link.
     options.copy(text) -> Promise<boolean>: how to copy a promo code. */
  function card(product, options) {
    options = options || {};
    var locale = options.locale;
    var article = el("article", "pc-card");
    article.setAttribute("data-product-id", product.id || "");
    article.appendChild(media(product));
    var body = el("div", "pc-body");
    body.appendChild(el("h3", "pc-title", product.title || "Untitled product"));
    body.appendChild(price(product, locale));
    var numbers = stats(product, locale);
    if (numbers) body.appendChild(numbers);
    var shipping = delivery(product, locale);
    if (shipping) body.appendChild(shipping);
    if (product.shop && product.shop.name) body.appendChild(el("div", "pc-shop", "Sold by " + product.shop.name));
    var code = promo(product.promo_code, options.copy || copyText);
    if (code) body.appendChild(code);
    var open = action(product, options.onOpen);
    if (open) body.appendChild(open);
    article.appendChild(body);
    return article;
  }

  /* Products -> <ul class="pc-list">; options.layout "row" scrolls sideways. */
  function list(products, options) {
    options = options || {};
    var ul = el("ul", "pc-list" + (options.layout === "row" ? " pc-list--row" : ""));
    ul.setAttribute("role", "list");
    products.forEach(function (product) {
      var li = el("li");
      li.appendChild(card(product, options));
      ul.appendChild(li);
    });
    return ul;
  }

  /* A loading, empty or error panel: kind is "loading", "empty" or "error". */
  function state(kind, title, detail) {
    var box = el("div", "pc-state pc-state--" + kind);
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.appendChild(el("strong", null, title));
    if (detail) box.appendChild(el("span", null, detail));
    return box;
  }

  function skeleton(count, options) {
    var ul = el("ul", "pc-list" + (options && options.layout === "row" ? " pc-list--row" : ""));
    ul.setAttribute("aria-hidden", "true");
    for (var i = 0; i < count; i++) {
      var li = el("li");
      var article = el("article", "pc-card pc-skeleton");
      article.appendChild(el("div", "pc-media"));
      var body = el("div", "pc-body");
      ["90%", "60%", "40%"].forEach(function (width) {
        var line = el("div", "pc-line");
        line.style.width = width;
        body.appendChild(line);
      });
      article.appendChild(body);
      li.appendChild(article);
      ul.appendChild(li);
    }
    return ul;
  }

  /* get_variants' answer -> a picker: one <select> per attribute; the matching SKU's
     price, stock and ID below it. Values no SKU combines with the others still show,
     and an unmatched choice says so rather than showing a wrong price. */
  function variantPicker(listing, options) {
    options = options || {};
    var locale = options.locale;
    var box = el("section", "pc-variants");
    box.setAttribute("aria-label", "Choose a variant");
    var variants = Array.isArray(listing.variants) ? listing.variants : [];
    var attrs = Array.isArray(listing.options) ? listing.options : [];
    var chosen = {};
    var result = el("div", "pc-variant-result");
    result.setAttribute("role", "status");
    function valueOf(variant, name) {
      var found = (variant.attributes || []).filter(function (a) { return a.name === name; })[0];
      return found ? found.value : null;
    }
    function update() {
      var match = variants.filter(function (variant) {
        return attrs.every(function (option) { return valueOf(variant, option.name) === chosen[option.name]; });
      })[0];
      result.replaceChildren();
      if (!match) {
        result.appendChild(el("span", "pc-variant-none", "This combination is not offered"));
        return;
      }
      result.setAttribute("data-sku-id", match.sku_id);
      result.appendChild(el("span", "pc-now", formatMoney(match.price, locale) || "Price not available"));
      var was = formatMoney(match.original_price, locale);
      if (was && was !== formatMoney(match.price, locale)) result.appendChild(el("s", "pc-was", was));
      if (match.available === false) result.appendChild(el("span", "pc-soldout", "Sold out"));
      else if (typeof match.stock === "number") result.appendChild(el("span", "pc-stock", match.stock + " in stock"));
    }
    attrs.forEach(function (option) {
      var label = el("label", "pc-variant-option");
      label.appendChild(el("span", null, option.name));
      var select = el("select");
      select.name = option.name;
      (option.values || []).forEach(function (value) {
        var item = el("option", null, value);
        item.value = value;
        select.appendChild(item);
      });
      chosen[option.name] = (option.values || [])[0];
      select.addEventListener("change", function () { chosen[option.name] = select.value; update(); });
      label.appendChild(select);
      box.appendChild(label);
    });
    if (!attrs.length) box.appendChild(el("p", "pc-variant-single", "One variant only"));
    box.appendChild(result);
    update();
    return box;
  }

  window.ProductCards = {
    deliveryLine: deliveryLine,
    variantPicker: variantPicker,
    card: card,
    list: list,
    state: state,
    skeleton: skeleton,
    copyText: copyText,
    formatMoney: formatMoney,
  };
})();
