# shellcheck shell=bash
# The larger corpus of the benchmarks, shared by bench/run.sh and
# bench/crash-loop.sh: real French and English prose from Debian
# documentation packages (the Debian Administrator's Handbook in French and
# English, the French and English manual pages), as text files.
#
#   . bench/corpus.sh; large_corpus "$scratch"   # sets $large, assembles it once

large_corpus() { # SCRATCH_DIR
    local scratch=$1
    large=$scratch/large-corpus
    if [ ! -f "$large/.complete" ]; then
        echo "== assembling the larger corpus from Debian documentation packages"
        rm -rf "$large" "$scratch/debs"
        mkdir -p "$scratch/debs" "$large"
        (cd "$scratch/debs" && { apt-get download debian-handbook manpages manpages-fr 2>/dev/null \
            || { apt-get update -qq && apt-get download debian-handbook manpages manpages-fr; }; })
        for deb in "$scratch"/debs/*.deb; do dpkg-deb -x "$deb" "$scratch/debs/x"; done
        handbook=$scratch/debs/x/usr/share/doc/debian-handbook/html
        python3 bench/html2text.py "$handbook/fr-FR" "$large/handbook-fr"
        python3 bench/html2text.py "$handbook/en-US" "$large/handbook-en"
        man_to_text() { # SRC_DIR DEST_DIR
            mkdir -p "$2"
            find "$1" -name '*.gz' | sort | while read -r page; do
                name=$(basename "$page" .gz)
                zcat "$page" | groff -k -mandoc -Tutf8 -P-cbou 2>/dev/null > "$2/$name.txt" || true
                [ -s "$2/$name.txt" ] || rm -f "$2/$name.txt"
            done
        }
        man_to_text "$scratch/debs/x/usr/share/man/fr" "$large/man-fr"
        find "$scratch/debs/x/usr/share/man" -path '*/man/fr' -prune -o -name '*.gz' -print | sort | while read -r page; do
            mkdir -p "$large/man-en"
            zcat "$page" | groff -k -mandoc -Tutf8 -P-cbou 2>/dev/null > "$large/man-en/$(basename "$page" .gz).txt" || true
        done
        find "$large" -type f -empty -delete
        touch "$large/.complete"
    fi
}

# The library corpus: what a real research library weighs, 20,000 files and
# more than 100 MB of French and English prose from Debian documentation
# packages (handbooks, references, FAQ, guides, LibreOffice, GIMP and GNOME
# help, LilyPond manuals, PostgreSQL, Python and Linux kernel documentation,
# manual pages), as text files, one folder a package.
#
#   . bench/corpus.sh; library_corpus "$scratch"   # sets $library
LIBRARY_PACKAGES="debian-handbook debian-reference-fr debian-reference-en debian-faq debian-faq-fr
maint-guide maint-guide-fr developers-reference developers-reference-fr libreoffice-help-fr
libreoffice-help-en-us gimp-help-fr gimp-help-en gnome-user-docs lilypond-doc-html
lilypond-doc-html-fr postgresql-doc-15 python3.11-doc linux-doc-6.1 debian-policy gnome-devel-docs
manpages manpages-fr manpages-dev manpages-fr-dev"

library_corpus() { # SCRATCH_DIR
    local scratch=$1 pkg deb keep
    library=$scratch/library-corpus
    if [ ! -f "$library/.complete" ]; then
        echo "== assembling the library corpus from Debian documentation packages"
        rm -rf "$library" "$scratch/library-debs"
        mkdir -p "$scratch/library-debs" "$library"
        # shellcheck disable=SC2086
        (cd "$scratch/library-debs" && { apt-get download $LIBRARY_PACKAGES 2>/dev/null \
            || { apt-get update -qq && apt-get download $LIBRARY_PACKAGES; }; })
        for pkg in $LIBRARY_PACKAGES; do
            deb=$(find "$scratch/library-debs" -name "${pkg}_*.deb" | head -1)
            mkdir -p "$scratch/library-debs/x/$pkg"
            dpkg-deb -x "$deb" "$scratch/library-debs/x/$pkg"
            python3 bench/html2text.py "$scratch/library-debs/x/$pkg" "$library/$pkg"
            # French and English only.
            case $pkg in
                debian-handbook) keep='.*/\(fr-FR\|en-US\)/.*' ;;
                gnome-*) keep='.*/help/\(C\|fr\)/.*' ;;
                *) keep='.*' ;;
            esac
            find "$library/$pkg" -type f ! -regex "$keep" -delete
        done
        local man page name dest
        for man in "$scratch"/library-debs/x/manpages*/usr/share/man; do
            find "$man" -name '*.gz' | sort | while read -r page; do
                name=$(basename "$page" .gz)
                case $page in */man/fr/*) dest=$library/man-fr ;; *) dest=$library/man-en ;; esac
                mkdir -p "$dest"
                zcat "$page" | groff -k -mandoc -Tutf8 -P-cbou 2>/dev/null > "$dest/$name.txt" || true
            done
        done
        find "$library" -type f -size -200c -delete
        find "$library" -type d -empty -delete
        rm -rf "$scratch/library-debs"
        touch "$library/.complete"
    fi
}
