#!/usr/bin/env bash
# Builds the gearspec Java driver (org.gearman:gearman-java 0.6 from Maven Central) into
# <repo>/.peers/java/: gearspec-java-driver.jar plus every runtime dependency jar, so that
#   java -cp '.peers/java/*' gearspec.Driver
# runs it. Idempotent: a no-op when the jars are newer than every source file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
out="$root/.peers/java"

fail() { echo "java driver: $*" >&2; exit 1; }

echo "java driver: checking java and mvn"
command -v java >/dev/null || fail "java not found (need a JDK 17+)"
command -v mvn >/dev/null || fail "mvn not found (need Maven 3.6+)"

stamp="$out/gearspec-java-driver.jar"
if [[ -f "$stamp" && -f "$out/gearman-java-0.6.jar" ]] \
   && [[ -z "$(find "$here/pom.xml" "$here/src" -newer "$stamp" -print -quit)" ]]; then
  echo "java driver: up to date in $out"
  exit 0
fi

echo "java driver: building with Maven into $out"
mkdir -p "$out"
# Stale jars from an older dependency set would stay on the '*' class path: start clean.
rm -f "$out"/*.jar
timeout 600 mvn -q -B -Dstyle.color=never -f "$here/pom.xml" -Dgearspec.out="$out" package \
  || fail "mvn package failed (exit $?)"

[[ -f "$stamp" && -f "$out/gearman-java-0.6.jar" ]] || fail "build did not produce $stamp"
echo "java driver: built $(ls "$out"/*.jar | wc -l) jars in $out"
