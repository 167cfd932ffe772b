#!/bin/sh
# Makes the two base images the Dockerfile names, debian:bookworm and
# debian:bookworm-slim, from the Debian mirror this machine's apt uses, for
# machines that reach no container registry. The root filesystems are
# built once with debootstrap and kept as tarballs in CACHE (they do not
# change between runs on one machine); each run only imports them.
#   usage: tests/container/base-images.sh CACHE   (prints progress on stderr)
# Needs root and the debootstrap package. Exit 0 when both tarballs exist.
set -eu
cache=$1
mkdir -p "$cache"
full="$cache/bookworm.tar"
slim="$cache/bookworm-slim.tar"
# Bump when the recipe below changes, so cached tarballs are made again.
recipe=2
if [ -s "$full" ] && [ -s "$slim" ] && [ "$(cat "$cache/recipe" 2>/dev/null)" = "$recipe" ]; then
    exit 0
fi

mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "base-images: no Debian mirror found in the apt sources" >&2; exit 1; }
work=$(mktemp -d "$cache/rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
echo "base-images: debootstrap bookworm from $mirror (a few minutes, once)" >&2
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
# apt inside the image works as on this machine: the same sources, and the
# same apt.conf.d (one of them accepts the mirror's Release dates).
rm -f "$root/etc/apt/sources.list"
mkdir -p "$root/etc/apt/sources.list.d" "$root/etc/apt/apt.conf.d"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
else
    cp /etc/apt/sources.list "$root/etc/apt/"
fi
cp /etc/apt/apt.conf.d/* "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
# What debootstrap downloaded is no part of an image (as in Debian's own).
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/var/cache/apt/archives/"*.deb \
       "$root/var/log/"*.log "$root/debootstrap"
tar -C "$root" -cf "$full.tmp" .
# The slim variant: no documentation, manuals or locales, now or later.
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" "$root/usr/share/info"
mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
cat >"$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/info/*
CFG
tar -C "$root" -cf "$slim.tmp" .
mv "$full.tmp" "$full"
mv "$slim.tmp" "$slim"
echo "$recipe" >"$cache/recipe"
echo "base-images: $full and $slim ready" >&2
