#!/usr/bin/env bash
# Refresh the vendored front-end libraries in static/vendor/ (and axe-core for the browser tests)
# from the npm registry. Versions are pinned here; change them, run this, commit the result.
set -euo pipefail
BOOTSTRAP=5.3.9 LEAFLET=1.9.4 MARKERCLUSTER=1.5.3 AXE=4.14.1 FONTSOURCE=5.3.1
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent "bootstrap@$BOOTSTRAP" "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" "axe-core@$AXE" \
  "@fontsource/source-sans-3@$FONTSOURCE" "@fontsource/source-serif-4@$FONTSOURCE"
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
# The brand typefaces (SIL Open Font License): Latin and Latin Extended, WOFF2 only, in the weights
# static/css/fonts.css declares. Every browser the portal supports reads WOFF2.
fonts="$v/fontsource-$FONTSOURCE"
rm -rf "$fonts"
for family in source-sans-3:400-normal,400-italic,600-normal source-serif-4:600-normal; do
  name=${family%%:*}
  mkdir -p "$fonts/$name"
  cp "$n/@fontsource/$name/LICENSE" "$fonts/$name/"
  IFS=, read -ra styles <<< "${family#*:}"
  for style in "${styles[@]}"; do
    for subset in latin latin-ext; do
      cp "$n/@fontsource/$name/files/$name-$subset-$style.woff2" "$fonts/$name/"
    done
  done
done
echo "Vendored Bootstrap $BOOTSTRAP, Leaflet $LEAFLET, markercluster $MARKERCLUSTER, axe-core $AXE, Fontsource $FONTSOURCE"
