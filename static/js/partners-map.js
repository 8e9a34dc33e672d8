/*
 * The partners map (/partners/) and a partner's small map (/partners/<slug>/).
 *
 * Progressive enhancement: without this script /partners/ is a complete, paginated, filterable
 * list. With it, the map shows every partner matching the filters as clustered markers (from
 * /partners.geojson with the page's own query string), and changing a filter updates the map and
 * swaps in the server-rendered list without reloading the page. Tiles that fail to load leave the
 * markers and the list working. Partner data reaches the page only through textContent.
 */
(function () {
  "use strict";

  var WORLD = { center: [20, 0], zoom: 2 };

  function readConfig() {
    var element = document.getElementById("partners-map-config");
    return element ? JSON.parse(element.textContent) : null;
  }

  function markerIcon(config) {
    // Explicit URLs: Leaflet's own guess breaks on fingerprinted static file names.
    return L.icon({
      iconUrl: config.icon.iconUrl,
      iconRetinaUrl: config.icon.iconRetinaUrl,
      shadowUrl: config.icon.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41]
    });
  }

  function addTiles(map, config, onFailure) {
    // A provider with high-resolution tiles says so with {r} in its URL ("@2x" on a dense screen).
    // Without it (OpenStreetMap's), a dense screen gets the next zoom level's tiles at half size:
    // sharp rather than blurry, with smaller labels.
    var layer = L.tileLayer(config.tileUrl, {
      attribution: config.attribution,
      maxZoom: 19,
      detectRetina: config.tileUrl.indexOf("{r}") === -1,
    });
    var reported = false;
    // A failed tile is swallowed: the markers and the list do not depend on the background.
    layer.on("tileerror", function () {
      if (!reported) {
        reported = true;
        if (onFailure) {
          onFailure();
        }
      }
    });
    layer.addTo(map);
    return layer;
  }

  // Wheel zoom only once the visitor has chosen the map, so scrolling the page never gets stuck.
  function wheelZoomOnFocus(map) {
    map.scrollWheelZoom.disable();
    map.on("focus click", function () {
      map.scrollWheelZoom.enable();
    });
    map.on("blur", function () {
      map.scrollWheelZoom.disable();
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // The GeoJSON's properties are compact: the page of a partner is its slug in the URL pattern the
  // page hands over, and country names come once, in the collection's `countries`.
  function popupContent(properties, countryNames, detailUrl) {
    var url = detailUrl.replace("__slug__", encodeURIComponent(properties.slug));
    var root = element("div", "partner-popup");
    var title = element("p", "partner-popup-name");
    var link = element("a", "", properties.name);
    link.href = url;
    title.appendChild(link);
    root.appendChild(title);
    root.appendChild(element("p", "partner-popup-place", [properties.city, countryNames[properties.country]].filter(Boolean).join(", ")));
    if (properties.certified) {
      root.appendChild(element("p", "", "")).appendChild(element("span", "badge partner-badge", "NMT certified"));
    }
    var more = element("a", "partner-popup-more", "View details");
    more.href = url;
    more.setAttribute("aria-label", "View details of " + properties.name);
    root.appendChild(element("p", "mb-0", "")).appendChild(more);
    return root;
  }

  // markercluster's own icon, plus a name for screen readers ("12 partners here: select to zoom in").
  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = element("div", "", "");
    inner.appendChild(element("span", "", String(count)));
    inner.appendChild(element("span", "visually-hidden", " partners here: select to zoom in"));
    return L.divIcon({ html: inner, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
  }

  function initDirectory(config) {
    var wrap = document.getElementById("partners-map-wrap");
    var container = document.getElementById("partners-map");
    var form = document.getElementById("partner-filters");
    var status = document.getElementById("partners-map-status");
    if (typeof L === "undefined" || typeof L.markerClusterGroup !== "function") {
      wrap.hidden = true; // no map to show: the list stays as it is
      return;
    }

    var map = L.map(container, { worldCopyJump: true }).setView(WORLD.center, WORLD.zoom);
    wheelZoomOnFocus(map);
    addTiles(map, config, function () {
      status.textContent = "The map background could not be loaded. The markers and the list below still work.";
    });
    var icon = markerIcon(config);
    var chunksLoaded = function () {};
    var cluster = L.markerClusterGroup({
      chunkedLoading: true,
      chunkProgress: function (processed, total) {
        if (processed === total) {
          chunksLoaded();
        }
      },
      showCoverageOnHover: false,
      iconCreateFunction: clusterIcon,
    });
    map.addLayer(cluster);

    // Resolves once every marker is in the cluster layer (it adds thousands in chunks).
    function addMarkers(layers) {
      return new Promise(function (resolve) {
        chunksLoaded = resolve;
        cluster.addLayers(layers);
      });
    }

    // Moves the view with `move` and resolves once it is at rest: the pan or zoom has ended
    // (Leaflet's moveend, fired even when nothing moved) and so has the cluster layer's animation
    // that follows a zoom (its animationend). A click before that can land on a cluster that is about
    // to be replaced, or start a zoom that Leaflet drops because another one is under way.
    function moveAndSettle(move) {
      return new Promise(function (resolve) {
        function settled() {
          if (L.DomUtil.hasClass(map.getPane("mapPane"), "leaflet-cluster-anim")) {
            cluster.once("animationend", settled);
          } else {
            resolve();
          }
        }
        map.once("moveend", settled);
        move();
      });
    }
    var markers = {};
    var latest = { geojson: 0, list: 0 };

    function showOnMap(slug) {
      var marker = markers[slug];
      if (!marker) {
        return;
      }
      container.scrollIntoView({ behavior: "smooth", block: "center" });
      cluster.zoomToShowLayer(marker, function () {
        marker.openPopup();
        // The focus follows into the popup, so a keyboard or screen-reader user lands on the partner
        // asked for instead of having to tab back through the map to find it.
        var popup = marker.getPopup().getElement();
        var link = popup && popup.querySelector(".partner-popup-name a");
        if (link) {
          link.focus({ preventScroll: true });
        }
      });
    }

    // Each listed partner that is on the map gets a "Show on map" button.
    function enhanceList() {
      var items = document.querySelectorAll("#partner-results .partner-card[data-slug]");
      Array.prototype.forEach.call(items, function (item) {
        var slug = item.getAttribute("data-slug");
        if (!markers[slug] || item.querySelector(".partner-show-on-map")) {
          return;
        }
        var name = item.querySelector("h3").textContent;
        var button = element("button", "btn btn-sm btn-outline-primary partner-show-on-map d-block", "Show on map");
        button.type = "button";
        button.setAttribute("aria-label", "Show on map: " + name);
        button.addEventListener("click", function () {
          showOnMap(slug);
        });
        item.querySelector(".partner-card-body").appendChild(button);
      });
    }

    function loadMarkers(query) {
      var request = ++latest.geojson;
      container.setAttribute("aria-busy", "true");
      container.removeAttribute("data-markers");
      return fetch(config.geojsonUrl + query, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("GeoJSON answered " + response.status);
          }
          return response.json();
        })
        .then(function (collection) {
          if (request !== latest.geojson) {
            return; // a newer filter has been applied meanwhile
          }
          cluster.clearLayers();
          markers = {};
          var layers = collection.features.map(function (feature) {
            var coordinates = feature.geometry.coordinates; // [longitude, latitude]
            var properties = feature.properties;
            var marker = L.marker([coordinates[1], coordinates[0]], { icon: icon, title: properties.name, alt: properties.name });
            marker.bindPopup(function () {
              return popupContent(properties, collection.countries || {}, config.detailUrl);
            });
            markers[properties.slug] = marker;
            return marker;
          });
          var added = addMarkers(layers); // in chunks, so the page stays responsive with thousands
          var moved = moveAndSettle(function () {
            if (layers.length) {
              var bounds = L.latLngBounds(
                layers.map(function (marker) {
                  return marker.getLatLng();
                })
              );
              map.fitBounds(bounds, { padding: [30, 30], maxZoom: 10 });
            } else {
              map.setView(WORLD.center, WORLD.zoom);
            }
          });
          return Promise.all([added, moved]).then(function () {
            if (request !== latest.geojson) {
              return;
            }
            // data-markers is the map's state at rest: every marker in place, the view still.
            container.setAttribute("data-markers", String(layers.length));
            container.removeAttribute("aria-busy");
            enhanceList();
          });
        })
        .catch(function (error) {
          console.warn(error);
          container.removeAttribute("aria-busy");
          status.textContent = "The map could not load the partners. The list below is complete.";
        });
    }

    function clearErrors() {
      var summary = document.getElementById("form-errors");
      if (summary) {
        summary.remove();
      }
      form.querySelectorAll(".invalid-feedback").forEach(function (message) {
        message.remove();
      });
      form.querySelectorAll("[aria-invalid]").forEach(function (field) {
        field.classList.remove("is-invalid");
        field.removeAttribute("aria-invalid");
        field.removeAttribute("aria-describedby");
      });
    }

    function loadList(url, moveFocus) {
      var request = ++latest.list;
      var results = document.getElementById("partner-results");
      results.setAttribute("aria-busy", "true");
      return fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("The list answered " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          if (request !== latest.list) {
            return;
          }
          // The server renders the list; the parsed document is inert (no scripts run).
          var parsed = new DOMParser().parseFromString(html, "text/html");
          var fresh = parsed.getElementById("partner-results");
          var current = document.getElementById("partner-results");
          if (!fresh) {
            throw new Error("No list in the answer");
          }
          current.replaceWith(document.importNode(fresh, true));
          if (!parsed.getElementById("form-errors")) {
            clearErrors(); // the filters now applied are valid: the old error summary no longer holds
          }
          var heading = document.getElementById("results-heading");
          status.textContent = heading.textContent;
          enhanceList();
          if (moveFocus) {
            heading.focus();
          }
        })
        .catch(function () {
          window.location.assign(url); // fall back to an ordinary page load
        });
    }

    function formQuery() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (String(value).trim() !== "") {
          params.append(key, value);
        }
      });
      var query = params.toString();
      return query ? "?" + query : "";
    }

    function fillForm(search) {
      var params = new URLSearchParams(search);
      form.elements.q.value = params.get("q") || "";
      form.elements.country.value = params.get("country") || "";
      form.elements.kind.value = params.get("kind") || "";
      form.elements.certified.checked = params.has("certified");
    }

    function updateClearLink(query) {
      var clear = document.getElementById("partner-filters-clear");
      if (clear) {
        clear.hidden = query === "";
      }
    }

    function applyFilters() {
      var query = formQuery();
      var url = config.listUrl + query;
      if (url !== window.location.pathname + window.location.search) {
        window.history.pushState({ partners: true }, "", url);
      }
      updateClearLink(query);
      loadMarkers(query);
      loadList(url, false);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      applyFilters();
    });
    form.addEventListener("change", function (event) {
      if (event.target.name !== "q") {
        applyFilters(); // menus and the checkbox apply at once; the text waits for Enter or the button
      }
    });

    // Pages of the list change the list only: the map already shows every match.
    document.addEventListener("click", function (event) {
      var link = event.target.closest("#partner-results .partner-pagination a.page-link");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
        return;
      }
      event.preventDefault();
      window.history.pushState({ partners: true }, "", link.href);
      loadList(link.href, true);
    });

    window.addEventListener("popstate", function () {
      fillForm(window.location.search);
      updateClearLink(formQuery());
      loadMarkers(formQuery());
      loadList(window.location.pathname + window.location.search, false);
    });

    loadMarkers(formQuery());
  }

  function initDetail(config) {
    var container = document.getElementById("partner-map");
    if (typeof L === "undefined") {
      container.hidden = true;
      return;
    }
    var point = [config.point.lat, config.point.lng];
    var map = L.map(container).setView(point, config.approximate ? 12 : 14);
    wheelZoomOnFocus(map);
    addTiles(map, config, null);
    if (config.approximate) {
      // A practice is shown at city level: an area, not a door, in the portal's teal (tokens.css).
      var teal = getComputedStyle(document.documentElement).getPropertyValue("--nmt-primary").trim();
      L.circle(point, { radius: 1500, color: teal, weight: 2, fillOpacity: 0.15, interactive: false }).addTo(map);
    } else {
      L.marker(point, { icon: markerIcon(config), title: config.name, alt: config.name, keyboard: false }).addTo(map);
    }
  }

  // The map's style sheets, added to the head; `done` runs once all have loaded (or failed: a
  // map without its styles still works better than none).
  function loadStyles(urls, done) {
    var waiting = urls.length;
    if (!waiting) {
      done();
      return;
    }
    urls.forEach(function (url) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = url;
      link.onload = link.onerror = function () {
        waiting -= 1;
        if (waiting === 0) {
          done();
        }
      };
      document.head.appendChild(link);
    });
  }

  function init() {
    var config = readConfig();
    if (!config) {
      return;
    }
    loadStyles(config.styles || [], function () {
      if (document.getElementById("partners-map")) {
        initDirectory(config);
      } else if (document.getElementById("partner-map")) {
        initDetail(config);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
