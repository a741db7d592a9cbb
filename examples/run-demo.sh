#!/usr/bin/env bash
# The demo: a Flink job on a local MiniCluster reads camera streams with KvsHlsSource and shows
# per-camera progress, JPEG snapshots and a contact sheet under target/demo/.
#
#   examples/run-demo.sh                        # LocalKvs with three synthetic cameras
#   examples/run-demo.sh --max-frames 30        # stop after 30 frames per camera, print a summary
#   examples/run-demo.sh --stream-name my-stream --region us-east-1   # real Kinesis Video Streams
#   examples/run-demo.sh --help                 # all options
#
# Builds the project on first run (or when sources changed) and writes a runtime classpath, as
# examples/local-kvs.sh does. Flink's log goes to target/demo/demo.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

for tool in java mvn; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-demo: '$tool' was not found: install Java 17 and Maven and put them on the PATH." >&2
    exit 1
  fi
done

MVN=(mvn -q -B)
if [ -d "${HOME}/.m2/repository" ] && [ -n "${DEMO_OFFLINE:-}" ]; then
  MVN+=(-o)
fi

# Runs Maven with its output kept aside, shown only when it fails.
build() {
  local log
  log="$(mktemp)"
  if ! "${MVN[@]}" "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "run-demo: 'mvn $*' failed (output above): fix the build, or check the network on a first run." >&2
    exit 1
  fi
  rm -f "$log"
}

# The demo and LocalKvs are compiled with the tests (they are not part of the connector's jar).
STAMP="target/test-classes/.demo-built"
if [ ! -f "$STAMP" ] || [ -n "$(find src examples/src pom.xml -newer "$STAMP" -type f -print -quit)" ]; then
  echo "run-demo: compiling the project (mvn -q test-compile; the first run also downloads the dependencies)..." >&2
  build test-compile
  touch "$STAMP"
fi

CP_FILE="target/demo.classpath"
if [ ! -s "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  echo "run-demo: resolving the runtime classpath..." >&2
  # test scope: Flink (provided), which a standalone JVM needs, LocalKvs's encoder and the Log4j binding.
  build dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
fi

mkdir -p target/demo
exec java -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$ROOT/examples/demo-log4j2.properties" \
  -Dkvs.demo.log=target/demo/demo.log \
  ${DEMO_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" \
  io.kvsinfer.connector.kvs.examples.demo.KvsDemo "$@"
