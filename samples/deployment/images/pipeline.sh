#!/usr/bin/env bash
# The GitLab pipeline's image stages (samples/deployment/ci/.gitlab-ci.yml), kept here so that the
# pipeline, this repository's CI (.ci/run) and the tests build images with the same build.sh and
# test them with the same ContainerImagesTest:
#
#   pipeline.sh build     build both images (build.sh) and push them as :$CI_COMMIT_SHA
#   pipeline.sh test      pull those and run ContainerImagesTest against them (not rebuilt)
#   pipeline.sh publish   copy them, unchanged (same digest), to :<project version> with skopeo
#
# Environment (GitLab sets the CI_ ones): CI_REGISTRY_IMAGE (where images go), CI_COMMIT_SHA,
# CI_REGISTRY, CI_REGISTRY_USER, CI_REGISTRY_PASSWORD (login; skipped without CI_REGISTRY),
# BASE_IMAGE (optional: the bank's JRE 17 image), BAKE_BUNDLES (optional: bundle directories to
# bake into the service image, separated by spaces; default none: mounted at /models).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
stage=${1:?usage: pipeline.sh build|test|publish}
registry=${CI_REGISTRY_IMAGE:?CI_REGISTRY_IMAGE names the registry path the images go to}
candidate=${CI_COMMIT_SHA:?CI_COMMIT_SHA tags the images between the stages}
service=$registry/agriscore-scoring-service
worker=$registry/agriscore-kafka-worker

login() {
  if [ -n "${CI_REGISTRY:-}" ]; then
    echo "$CI_REGISTRY_PASSWORD" | podman login --username "$CI_REGISTRY_USER" --password-stdin \
      "$CI_REGISTRY"
  fi
}

cd "$repo"
case "$stage" in
  build)
    ./mvnw -B -pl samples/deployment -am -DskipTests package
    bake=()
    for b in ${BAKE_BUNDLES:-}; do bake+=(--bundle "$b"); done
    bash "$here/build.sh" service --tag "$service:$candidate" "${bake[@]}"
    bash "$here/build.sh" worker --tag "$worker:$candidate"
    login
    podman push "$service:$candidate"
    podman push "$worker:$candidate"
    ;;
  test)
    login
    podman pull "$service:$candidate"
    podman pull "$worker:$candidate"
    AGRISCORE_TEST_SERVICE_IMAGE=$service:$candidate AGRISCORE_TEST_WORKER_IMAGE=$worker:$candidate \
      ./mvnw -B -pl samples/deployment -am verify -DskipITs -Dtest=ContainerImagesTest \
      -Dsurefire.failIfNoSpecifiedTests=false
    ;;
  publish)
    login
    version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
    for image in "$service" "$worker"; do
      skopeo copy --all "docker://$image:$candidate" "docker://$image:$version"
    done
    ;;
  *)
    echo "usage: pipeline.sh build|test|publish" >&2
    exit 2
    ;;
esac
