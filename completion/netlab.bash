# bash completion for netlab(1)                              -*- shell-script -*-
#
# Verbs, their options and option values, topology files (*.json), the names of
# running labs, their nodes (exec, shell, logs) and their NODE:IFNAME link ends
# (link, impair, capture). Labs are read from /run/netlab, which only root can
# read: for other users nothing is offered there. `-l LAB` narrows nodes and ends
# to that lab. The state files are read by one grep: no process per lab or node.

_netlab_state_dir=/run/netlab

# Add to COMPREPLY the words among "$@" that start with $cur, taken literally
# (whatever characters an interface name holds), each once.
_netlab_add()
{
    local w
    local -A seen=()
    for w in "$@"; do
        [[ $w == "$cur"* && -z ${seen[$w]-} ]] || continue
        seen[$w]=1
        COMPREPLY+=("$w")
    done
}

# The same for words separated by white space in $1.
_netlab_reply()
{
    local - IFS=$' \t\n'
    set -f
    # shellcheck disable=SC2086 # split on purpose; globbing is off
    _netlab_add $1
}

# The running labs: the directories under /run/netlab (root's alone).
_netlab_labs()
{
    local d labs=()
    [[ -r $_netlab_state_dir && -x $_netlab_state_dir ]] || return 0
    for d in "$_netlab_state_dir"/*/; do
        [[ -d $d ]] || continue
        d=${d%/}
        labs+=("${d##*/}")
    done
    _netlab_add "${labs[@]}"
}

# _netlab_grep LAB REGEX [FILE]: the matches of REGEX in the state of LAB (every lab
# when LAB is empty), one per line, from one grep: state files are a single line of
# JSON. FILE: state.json (the nodes, the default) or wiring.json (the links).
_netlab_grep()
{
    local f files=()
    [[ -r $_netlab_state_dir && -x $_netlab_state_dir ]] || return 0
    [[ -z $1 || $1 =~ ^[A-Za-z0-9_-]+$ ]] || return 0
    for f in "$_netlab_state_dir"/${1:-*}/${3:-state.json}; do
        [[ -r $f ]] && files+=("$f")
    done
    ((${#files[@]})) && grep -ho -- "$2" "${files[@]}" 2>/dev/null
}

# Node names of lab $1 (or of every lab): the "name" of each object of "nodes".
_netlab_nodes()
{
    local m nodes=()
    while IFS= read -r m; do
        m=${m#*:}
        m=${m#*\"}
        nodes+=("${m%\"}")
    done < <(_netlab_grep "$1" '"name" *: *"[^"]*"')
    _netlab_add "${nodes[@]}"
}

# NODE:IFNAME of both ends of every link of lab $1 (or of every lab), from the
# "endpoints": ["a:eth0", "b:eth1"] of each link.
_netlab_ends()
{
    local m a b ends=()
    while IFS= read -r m; do
        m=${m#*[}
        a=${m#*\"} a=${a%%\"*}
        b=${m%\"*} b=${b##*\"}
        ends+=("$a" "$b")
    done < <(_netlab_grep "$1" '"endpoints" *: *\[[^]]*\]' wiring.json
             _netlab_grep "$1" '"endpoints" *: *\[[^]]*\]')  # netlab 0.x: in state.json
    _netlab_add "${ends[@]}"
}

# Topology files and directories.
_netlab_json()
{
    if declare -F _filedir >/dev/null; then
        _filedir json
    else
        mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.json' -- "$cur")
    fi
}

_netlab_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir "$@"
    else
        mapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -f -- "$cur")
    fi
}

_netlab()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion -n : || return
    else
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
        cur=${words[cword]} prev=${words[cword - 1]}
    fi
    COMPREPLY=()

    local verbs="validate up down exec shell status list logs restart link impair capture
ping-all test graph gen help"
    local i=1 verb=""

    # global options, then the verb
    while ((i < cword)); do
        case ${words[i]} in
            -v | -vv | -q | --verbose | --quiet) ((i++)) ;;
            -*) return 0 ;; # --help, --version: nothing follows
            *) verb=${words[i]}; break ;;
        esac
    done
    if [[ -z $verb ]]; then
        if [[ $cur == -* ]]; then
            _netlab_reply "-v -vv -q --verbose --quiet --help --version"
        else
            _netlab_reply "$verbs"
        fi
        return 0
    fi

    # the verb's options that take a value, and the verb's words so far
    local with_value
    case $verb in
        impair) with_value="-l --lab --delay --jitter --loss --rate" ;;
        capture) with_value="-l --lab -w --write -c --count" ;;
        graph) with_value="-f --format -o --output" ;;
        gen) with_value="--depth --fanout --routing --name -o --output" ;;
        up | down | test) with_value="-l --lab --name" ;;
        *) with_value="-l --lab" ;;
    esac
    local lab="" args=() argpos=() j w
    for ((j = i + 1; j < cword; j++)); do
        w=${words[j]}
        if [[ $w == --lab=* ]]; then
            lab=${w#--lab=}
        elif [[ $w == -l?* && $w != -l*:* ]]; then
            lab=${w#-l}
        elif [[ $w == -* && " $with_value " == *" $w "* ]]; then
            [[ $w == -l || $w == --lab ]] && lab=${words[j + 1]}
            ((j++))
        elif [[ $w == -* ]] && ! [[ $verb == capture && ${#args[@]} -gt 0 ]]; then
            : # a flag (after capture's NODE:IFNAME, words are the filter's)
        elif [[ $w == -- ]]; then
            :
        else
            args+=("$w")
            argpos+=("$j")
        fi
        # after exec's node comes a command: its own words are not netlab's
        [[ $verb == exec && ${#args[@]} -eq 2 ]] && break
    done
    local nargs=${#args[@]}

    # values of options
    case $prev in
        -l | --lab)
            _netlab_labs
            return 0
            ;;
    esac
    case $verb:$prev in
        impair:--delay | impair:--jitter)
            _netlab_reply "1ms 5ms 10ms 20ms 50ms 100ms 500ms 1s"
            return 0
            ;;
        impair:--loss)
            _netlab_reply "0.1% 1% 5% 10% 50%"
            return 0
            ;;
        impair:--rate)
            _netlab_reply "64kbit 512kbit 1mbit 10mbit 100mbit 1gbit"
            return 0
            ;;
        capture:-w | capture:--write)
            _netlab_files pcap
            return 0
            ;;
        capture:-c | capture:--count | gen:--depth | gen:--fanout | gen:--name | up:--name | down:--name | test:--name)
            return 0
            ;;
        graph:-f | graph:--format)
            _netlab_reply "dot mermaid"
            return 0
            ;;
        graph:-o | graph:--output)
            _netlab_files '@(svg|png|pdf|dot|gv|md|mmd)'
            return 0
            ;;
        gen:--routing)
            _netlab_reply "static none"
            return 0
            ;;
        gen:-o | gen:--output)
            _netlab_json
            return 0
            ;;
    esac

    local opts=""
    case $verb in
        validate) opts="--explain --allow-host-paths" ;;
        up) opts="--allow-host-paths --name" ;;
        down) opts="--force --all --yes --name" ;;
        exec | shell | logs | restart | link) opts="-l" ;;
        status) opts="--json -l" ;;
        ping-all) opts="--json -l --timeout --sample --seed --from --to" ;;
        list) opts="--json" ;;
        impair) opts="-l --delay --jitter --loss --rate --both --clear" ;;
        capture) opts="-l -w -c" ;;
        test) opts="--json --fresh --allow-host-paths --name" ;;
        graph) opts="--format -o --allow-host-paths" ;;
        gen) opts="--depth --fanout --routers --hosts --switches --routing --ipv6 --name -o" ;;
    esac
    if [[ $cur == -* && $verb != exec ]] || [[ $cur == -* && $verb == exec && $nargs -eq 0 ]]; then
        _netlab_reply "$opts"
        return 0
    fi

    case $verb in
        validate | up | test | graph)
            ((nargs == 0)) && _netlab_json
            ;;
        down)
            if ((nargs == 0)) && [[ " ${words[*]} " != *" --all "* ]]; then
                _netlab_labs
                _netlab_json
            fi
            ;;
        status | ping-all)
            if ((nargs == 0)); then
                _netlab_labs
                _netlab_json
            fi
            ;;
        shell | logs | restart)
            ((nargs == 0)) && _netlab_nodes "$lab"
            ;;
        exec)
            if ((nargs == 0)); then
                _netlab_nodes "$lab"
            elif declare -F _command_offset >/dev/null; then
                # the command and its arguments, as bash completes them
                _command_offset "${argpos[1]:-$cword}"
            else
                mapfile -t COMPREPLY < <(compgen -c -- "$cur")
            fi
            ;;
        link)
            if ((nargs == 0)); then
                _netlab_ends "$lab"
            elif ((nargs == 1)); then
                _netlab_reply "up down"
            fi
            ;;
        impair)
            ((nargs == 0)) && _netlab_ends "$lab"
            ;;
        capture)
            if ((nargs == 0)); then
                _netlab_ends "$lab"
            else
                # the start of a pcap-filter(7) expression
                _netlab_reply "host net port src dst tcp udp icmp icmp6 arp ip ip6 vlan and or not"
            fi
            ;;
        gen)
            ((nargs == 0)) && _netlab_reply "line ring star full grid tree fattree clos"
            ;;
        help)
            ((nargs == 0)) && _netlab_reply "$verbs"
            ;;
    esac

    # readline completes what follows the last ':' when ':' breaks words (COMP_WORDS
    # then holds NODE, ':' and the rest apart): the replies must leave "NODE:" out
    if [[ $verb == @(link|impair|capture) && $cur == *:* &&
        ${COMP_WORDS[COMP_CWORD]} != "$cur" ]] &&
        declare -F __ltrim_colon_completions >/dev/null; then
        __ltrim_colon_completions "$cur"
    fi
    return 0
} && complete -F _netlab netlab
