# bash completion for netlab                                  -*- shell-script -*-

_netlab_labs()
{
	local d
	for d in /run/netlab/*/; do
		[ -d "$d" ] && basename "$d"
	done 2>/dev/null
}

# Node names of running labs (or of one lab): each node has a pin ns/NODE.uts.
_netlab_nodes()
{
	local lab=$1 f
	for f in /run/netlab/${lab:-*}/ns/*.uts; do
		[ -e "$f" ] || continue
		f=${f##*/}
		echo "${f%.uts}"
	done 2>/dev/null | sort -u
}

_netlab_endpoints()
{
	local lab=$1 n
	for n in $(_netlab_nodes "$lab"); do
		local l=${lab:-$(for d in /run/netlab/*/ns/"$n".uts; do d=${d#/run/netlab/}; echo "${d%%/*}"; done | head -1)}
		ip -n "$l.$n" -o link show 2>/dev/null | awk -F': ' -v n="$n" '$2 != "lo" { sub(/@.*/, "", $2); print n ":" $2 }'
	done
}

_netlab()
{
	local cur prev words cword
	_init_completion || return
	local verbs="validate up down exec shell status list logs link impair capture ping-all test graph gen help"
	local i verb="" lab=""
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-v|-vv|-q|--verbose|--quiet) ;;
		-l) lab=${words[i + 1]} ;;
		*) [ -z "$verb" ] && verb=${words[i]} ;;
		esac
	done
	if [ -z "$verb" ]; then
		COMPREPLY=($(compgen -W "$verbs -v -vv -q --help --version" -- "$cur"))
		return
	fi
	if [ "$prev" = -l ]; then
		COMPREPLY=($(compgen -W "$(_netlab_labs)" -- "$cur"))
		return
	fi
	case $verb in
	validate) COMPREPLY=($(compgen -W "--explain --allow-host-paths" -- "$cur")); _filedir json ;;
	up) COMPREPLY=($(compgen -W "--allow-host-paths" -- "$cur")); _filedir json ;;
	down) COMPREPLY=($(compgen -W "--all --force $(_netlab_labs)" -- "$cur")); _filedir json ;;
	status|ping-all) COMPREPLY=($(compgen -W "--json $(_netlab_labs)" -- "$cur")) ;;
	list) COMPREPLY=($(compgen -W "--json" -- "$cur")) ;;
	exec|shell|logs)
		# the node is the first word after the verb and its options; then a command
		local n=0
		for w in "${words[@]:2:cword-2}"; do case $w in -l) ;; *) [ "$w" != "$lab" ] && n=$((n + 1)) ;; esac; done
		if [ $n -eq 0 ]; then
			COMPREPLY=($(compgen -W "-l $(_netlab_nodes "$lab")" -- "$cur"))
		else
			COMPREPLY=($(compgen -c -- "$cur"))
		fi ;;
	link) COMPREPLY=($(compgen -W "-l up down $(_netlab_endpoints "$lab")" -- "$cur")) ;;
	impair) COMPREPLY=($(compgen -W "-l --delay --jitter --loss --rate --both --clear $(_netlab_endpoints "$lab")" -- "$cur")) ;;
	capture) COMPREPLY=($(compgen -W "-l -w -c $(_netlab_endpoints "$lab")" -- "$cur")) ;;
	test) COMPREPLY=($(compgen -W "--json --fresh" -- "$cur")); _filedir json ;;
	graph)
		case $prev in
		--format) COMPREPLY=($(compgen -W "dot mermaid" -- "$cur")) ;;
		-o) _filedir ;;
		*) COMPREPLY=($(compgen -W "--format -o" -- "$cur")); _filedir json ;;
		esac ;;
	gen)
		case $prev in
		gen) COMPREPLY=($(compgen -W "line ring star tree grid fattree full" -- "$cur")) ;;
		--routing) COMPREPLY=($(compgen -W "static none" -- "$cur")) ;;
		-o) _filedir json ;;
		*) COMPREPLY=($(compgen -W "--depth --fanout --routers --hosts --switches --routing --ipv6 --name -o" -- "$cur")) ;;
		esac ;;
	help) COMPREPLY=($(compgen -W "$verbs" -- "$cur")) ;;
	esac
} && complete -F _netlab netlab
