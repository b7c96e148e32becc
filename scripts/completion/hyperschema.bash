# bash completion for hyperschema (written by `hyperschema completion bash`)
_hyperschema() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} prefix=""
  # --format=json: bash splits the word at `=` (COMP_WORDBREAKS); where it
  # does not, the value is completed after the option's `NAME=`.
  if [ "$cur" = "=" ]; then
    cur=""
  elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
    prev=${COMP_WORDS[COMP_CWORD-2]}
  elif [[ "$cur" == --*=* ]]; then
    prev=${cur%%=*}; prefix="$prev="; cur=${cur#*=}
  fi
  local valued=1
  case "$prev" in
    --out|-o) COMPREPLY=($(compgen -d -- "$cur")) ;;
    --dev-db) COMPREPLY=() ;;
    --migrations) COMPREPLY=($(compgen -d -- "$cur")) ;;
    --sources) COMPREPLY=() ;;
    --expect-name) COMPREPLY=() ;;
    --db) COMPREPLY=() ;;
    --db-file) COMPREPLY=($(compgen -f -- "$cur")) ;;
    --db-query) COMPREPLY=() ;;
    --jobs|-j) COMPREPLY=() ;;
    --report) COMPREPLY=($(compgen -f -- "$cur")) ;;
    --history-schema) COMPREPLY=() ;;
    --to) COMPREPLY=() ;;
    --format) COMPREPLY=($(compgen -W "text json mermaid dot" -- "$cur")) ;;
    --ignore) COMPREPLY=() ;;
    --namespace) COMPREPLY=() ;;
    --name) COMPREPLY=() ;;
    --pause) COMPREPLY=() ;;
    --max-rows-per-second) COMPREPLY=() ;;
    --max-batches) COMPREPLY=() ;;
    --color|--colour) COMPREPLY=($(compgen -W "auto always never" -- "$cur")) ;;
    *) valued=0 ;;
  esac
  if [ "$valued" -eq 1 ]; then
    COMPREPLY=("${COMPREPLY[@]/#/$prefix}"); return
  fi
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "init validate sql generate migrate verify diff pull graph json-schema check backfill completion --help --version" -- "$cur")); return
  fi
  local words="" command=${COMP_WORDS[1]}
  case "$command" in
    migrate) words="new up down status baseline" ;;
    backfill) words="run status verify" ;;
  esac
  if [ -n "$words" ] && [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur")); return
  fi
  [ -n "$words" ] && command="$command ${COMP_WORDS[2]}"
  local opts="" dirs=1
  case "$command" in
    "init") opts="--color --help"; dirs=1 ;;
    "validate") opts="--werror --dev-db --color --help"; dirs=1 ;;
    "sql") opts="--werror --color --help"; dirs=1 ;;
    "generate") opts="--out --check --migrations --sources --expect-name --werror --color --help"; dirs=1 ;;
    "migrate new") opts="--out --migrations --allow-destructive --dev-db --werror --color --help"; dirs=1 ;;
    "migrate up") opts="--db --db-file --db-query --jobs --report --format --to --dry-run --out --migrations --history-schema --color --help"; dirs=1 ;;
    "migrate down") opts="--db --dry-run --out --migrations --history-schema --color --help"; dirs=1 ;;
    "migrate status") opts="--db --out --migrations --history-schema --color --help"; dirs=1 ;;
    "migrate baseline") opts="--db --dry-run --out --migrations --history-schema --ignore --color --help"; dirs=1 ;;
    "verify") opts="--db --db-file --db-query --jobs --report --format --out --migrations --history-schema --ignore --no-job-health --definitions --color --help"; dirs=1 ;;
    "diff") opts="--db --out --migrations --allow-destructive --color --help"; dirs=1 ;;
    "pull") opts="--db --out --namespace --name --allow-unsupported --color --help"; dirs=0 ;;
    "graph") opts="--format --color --help"; dirs=1 ;;
    "json-schema") opts="--out --check --color --help"; dirs=0 ;;
    "check") opts="--out --format --dev-db --migrations --sources --werror --color --help"; dirs=1 ;;
    "backfill run") opts="--db --pause --max-rows-per-second --max-batches --restart --out --migrations --color --help"; dirs=1 ;;
    "backfill status") opts="--db --out --migrations --color --help"; dirs=1 ;;
    "backfill verify") opts="--db --out --migrations --color --help"; dirs=1 ;;
    "completion") opts="--color --help"; dirs=0 ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ "$dirs" -eq 1 ]; then
    COMPREPLY=($(compgen -d -- "$cur"))
  fi
}
complete -F _hyperschema hyperschema
