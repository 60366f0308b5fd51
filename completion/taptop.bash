# bash completion for taptop(1); `make install` puts it in
# $(PREFIX)/share/bash-completion/completions/taptop.
#
# Every list comes from the taptop being completed (the first word of the
# line, else the one on $PATH): options from --help, panels from
# --list-panels, display-filter fields from --list-fields, interfaces from
# -D (else /sys/class/net).  A new option, panel or field is completed
# without touching this file.  It needs nothing from the bash-completion
# package, so that it also works when sourced by hand.

# The taptop binary this line runs.
_taptop_bin()
{
	local bin=${COMP_WORDS[0]}

	if [[ $bin == */* && -x $bin ]] || type -P "$bin" >/dev/null 2>&1; then
		printf '%s\n' "$bin"
	else
		printf 'taptop\n'
	fi
}

# The filter is one shell word, usually quoted ('ip.addr == 10.0.0.1 and
# tc'): complete its last word as a field name, keeping what comes before.
_taptop_filter()
{
	local bin=$1 cur=$2 head last IFS=$'\n'

	# A filter already closed ("...", after a unique match) is left alone:
	# the reply would replace it, quotes and all.
	[[ $cur == \'*\' || $cur == \"*\" ]] && [[ ${#cur} -gt 1 ]] && return
	cur=${cur#[\'\"]}
	last=${cur##*[[:space:]()!=<>~&|,\{]}
	head=${cur%"$last"}
	COMPREPLY=($(compgen -P "$head" -W \
	    "$("$bin" --list-fields 2>/dev/null | awk '{ print $1 }')" \
	    -- "$last"))
	compopt -o nospace 2>/dev/null
}

_taptop()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev bin ifs
	local -i i=COMP_CWORD-1

	prev=${COMP_WORDS[i]}
	# bash splits '=' and ':' off as words of their own (COMP_WORDBREAKS):
	# --panel=NAME and --panel NAME:FILTER arrive in pieces.
	if [[ $cur == [=:] ]]; then
		prev=$cur
		cur=""
		i+=1
	fi
	if [[ $prev == = ]] && ((i > 0)); then
		i+=-1
		prev=${COMP_WORDS[i]}
	fi
	if [[ $prev == : ]] && ((i >= 2)); then
		i+=-2
		[[ ${COMP_WORDS[i]} == = ]] && ((i > 0)) && i+=-1
		if [[ ${COMP_WORDS[i]} == --panel ]]; then
			_taptop_filter "$(_taptop_bin)" "$cur"
			return
		fi
	fi
	bin=$(_taptop_bin)
	COMPREPLY=()

	case $prev in
	-i | --interface)
		ifs=$("$bin" -D 2>/dev/null | awk '{ print $2 }')
		[[ -n $ifs ]] || ifs=$(command ls /sys/class/net 2>/dev/null)
		COMPREPLY=($(compgen -W "$ifs" -- "$cur"))
		return
		;;
	-r | --read)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--panel)
		# NAME[:FILTER]: the name, then the filter's fields.
		if [[ $cur == *:* ]]; then
			_taptop_filter "$bin" "$cur"
			return
		fi
		COMPREPLY=($(compgen -W \
		    "$("$bin" --list-panels 2>/dev/null | awk '{ print $1 }')" \
		    -- "$cur"))
		return
		;;
	-Y | --display-filter | --on)
		_taptop_filter "$bin" "$cur"
		return
		;;
	--interval-mode)
		COMPREPLY=($(compgen -W "cumulative delta" -- "$cur"))
		return
		;;
	--write)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--exec)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -c -- "$cur"))
		return
		;;
	--exec-rate | --exec-max | --exec-timeout | --write-size | \
	    --write-files)
		return
		;;
	-Z | --relinquish-privileges)
		COMPREPLY=($(compgen -u -- "$cur"))
		return
		;;
	--metrics | --metrics-rows)
		# i12-metrics: ADDR:PORT, or a number: nothing to offer.
		return
		;;
	-f | --capture-filter | -s | --snaplen | -B | --buffer-size | \
	    -c | --count | --duration | --interval | --max-rows | -d | \
	    --delay | --speed | --history)
		# A number or a BPF expression: nothing to offer.
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("$bin" --help 2>/dev/null |
		    sed -n 's/^ *\(-[[:alnum:]], \)\{0,1\}\(--[[:alnum:]-]*\).*/\1\2/p' |
		    tr -d ,)" -- "$cur"))
	fi
}

complete -F _taptop taptop
