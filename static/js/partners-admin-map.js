/*
 * The partner admin page's map: shows the latitude and longitude as a marker; a click on the
 * map (or dragging the marker) writes them into the fields, and typing them moves the marker.
 */
(function () {
  "use strict";

  function init() {
    var container = document.getElementById("partner-admin-map");
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var status = document.getElementById("partner-admin-map-status");
    if (!container || !latitude || !longitude || typeof L === "undefined") {
      return;
    }
    var data = container.dataset;
    var icon = L.icon({
      iconUrl: data.iconUrl,
      iconRetinaUrl: data.iconRetinaUrl,
      shadowUrl: data.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      shadowSize: [41, 41]
    });
    var map = L.map(container).setView([20, 0], 2);
    var tiles = L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 19 });
    tiles.on("tileerror", function () {}); // the picker works on a blank background too
    tiles.addTo(map);
    var marker = null;

    function fieldPoint() {
      var lat = parseFloat(latitude.value);
      var lng = parseFloat(longitude.value);
      if (isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        return [lat, lng];
      }
      return null;
    }

    function write(point) {
      latitude.value = point.lat.toFixed(6);
      longitude.value = point.lng.toFixed(6);
      status.textContent = "Latitude " + latitude.value + ", longitude " + longitude.value + ". Save to keep them.";
    }

    function place(point, centre) {
      if (!point) {
        if (marker) {
          map.removeLayer(marker);
          marker = null;
        }
        return;
      }
      if (!marker) {
        marker = L.marker(point, { icon: icon, draggable: true, title: "Partner location", alt: "Partner location" });
        marker.on("dragend", function () {
          write(marker.getLatLng().wrap());
        });
        marker.addTo(map);
      } else {
        marker.setLatLng(point);
      }
      if (centre) {
        map.setView(point, Math.max(map.getZoom(), 13));
      }
    }

    map.on("click", function (event) {
      var point = event.latlng.wrap(); // longitudes stay within −180..180
      write(point);
      place([point.lat, point.lng], false);
    });
    [latitude, longitude].forEach(function (field) {
      field.addEventListener("change", function () {
        place(fieldPoint(), true);
      });
    });
    place(fieldPoint(), true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
