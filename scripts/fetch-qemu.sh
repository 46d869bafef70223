#!/bin/sh
# Obtain a pristine, Debian-patched QEMU 10.0.x source tree in the cache and
# print its path on stdout.
#
# The pin below is checked by SHA-256 before the tree is unpacked.  Debian
# keeps only the current point release in its archive: when the pinned one
# has gone, the newest 10.0.x on offer is used instead, after apt has verified
# it through the archive's signed Sources index, and a warning says so.
# Nothing is fetched when the unpacked tree is already in the cache.
#
# usage: scripts/fetch-qemu.sh CACHE_DIR
set -eu

PIN_VERSION="1:10.0.13+ds-0+deb13u1"
PIN_SHA256="\
a426c892e5369058c3423816c8625bc8010bb5a58ece57261f62b64ee4d765ad  qemu_10.0.13+ds-0+deb13u1.dsc
6a0888e806c2ffc0c5f0733e974f9aea55491950d3c47c98669c8b236dde59ae  qemu_10.0.13+ds.orig.tar.xz
da73c092f5684c551b0334d675eb16a3dec91e1edea94759cfb1102fa4a0364e  qemu_10.0.13+ds-0+deb13u1.debian.tar.xz"
REQUIRED_SERIES="10.0"

die() { echo "fetch-qemu: $*" >&2; exit 1; }

cache=${1:?usage: fetch-qemu.sh CACHE_DIR}
mkdir -p "$cache/dl"

# "1:10.0.13+ds-0+deb13u1" -> "10.0.13"
upstream_of() { echo "$1" | sed -e 's/^[0-9]*://' -e 's/[+~-].*//'; }
# "1:10.0.13+ds-0+deb13u1" -> "qemu_10.0.13+ds-0+deb13u1.dsc"
dsc_of() { echo "qemu_$(echo "$1" | sed 's/^[0-9]*://').dsc"; }

unpack() {
    version=$1
    tree="$cache/qemu-$(upstream_of "$version")"
    if [ -f "$tree/.vsysmem-unpacked" ]; then
        echo "$tree"
        return 0
    fi
    rm -rf "$tree"
    echo "fetch-qemu: unpacking $(dsc_of "$version") (with Debian's patches)" >&2
    (cd "$cache/dl" && dpkg-source --no-check -x "$(dsc_of "$version")" "$tree" >/dev/null) ||
        die "dpkg-source failed for $version"
    [ -f "$tree/VERSION" ] || die "unpacked tree $tree has no VERSION file"
    case "$(cat "$tree/VERSION")" in
    "$REQUIRED_SERIES".*) ;;
    *) die "$tree is QEMU $(cat "$tree/VERSION"), not $REQUIRED_SERIES.x" ;;
    esac
    touch "$tree/.vsysmem-unpacked"
    echo "$tree"
}

pinned_tree="$cache/qemu-$(upstream_of "$PIN_VERSION")"
if [ -f "$pinned_tree/.vsysmem-unpacked" ]; then
    echo "$pinned_tree"
    exit 0
fi

command -v dpkg-source >/dev/null || die "dpkg-source is missing: install package dpkg-dev"

verify_pin() {
    (cd "$cache/dl" && echo "$PIN_SHA256" | sha256sum --quiet -c - >/dev/null 2>&1)
}

if ! verify_pin; then
    echo "fetch-qemu: downloading Debian source package qemu=$PIN_VERSION" >&2
    (cd "$cache/dl" && apt-get source --download-only -qq "qemu=$PIN_VERSION" >/dev/null 2>&1) || true
fi
if verify_pin; then
    unpack "$PIN_VERSION"
    exit 0
fi

# The pinned point release is gone (or its files do not match): take the
# newest 10.0.x that apt offers.  apt-get source checks every file against
# the hashes of the signed Sources index, so this stays verified.
newest=$(apt-cache showsrc qemu 2>/dev/null |
         sed -n 's/^Version: //p' |
         grep -E "^([0-9]+:)?$(echo "$REQUIRED_SERIES" | sed 's/\./\\./')\." |
         sort -V | tail -n 1)
[ -n "$newest" ] || die "no QEMU $REQUIRED_SERIES.x source package in apt's index; \
add deb-src entries (run scripts/install-deps.sh as root) or use ./configure --qemu-src=DIR"

cat >&2 <<MSG
fetch-qemu: ***************************************************************
fetch-qemu: WARNING: pinned QEMU $PIN_VERSION is not available (or did
fetch-qemu: not match its SHA-256); using $newest instead,
fetch-qemu: verified through apt's signed Sources index.
fetch-qemu: ***************************************************************
MSG
(cd "$cache/dl" && apt-get source --download-only -qq "qemu=$newest" >/dev/null) ||
    die "apt-get source qemu=$newest failed"
unpack "$newest"
