#!/usr/bin/env bash
# POST /prompt under load, the server and the load generator (wrk, Debian package "wrk") in separate processes.
# usage: web-ui/src/test/bench/run-wrk.sh basic|demo [connections] [seconds]   (after: mvn -pl web-ui -am test-compile)
# Not part of CI. The class path comes from: mvn -pl web-ui -am dependency:build-classpath -Dmdep.outputFile=... (CP_FILE).
set -euo pipefail
kind=${1:-basic}; conns=${2:-16}; secs=${3:-10}
cd "$(dirname "$0")/../../.."          # web-ui/
cp="target/test-classes:target/classes:../engine/target/classes:../nodes/target/classes:$(cat "${CP_FILE:?set CP_FILE to a class path file}")"
dir=$(mktemp -d)
java -cp "$cp" org.easel.server.BenchServerMain "$dir/home" "$dir/port" "$kind" 2>"$dir/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do [ -f "$dir/port" ] && break; sleep 0.2; done
url="http://127.0.0.1:$(cat "$dir/port")"
export WORKFLOW=$kind DEMO_WORKFLOW=../workflows/text-to-image.json
wrk -t2 -c"$conns" -d5s -s src/test/bench/post-prompt.lua "$url" > /dev/null            # warm-up
curl -s -o /dev/null -X POST -d '{"clear":true}' "$url/queue"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s src/test/bench/post-prompt.lua "$url"
curl -s -o /dev/null -X POST -d '{"clear":true}' "$url/queue"
