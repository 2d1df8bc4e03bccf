#!/usr/bin/env bash
# Builds one AgriScore container image with podman (or docker: CONTAINER_ENGINE=docker). The one
# build script: the module's ContainerImagesTest and the GitLab pipeline's image-build job call
# it, so what is tested is what is published.
#
#   images/build.sh service|worker [--tag NAME:TAG] [--bundle DIR]...
#
# Needs the programs built first: ./mvnw -B -pl samples/deployment -am -DskipTests package
# (the service's target/scoring-service-<version>-exec.jar; this module's target/classes and
# target/image-lib). Each --bundle bakes a bundle directory into the image at /models/<name>,
# with labels pe.agriscore.bundle.<name>.version and .manifest-sha256 (the manifest's own
# checksum, which the SDK verifies at load); without any, bundles are mounted at /models.
#
# Environment: BASE_IMAGE (a JRE 17 image; default the Containerfile's eclipse-temurin:17-jre;
# base-image.sh makes one without a registry), VERSION (default the Maven project's), REVISION
# (default git HEAD), SOURCE (default $CI_PROJECT_URL, else the project's URL).
# Prints the image's name on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
repo=$(cd "$module/../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
engine=${CONTAINER_ENGINE:-podman}

usage() { echo "usage: $0 service|worker [--tag NAME:TAG] [--bundle DIR]..." >&2; exit 2; }
[ $# -ge 1 ] || usage
program=$1; shift
case "$program" in
  service) name=agriscore-scoring-service ;;
  worker) name=agriscore-kafka-worker ;;
  *) usage ;;
esac
version=${VERSION:-$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$repo/pom.xml")}
tag=localhost/$name:$version
bundles=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag=$2; shift 2 ;;
    --bundle) bundles+=("$(cd "$2" && pwd)"); shift 2 ;;
    *) usage ;;
  esac
done

ctx=$module/target/image-context/$program
rm -rf "$ctx"
mkdir -p "$ctx/tools/pe/agriscore/deployment/image" "$ctx/warmup" "$ctx/models"
classes=$module/target/classes
[ -d "$classes/pe/agriscore/deployment/image" ] || {
  echo "build.sh: $classes has no image tools: run ./mvnw -B -pl samples/deployment -am" \
    "-DskipTests package first" >&2; exit 1; }
cp "$classes"/pe/agriscore/deployment/image/HealthCheck*.class \
  "$classes"/pe/agriscore/deployment/image/ExtractNatives.class \
  "$ctx/tools/pe/agriscore/deployment/image/"
# The bundles whose engines have natives: opened once at build time to extract them.
cp -r "$repo/samples/models/farmer-mlp-tf" "$repo/samples/models/farmer-mlp-pt" "$ctx/warmup/"
case "$program" in
  service)
    jar=$repo/samples/scoring-service/target/scoring-service-$version-exec.jar
    [ -f "$jar" ] || { echo "build.sh: no $jar: build the service first" >&2; exit 1; }
    mkdir -p "$ctx/service"
    cp "$jar" "$ctx/service/app.jar" ;;
  worker)
    [ -d "$module/target/image-lib" ] || { echo "build.sh: no $module/target/image-lib:" \
      "run ./mvnw -B -pl samples/deployment -am -DskipTests package first" >&2; exit 1; }
    mkdir -p "$ctx/worker"
    cp -r "$classes" "$ctx/worker/classes"
    cp -r "$module/target/image-lib" "$ctx/worker/lib" ;;
esac

args=(build --format docker --file "$here/$program.Containerfile" --tag "$tag"
  --build-arg "VERSION=$version"
  --build-arg "REVISION=${REVISION:-$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)}"
  --build-arg "SOURCE=${SOURCE:-${CI_PROJECT_URL:-https://github.com/agriscore/agriscore}}")
[ -z "${BASE_IMAGE:-}" ] || args+=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
for b in "${bundles[@]}"; do
  manifest=$b/manifest.json
  [ -f "$manifest" ] || { echo "build.sh: $b is no bundle directory (no manifest.json)" >&2
    exit 1; }
  bundle=$(basename "$b")
  field() { sed -n "s/^  \"$1\" *: *\"\([^\"]*\)\".*/\1/p" "$manifest"; }
  sha=$(field manifestSha256)
  [[ "$sha" =~ ^[0-9a-f]{64}$ ]] || { echo "build.sh: $manifest has no manifestSha256" >&2
    exit 1; }
  cp -r "$b" "$ctx/models/$bundle"
  args+=(--label "pe.agriscore.bundle.$bundle.version=$(field version)"
    --label "pe.agriscore.bundle.$bundle.manifest-sha256=$sha")
done

echo "build.sh: building $tag from $ctx" >&2
previous=$("$engine" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
"$engine" "${args[@]}" "$ctx" >&2
# The image this tag named before (1.8 GB) goes, unless a container still uses it. Build cache
# layers stay: `podman image prune` removes them.
if [ -n "$previous" ] && [ "$previous" != "$("$engine" image inspect --format '{{.Id}}' "$tag")" ]
then
  "$engine" rmi "$previous" >/dev/null 2>&1 || true
fi
echo "$tag"
