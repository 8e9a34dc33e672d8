#!/usr/bin/env bash
# Refresh the vendored front-end libraries in static/vendor/ (and axe-core for the browser tests)
# from the npm registry. Versions are pinned here; change them, run this, commit the result.
set -euo pipefail
BOOTSTRAP=5.3.9 LEAFLET=1.9.4 MARKERCLUSTER=1.5.3 AXE=4.14.1
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent "bootstrap@$BOOTSTRAP" "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" "axe-core@$AXE"
n=node_modules
v="$root/static/vendor"
rm -rf "$v/bootstrap-$BOOTSTRAP" "$v/leaflet-$LEAFLET" "$v/leaflet.markercluster-$MARKERCLUSTER"
mkdir -p "$v/bootstrap-$BOOTSTRAP/css" "$v/bootstrap-$BOOTSTRAP/js" "$v/leaflet-$LEAFLET" "$v/leaflet.markercluster-$MARKERCLUSTER"
cp $n/bootstrap/dist/css/bootstrap.min.css{,.map} "$v/bootstrap-$BOOTSTRAP/css/"
cp $n/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} "$v/bootstrap-$BOOTSTRAP/js/"
cp $n/bootstrap/LICENSE "$v/bootstrap-$BOOTSTRAP/"
cp -r $n/leaflet/dist/{leaflet.js,leaflet.js.map,leaflet.css,images} $n/leaflet/LICENSE "$v/leaflet-$LEAFLET/"
cp $n/leaflet.markercluster/dist/{MarkerCluster.css,MarkerCluster.Default.css,leaflet.markercluster.js,leaflet.markercluster.js.map} \
   $n/leaflet.markercluster/MIT-LICENCE.txt "$v/leaflet.markercluster-$MARKERCLUSTER/"
mkdir -p "$root/tests/browser/assets/axe-core-$AXE"
cp $n/axe-core/{axe.min.js,LICENSE} "$root/tests/browser/assets/axe-core-$AXE/"
echo "Vendored Bootstrap $BOOTSTRAP, Leaflet $LEAFLET, markercluster $MARKERCLUSTER, axe-core $AXE"
