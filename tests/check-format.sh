#!/usr/bin/env bash
# Fails if clang-format (with the checked-in .clang-format) would change any C/C++ file.
set -u
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || {
	echo "SKIP: clang-format is not installed"
	exit 77
}
if git rev-parse --git-dir >/dev/null 2>&1; then
	files=$(git ls-files --cached --others --exclude-standard -- '*.c' '*.h' '*.cc')
else
	files=$(find api engine tools tests bench -name '*.c' -o -name '*.h' -o -name '*.cc')
fi
bad=0
for f in $files; do
	[ -f "$f" ] || continue
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not clang-format clean: $f (run: clang-format -i $f)"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "all $(echo "$files" | wc -w) C/C++ files are clang-format clean"
exit $bad
