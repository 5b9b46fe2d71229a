#!/bin/sh
# Install (or uninstall) the Encaisse one-folder bundle for one user or into a prefix.
#
#   installer/linux/install.sh [--prefix DIR] [BUNDLE]     install BUNDLE (default: dist/encaisse)
#   installer/linux/install.sh [--prefix DIR] --uninstall  remove what install put there
#
# DIR defaults to ~/.local. Installs DIR/lib/encaisse (the bundle), DIR/bin/encaisse (a symlink), the menu
# entry, the .encaisse file type and the icons under DIR/share. Uninstalling never touches the dossiers nor
# the data folder (~/.local/share/Encaisse: recent list, backups), whatever the prefix.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PREFIX=${PREFIX:-$HOME/.local}
BUNDLE=$ROOT/dist/encaisse
ACTION=install
SIZES="16 32 48 64 128 256"

usage() {
    sed -n '2,9s/^# \{0,1\}//p' "$0"
    exit "$1"
}

while [ $# -gt 0 ]; do
    case $1 in
        --prefix) [ $# -ge 2 ] || usage 2; PREFIX=$2; shift 2 ;;
        --prefix=*) PREFIX=${1#--prefix=}; shift ;;
        --uninstall) ACTION=uninstall; shift ;;
        -h|--help) usage 0 ;;
        -*) echo "install.sh: unknown option $1" >&2; usage 2 ;;
        *) BUNDLE=$1; shift ;;
    esac
done

case $PREFIX in
    /*) ;;
    *) PREFIX=$(pwd)/$PREFIX ;;
esac
case $PREFIX in
    *[\"\`\$\\%]*) echo "install.sh: the prefix may not contain \" \` \$ \\ or %: $PREFIX" >&2; exit 2 ;;
esac
PREFIX=${PREFIX%/}
[ -n "$PREFIX" ] || { echo "install.sh: refusing / as the prefix" >&2; exit 2; }

LIB=$PREFIX/lib/encaisse
BIN=$PREFIX/bin/encaisse
SHARE=$PREFIX/share
DESKTOP=$SHARE/applications/encaisse.desktop
MIME_XML=$SHARE/mime/packages/encaisse-mime.xml
HICOLOR=$SHARE/icons/hicolor

# Caches are refreshed when their tools exist; a missing tool only means the desktop picks changes up later.
refresh() {
    if command -v update-mime-database >/dev/null 2>&1 && [ -d "$SHARE/mime/packages" ]; then
        update-mime-database "$SHARE/mime" >/dev/null 2>&1 || true
    fi
    if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$SHARE/applications" ]; then
        update-desktop-database "$SHARE/applications" >/dev/null 2>&1 || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$HICOLOR/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$HICOLOR" >/dev/null 2>&1 || true
    fi
}

# The icons come from the bundle's own resources (PyInstaller puts them under _internal/), else the source tree.
icon_folder() {
    for candidate in "$BUNDLE/_internal/resources/icons" "$BUNDLE/resources/icons" "$ROOT/resources/icons"; do
        if [ -f "$candidate/app/encaisse-48.png" ]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "install.sh: no icons found (resources/icons/app/encaisse-*.png)" >&2
    return 1
}

install_icons() {
    icons=$(icon_folder)
    for size in $SIZES; do
        for kind in apps mimetypes; do
            mkdir -p "$HICOLOR/${size}x$size/$kind"
        done
        cp "$icons/app/encaisse-$size.png" "$HICOLOR/${size}x$size/apps/encaisse.png"
        cp "$icons/app/encaisse-$size.png" "$HICOLOR/${size}x$size/mimetypes/application-x-encaisse.png"
    done
    mkdir -p "$HICOLOR/scalable/apps" "$HICOLOR/scalable/mimetypes"
    cp "$icons/encaisse.svg" "$HICOLOR/scalable/apps/encaisse.svg"
    cp "$icons/encaisse.svg" "$HICOLOR/scalable/mimetypes/application-x-encaisse.svg"
}

do_install() {
    if [ ! -x "$BUNDLE/encaisse" ]; then
        echo "install.sh: $BUNDLE/encaisse not found; build the bundle first (make bundle)" >&2
        exit 1
    fi
    if [ -e "$BIN" ] && [ ! -L "$BIN" ]; then
        echo "install.sh: $BIN exists and is not a link to a bundle (a pip install?); remove it first" >&2
        exit 1
    fi
    mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$SHARE/applications" "$SHARE/mime/packages"
    # Copied beside, then swapped in: an interrupted copy never leaves half a bundle where the menu points.
    rm -rf "$LIB.new"
    cp -R "$BUNDLE" "$LIB.new"
    rm -rf "$LIB"
    mv "$LIB.new" "$LIB"
    ln -sfn "$LIB/encaisse" "$BIN"
    # The menu entry runs the installed program by its full path: ~/.local/bin is not on every session's PATH.
    sed "s|^Exec=encaisse |Exec=\"$BIN\" |" "$HERE/encaisse.desktop" > "$DESKTOP"
    cp "$HERE/encaisse-mime.xml" "$MIME_XML"
    install_icons
    refresh
    if [ "$PREFIX" = "$HOME/.local" ] && command -v xdg-mime >/dev/null 2>&1; then
        # Double-clicking a .encaisse file opens Encaisse rather than a generic SQLite browser.
        xdg-mime default encaisse.desktop application/x-encaisse >/dev/null 2>&1 || true
    fi
    echo "Encaisse installed in $LIB"
    echo "  command: $BIN"
    echo "  menu entry: $DESKTOP"
    case ":$PATH:" in
        *":$PREFIX/bin:"*) ;;
        *) echo "  note: $PREFIX/bin is not on your PATH; the menu entry works anyway" ;;
    esac
}

do_uninstall() {
    rm -rf "$LIB" "$LIB.new"
    if [ -L "$BIN" ] && [ "$(readlink "$BIN")" = "$LIB/encaisse" ]; then
        rm -f "$BIN"
    fi
    rm -f "$DESKTOP" "$MIME_XML"
    for size in $SIZES; do
        rm -f "$HICOLOR/${size}x$size/apps/encaisse.png" "$HICOLOR/${size}x$size/mimetypes/application-x-encaisse.png"
    done
    rm -f "$HICOLOR/scalable/apps/encaisse.svg" "$HICOLOR/scalable/mimetypes/application-x-encaisse.svg"
    # The default-program line install wrote (xdg-mime default) would point at a menu entry that is gone.
    MIMEAPPS="${XDG_CONFIG_HOME:-$HOME/.config}/mimeapps.list"
    if [ "$PREFIX" = "$HOME/.local" ] && [ -f "$MIMEAPPS" ]; then
        sed -i '/^application\/x-encaisse=encaisse\.desktop;*$/d' "$MIMEAPPS"
    fi
    refresh
    echo "Encaisse removed from $PREFIX."
    echo "Your dossiers and the data folder (${XDG_DATA_HOME:-$HOME/.local/share}/Encaisse) were kept."
}

if [ "$ACTION" = install ]; then
    do_install
else
    do_uninstall
fi
