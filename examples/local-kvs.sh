#!/usr/bin/env bash
# Runs LocalKvs, a local Kinesis Video Streams, in the foreground until killed (Ctrl-C).
#
#   examples/local-kvs.sh --port 4566 --streams cam-1,cam-2 [--size 1280x720] [--fps 15] \
#                         [--audio on] [--file clip.mp4] [--host 127.0.0.1]
#
# Builds the project on first run (or when sources changed), then prints the endpoint to use
# with endpointOverride / --endpoint-url. Binds to loopback unless --host says otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MVN=(mvn -q -B)
if [ -d "${HOME}/.m2/repository" ] && [ -n "${LOCAL_KVS_OFFLINE:-}" ]; then
  MVN+=(-o)
fi

# LocalKvs is a test-side part of the project (the -tests jar), compiled with the tests.
STAMP="target/test-classes/.local-kvs-built"
if [ ! -f "$STAMP" ] || [ -n "$(find src pom.xml -newer "$STAMP" -type f -print -quit)" ]; then
  echo "local-kvs: compiling the project (mvn -q test-compile)..." >&2
  "${MVN[@]}" test-compile
  touch "$STAMP"
fi

CP_FILE="target/local-kvs.classpath"
if [ ! -s "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  # test scope: LocalKvs's encoder (JavaCV) and Flink, which a standalone JVM needs.
  "${MVN[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >&2
fi

exec java ${LOCAL_KVS_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" \
  io.kvsinfer.connector.kvs.localkvs.LocalKvsMain "$@"
