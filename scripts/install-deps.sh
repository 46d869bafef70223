#!/bin/sh
# Install (as root) or name (otherwise) the Debian 12 packages that the
# virtio-sysmem build and its tests need.  Idempotent: it only touches
# /etc/apt/sources.list.d/virtio-sysmem.sources and only runs apt-get when
# something is missing.
#
# usage: scripts/install-deps.sh [--check]
set -eu

SOURCES=/etc/apt/sources.list.d/virtio-sysmem.sources

# Packages from bookworm itself.
PKGS="build-essential pkg-config ninja-build flex bison python3-venv
      libglib2.0-dev libpixman-1-dev libfdt-dev
      dpkg-dev xz-utils ccache seabios ipxe-qemu
      gcc-multilib clang libclang-rt-14-dev
      linux-image-amd64 linux-headers-amd64 busybox-static kmod cpio
      linux-source-6.1 sparse gnuplot-nox"
# Packages that must come from bookworm-backports (QEMU 10.0 needs
# meson >= 1.5 and pycotap at configure time).
BPO_PKGS="meson python3-pycotap"

missing=""
for p in $PKGS $BPO_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
# The guest tier builds the driver for bookworm's 6.1 kernel and for
# bookworm-backports' 6.12 kernel (its image and headers sit beside 6.1's).
bpo_kernel=yes
ls -d /usr/src/linux-headers-6.1[2-9]*-amd64 >/dev/null 2>&1 || bpo_kernel=no
[ "$bpo_kernel" = yes ] || missing="$missing linux-image-amd64/bookworm-backports linux-headers-amd64/bookworm-backports"
meson_ok=no
if command -v /usr/bin/meson >/dev/null 2>&1; then
    v=$(/usr/bin/meson --version 2>/dev/null || echo 0)
    case "$v" in
    0.*|1.[0-4].*) ;;
    *) meson_ok=yes ;;
    esac
fi
[ "$meson_ok" = yes ] || case "$missing" in *meson*) ;; *) missing="$missing meson" ;; esac

# deb-src entries are needed to fetch QEMU's Debian source package.
need_sources=no
[ -f "$SOURCES" ] || need_sources=yes

if [ -z "$missing" ] && [ "$need_sources" = no ]; then
    exit 0
fi

if [ "${1:-}" = "--check" ] || [ "$(id -u)" != 0 ]; then
    [ -n "$missing" ] && echo "missing Debian packages:$missing" >&2
    [ "$need_sources" = yes ] && echo "missing apt sources: $SOURCES (bookworm-backports, deb-src for trixie's qemu)" >&2
    echo "run as root: sh scripts/install-deps.sh" >&2
    echo "  (meson and python3-pycotap come from bookworm-backports)" >&2
    exit 1
fi

if [ "$need_sources" = yes ]; then
    cat > "$SOURCES" <<'SRC'
# Added by virtio-sysmem's scripts/install-deps.sh.
# bookworm-backports: meson >= 1.5 and python3-pycotap for QEMU 10.0.
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

# Source packages only: QEMU 10.0.x lives in trixie's Sources index.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends -t bookworm-backports $BPO_PKGS >/dev/null
if [ "$bpo_kernel" = no ]; then
    apt-get install -y -qq --no-install-recommends -t bookworm-backports \
        linux-image-amd64 linux-headers-amd64 >/dev/null
fi
echo "install-deps: packages installed"
