#!/bin/sh
# Refreshes the vendored IANA time-zone data in tzdata/ from Debian's newest tzdata package,
# then regenerates src/tz/generated/. Needs apt-get (root) and zic (Debian libc-bin).
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
chmod 755 "$work" # apt-get download runs as _apt and must be able to write here
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download tzdata
dpkg-deb -x tzdata_*.deb root
zoneinfo=root/usr/share/zoneinfo
cp "$zoneinfo/tzdata.zi" "$zoneinfo/leap-seconds.list" "$repo/tzdata/"
# The release timestamp becomes the Last-Modified of every zone served by TZDist.
released=$(zcat root/usr/share/doc/tzdata/changelog.Debian.gz | sed -n 's/^ -- .*>  //p' | head -n 1)
{
  echo "package: $(dpkg-deb -f tzdata_*.deb Package) $(dpkg-deb -f tzdata_*.deb Version)"
  echo "released: $(date -u -d "$released" +%Y-%m-%dT%H:%M:%SZ)"
} > "$repo/tzdata/SOURCE"
cd "$repo"
npx tsx scripts/tz/build.ts
