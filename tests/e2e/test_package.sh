#!/bin/sh
# The package: `make install DESTDIR=... PREFIX=/usr` stages the binary, the
# man page and the bash completion where a distribution expects them, and
# debian/ builds a .deb (dpkg-buildpackage -us -uc -b) that carries them and
# that lintian finds no error in.  The build runs in a temporary copy of the
# working tree (tracked and new files, not build products), because
# dpkg-buildpackage writes into the tree and puts the .deb in its parent.
# Skipped (77) without dpkg-buildpackage; `make deps-test` installs it.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

for tool in dpkg-buildpackage dh lintian fakeroot git; do
	command -v $tool >/dev/null 2>&1 || {
		echo "skip: $tool is not installed"
		exit 77
	}
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}

# The working tree as git sees it, uncommitted edits included.
mkdir "$tmp/taptop"
git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar -cf - --null -T - | tar -C "$tmp/taptop" -xf - || exit 1

(cd "$tmp/taptop" && find . -type f ! -path './.git/*' | sed 's|^\./||' |
	sort) >"$tmp/before"

# The .deb.
if (cd "$tmp/taptop" && DEB_BUILD_OPTIONS=parallel=2 \
    dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	deb=$(ls "$tmp"/taptop_*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		bad "dpkg-buildpackage made no .deb"
	else
		dpkg-deb -c "$deb" >"$tmp/contents"
		for f in ./usr/bin/taptop ./usr/share/man/man1/taptop.1.gz \
		    ./usr/share/bash-completion/completions/taptop; do
			grep -q " $f\$" "$tmp/contents" ||
				bad "$f is not in $(basename "$deb")"
		done
		dpkg-deb -I "$deb" postinst >"$tmp/postinst" 2>/dev/null ||
			bad "the .deb has no postinst"
		grep -q 'adduser --system' "$tmp/postinst" ||
			bad "postinst does not create the taptop user"
		grep -q 'setcap cap_net_raw,cap_net_admin+ep' "$tmp/postinst" ||
			bad "postinst does not set the capabilities"
		echo "ok: $(basename "$deb") built"
		lintian "$deb" >"$tmp/lintian" 2>&1
		cat "$tmp/lintian"
		grep -q '^E:' "$tmp/lintian" && bad "lintian reports errors"
	fi
else
	tail -n 40 "$tmp/build.log"
	bad "dpkg-buildpackage failed"
fi

# make install, staged, from the tree the package was built in: the
# release binary is there already (one compile for the whole test).
if make -C "$tmp/taptop" -j2 --no-print-directory install \
    DESTDIR="$tmp/stage" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	for f in usr/bin/taptop usr/share/man/man1/taptop.1 \
	    usr/share/bash-completion/completions/taptop; do
		[ -f "$tmp/stage/$f" ] || bad "make install did not install /$f"
	done
	[ -x "$tmp/stage/usr/bin/taptop" ] ||
		bad "/usr/bin/taptop is not executable"
	"$tmp/stage/usr/bin/taptop" --version >/dev/null ||
		bad "the installed taptop does not run"
	# A staged install never sets capabilities (postinst does).
	if command -v getcap >/dev/null 2>&1; then
		caps=$(getcap "$tmp/stage/usr/bin/taptop")
		[ -z "$caps" ] || bad "capabilities set with DESTDIR: $caps"
	fi
	grep -q 'build-release/' "$tmp/install.log" 2>/dev/null ||
		[ -f "$tmp/taptop/build-release/taptop" ] ||
		bad "make install did not build into build-release/"
	echo "ok: make install DESTDIR PREFIX=/usr"
else
	cat "$tmp/install.log"
	bad "make install failed"
fi

# The build must leave nothing in the tree that git would see: debian's
# products and build-release/ are ignored.
(cd "$tmp/taptop" && git init -q . &&
	git status --porcelain --untracked-files=all | sed 's/^?? //' |
	sort) >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" ||
	bad "the package build left files git sees: $(comm -13 "$tmp/before" "$tmp/after" | head -n 5 | tr '\n' ' ')"

[ $fail -eq 0 ] && echo "package: ok"
exit $fail
