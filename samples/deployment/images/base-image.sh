#!/usr/bin/env bash
# Makes the local JRE base image the images are built on where none can be pulled: Debian
# bookworm with openjdk-17-jre-headless and ca-certificates, from Debian's packages by mmdebstrap,
# imported into podman as localhost/agriscore-base-jre17:<key>. The key is a digest of the recipe
# (suite, packages, this script), so a rerun finds the image and builds nothing; a changed recipe
# builds a new one. Prints the image's name on stdout (the build's BASE_IMAGE).
#
#   samples/deployment/images/base-image.sh      # then: BASE_IMAGE=$(...) images/build.sh ...
#
# In the real world the base is a public JRE image (build.sh's default, eclipse-temurin:17-jre)
# or the bank's own; this script is for machines without a registry.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}

suite=bookworm
packages=ca-certificates,openjdk-17-jre-headless
key=$( { echo "$suite $packages"; cat "$0"; } | sha256sum | cut -c1-16)
image=localhost/agriscore-base-jre17:$key

# One build at a time on a machine (two test runs at once would both build it).
exec 9>"${TMPDIR:-/tmp}/agriscore-base-image.lock"
flock 9
if podman image exists "$image"; then
  echo "base-image: $image is there (recipe unchanged)" >&2
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "base-image: building $image with mmdebstrap ($suite: $packages)" >&2
  mmdebstrap --quiet --variant=apt --include="$packages" "$suite" "$work/base.tar" >&2
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    "$work/base.tar" "$image" >&2
fi
echo "$image"
