#!/usr/bin/env bash
# Build the Family Help front-end assets into familyhelp/frontend/static/familyhelp/.
#
# Usage (from anywhere):  bash frontend/build.sh
#
# Needs Node.js and npm at build time only. The output is committed, so the
# Django application never needs Node. familyhelp.js in the output folder is
# hand-written source and is not touched by this script.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${FRONTEND_DIR}/.." && pwd)"
OUT_DIR="${REPO_ROOT}/familyhelp/frontend/static/familyhelp"

cd "${FRONTEND_DIR}"

# 1. Install the exact versions from package-lock.json. No package needs an
#    install script (sass's optional file watcher is not used by a one-off build).
if [[ -f package-lock.json ]]; then
  npm ci --ignore-scripts --no-audit --no-fund
else
  npm install --ignore-scripts --no-audit --no-fund
fi

GOVUK_DIST="node_modules/govuk-frontend/dist/govuk"
MOJ_DIST="node_modules/@ministryofjustice/frontend/moj"
HTMX_DIST="node_modules/htmx.org/dist"

mkdir -p "${OUT_DIR}"

# 2. Stylesheet: GOV.UK Frontend + MOJ Frontend + project styles, compressed.
#    Load path "." lets "node_modules/..." resolve (MOJ Frontend uses it too).
#    --quiet-deps hides deprecation warnings from the two design systems' Sass.
npx --no-install sass \
  --style=compressed \
  --no-source-map \
  --load-path=. \
  --quiet-deps \
  scss/familyhelp.scss "${OUT_DIR}/familyhelp.css"

# 3. JavaScript. The source-map comments are removed because the .map files are
#    not shipped (keeps the repository small and avoids 404s / collectstatic
#    look-ups for missing maps).
strip_source_map() {
  sed -e 's#//\# sourceMappingURL=[^[:space:]]*##' "$1" > "$2"
}
# GOV.UK Frontend: ES module build (export { initAll, ... }).
strip_source_map "${GOVUK_DIST}/govuk-frontend.min.js" "${OUT_DIR}/govuk-frontend.min.js"
# MOJ Frontend: ES module build (export { initAll, ... }), self-contained.
strip_source_map "${MOJ_DIST}/moj-frontend.min.js" "${OUT_DIR}/moj-frontend.min.js"
# htmx: classic script that defines window.htmx.
strip_source_map "${HTMX_DIST}/htmx.min.js" "${OUT_DIR}/htmx.min.js"

# 4. Assets: GOV.UK Frontend images and manifests (not the GDS Transport fonts,
#    Arial is used), plus the MOJ Frontend component icons the CSS refers to
#    (MOJ's crown / crest logotypes are left out: council branding).
rm -rf "${OUT_DIR}/assets"
mkdir -p "${OUT_DIR}/assets"
cp "${GOVUK_DIST}/assets/manifest.json" "${OUT_DIR}/assets/"
cp -R "${GOVUK_DIST}/assets/images" "${OUT_DIR}/assets/images"
if [[ -d "${GOVUK_DIST}/assets/rebrand" ]]; then
  cp -R "${GOVUK_DIST}/assets/rebrand" "${OUT_DIR}/assets/rebrand"
fi
cp "${MOJ_DIST}"/assets/images/icon-* "${OUT_DIR}/assets/images/"

# 5. Check: every image the CSS refers to exists (collectstatic with a manifest
#    storage would fail otherwise), and no GDS Transport font is used.
missing=0
while IFS= read -r url; do
  rel="${url#/static/familyhelp/}"
  if [[ ! -f "${OUT_DIR}/${rel}" ]]; then
    echo "build.sh: familyhelp.css refers to missing ${url}" >&2
    missing=1
  fi
done < <(grep -o 'url([^)]*)' "${OUT_DIR}/familyhelp.css" | sed -e 's/^url(//' -e 's/)$//' -e 's/^["'\'']//' -e 's/["'\'']$//' | grep '^/static/familyhelp/' | sort -u)
if grep -q 'GDS Transport' "${OUT_DIR}/familyhelp.css"; then
  echo "build.sh: familyhelp.css still mentions GDS Transport" >&2
  missing=1
fi
if [[ ${missing} -ne 0 ]]; then
  exit 1
fi

echo "Built into ${OUT_DIR#"${REPO_ROOT}"/}:"
(cd "${OUT_DIR}" && find . -type f | sort | sed 's#^\./#  #')
