# Sourced by bin/tapline and bin/test: find_jdk prints the home of the newest JDK >= 25,
# preferring $JAVA_HOME when it is new enough.

java_major() { # the major version of the JDK at $1, or 0
  local v=""
  [ -x "$1/bin/java" ] || { echo 0; return; }
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  fi
  [ -n "$v" ] || v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  echo "${v:-0}"
}

find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ "$(java_major "$JAVA_HOME")" -ge 25 ]; then
    echo "$JAVA_HOME"; return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*; do
    { [ -d "$d" ] && [ ! -L "$d" ]; } || continue
    v=$(java_major "$d")
    if [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "tapline: no JDK 25 or newer found in JAVA_HOME or /usr/lib/jvm; to install one, see \"Getting a JDK 25\" in ${top:-.}/README.md (Ubuntu: apt-get install openjdk-25-jdk; Debian: Temurin from Adoptium)" >&2
    return 1
  fi
  echo "$best"
}
