# shellcheck shell=bash
# The larger corpus of the benchmarks, shared by bench/run.sh and
# bench/crash-loop.sh: real French and English prose from Debian
# documentation packages (the Debian Administrator's Handbook in French and
# English, the French and English manual pages), as text files.
#
#   . bench/corpus.sh; large_corpus "$work"   # sets $large, assembles it once

large_corpus() { # WORK_DIR
    local work=$1
    large=$work/large-corpus
    if [ ! -f "$large/.complete" ]; then
        echo "== assembling the larger corpus from Debian documentation packages"
        rm -rf "$large" "$work/debs"
        mkdir -p "$work/debs" "$large"
        (cd "$work/debs" && { apt-get download debian-handbook manpages manpages-fr 2>/dev/null \
            || { apt-get update -qq && apt-get download debian-handbook manpages manpages-fr; }; })
        for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/debs/x"; done
        handbook=$work/debs/x/usr/share/doc/debian-handbook/html
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
        man_to_text "$work/debs/x/usr/share/man/fr" "$large/man-fr"
        find "$work/debs/x/usr/share/man" -path '*/man/fr' -prune -o -name '*.gz' -print | sort | while read -r page; do
            mkdir -p "$large/man-en"
            zcat "$page" | groff -k -mandoc -Tutf8 -P-cbou 2>/dev/null > "$large/man-en/$(basename "$page" .gz).txt" || true
        done
        find "$large" -type f -empty -delete
        touch "$large/.complete"
    fi
}
