#include "cli/commands.hpp"

#include <algorithm>

#include "cli/options.hpp"

namespace hyperschema::cli {

namespace {

// The number in `value` when it is a whole number from `min` to `max`; else
// an OptionError saying what the option `takes`.
long long whole_number(const std::string& value, long long min, long long max, const std::string& takes) {
    if (value.empty() || value.size() > 12 || value.find_first_not_of("0123456789") != std::string::npos)
        throw OptionError(takes);
    const long long n = std::stoll(value);
    if (n < min || n > max) throw OptionError(takes);
    return n;
}

// `value`, unless it is empty (`--name=`), which no option means.
std::string given(const std::string& value, std::string_view option) {
    if (value.empty()) throw OptionError(std::string(option) + " needs a value");
    return value;
}

}  // namespace

const std::vector<OptionSpec>& option_specs() {
    // clang-format off
    static const std::vector<OptionSpec> options = {
        {"--out", "DIR", "where generated files and migrations live (default: generated)",
         [](Options& o, const std::string& v) { o.out = given(v, "--out"); o.out_given = true; }, {}, false, "-o"},
        {"--check", "", "write nothing; exit 1 when a file is missing or stale",
         [](Options& o, const std::string&) { o.check = true; }},
        {"--werror", "", "treat warnings as errors",
         [](Options& o, const std::string&) { o.werror = true; }},
        {"--dev-db", "DSN|local",
         "also apply to a throwaway database created through DSN (dropped afterwards); `local` starts a "
         "throwaway cluster from this machine's PostgreSQL",
         [](Options& o, const std::string& v) { o.dev_db = given(v, "--dev-db"); }},
        {"--allow-destructive", "", "let the migration drop or rewrite data",
         [](Options& o, const std::string&) { o.allow_destructive = true; }},
        {"--migrations", "DIR", "the migrations directory (default: OUT/<schema>/migrations)",
         [](Options& o, const std::string& v) { o.migrations_dir = given(v, "--migrations"); }},
        {"--sources", "N", "split the C++ definitions into N files (default 1)",
         [](Options& o, const std::string& v) {
             o.sources = static_cast<int>(whole_number(v, 1, 64, "--sources takes a number of files from 1 to 64"));
         }},
        {"--expect-name", "NAME", "exit 1 unless the schema is named NAME",
         [](Options& o, const std::string& v) { o.expect_name = given(v, "--expect-name"); }},
        {"--db", "DSN", "libpq connection string (default: the PG* variables); repeated: a fleet",
         [](Options& o, const std::string& v) { o.dbs.push_back(v); o.db = v; o.db_given = true; }, {}, true},
        {"--db-file", "FILE", "a fleet: one connection string per line (# comments)",
         [](Options& o, const std::string& v) { o.db_file = given(v, "--db-file"); }},
        {"--db-query", "SQL", "a fleet listed by a query run on --db (connection strings or database names)",
         [](Options& o, const std::string& v) { o.db_query = given(v, "--db-query"); }},
        {"--jobs", "N", "a fleet's databases worked on at once (default 4)",
         [](Options& o, const std::string& v) {
             o.jobs = static_cast<int>(
                 whole_number(v, 1, 999, "--jobs takes a number of databases to work on at once, from 1 to 999"));
             o.jobs_given = true;
         }, {}, false, "-j"},
        {"--report", "FILE", "write a fleet's JSON report to FILE too",
         [](Options& o, const std::string& v) { o.report_file = given(v, "--report"); }},
        {"--history-schema", "NAME", "where the history table lives (default: hyperschema)",
         [](Options& o, const std::string& v) { o.history_schema = given(v, "--history-schema"); }},
        {"--to", "N", "stop at migration N",
         [](Options& o, const std::string& v) {
             o.to = static_cast<int>(whole_number(v, 0, 999999, "--to takes a migration number"));
         }},
        {"--dry-run", "", "print the SQL that would run; run nothing",
         [](Options& o, const std::string&) { o.dry_run = true; }},
        {"--format", "FORMAT", "output format",
         [](Options& o, const std::string& v) { o.format = v; }, {"text", "json", "mermaid", "dot"}},
        {"--ignore", "GLOB", "leave out unexpected objects named like GLOB (repeatable)",
         [](Options& o, const std::string& v) { o.ignore.push_back(given(v, "--ignore")); }, {}, true},
        {"--no-job-health", "", "do not report failing TimescaleDB jobs",
         [](Options& o, const std::string&) { o.no_job_health = true; }},
        {"--definitions", "",
         "also compare each view's and aggregate's whole definition, built again by the server and rolled back",
         [](Options& o, const std::string&) { o.definitions = true; }},
        {"--namespace", "NAME", "the PostgreSQL schema to read (repeatable; default public)",
         [](Options& o, const std::string& v) { o.namespaces.push_back(given(v, "--namespace")); }, {}, true},
        {"--name", "NAME", "the pulled schema's name",
         [](Options& o, const std::string& v) { o.name = given(v, "--name"); }},
        {"--allow-unsupported", "", "exit 0 although some objects are carried as SQL",
         [](Options& o, const std::string&) { o.allow_unsupported = true; }},
        {"--pause", "MS", "pause between batches",
         [](Options& o, const std::string& v) { o.pause_ms = whole_number(v, 0, 999999999999, "--pause takes a whole number"); }},
        {"--max-rows-per-second", "N", "keep the insert rate at most N",
         [](Options& o, const std::string& v) {
             o.max_rows_per_second = static_cast<double>(
                 whole_number(v, 0, 999999999999, "--max-rows-per-second takes a whole number"));
         }},
        {"--max-batches", "N", "stop after N batches (rerun resumes)",
         [](Options& o, const std::string& v) {
             o.max_batches = whole_number(v, 0, 999999999999, "--max-batches takes a whole number");
         }},
        {"--restart", "", "start anew when the checkpoint is of another definition",
         [](Options& o, const std::string&) { o.restart = true; }},
        {"--color", "WHEN", "colour on stderr: auto (on a terminal, unless NO_COLOR), always, never",
         [](Options& o, const std::string& v) { o.colour = v; }, {"auto", "always", "never"}, false, "--colour"},
        {"--help", "", "print this help",
         [](Options&, const std::string&) {}, {}, false, "-h"},
    };
    // clang-format on
    return options;
}

const std::vector<CommandSpec>& command_specs() {
    static const std::vector<CommandSpec> commands = {
        {"init",
         "init [DIR]",
         "Write a commented starter schema (DIR/schema.yaml) to edit; never over a schema.",
         {},
         {"hyperschema init energy"}},
        {"validate",
         "validate [DIR...]",
         "Check schemas and report every error and warning at file:line:column.",
         {"--werror", "--dev-db"},
         {"hyperschema validate schemas", "hyperschema validate energy --dev-db local"}},
        {"sql",
         "sql [DIR]",
         "Print the SQL that creates the schema in an empty database.",
         {"--werror"},
         {"hyperschema sql schemas/heatpump | psql"}},
        {"generate",
         "generate [DIR...]",
         "Write OUT/<schema>/: schema.sql, include/<schema>/*.hpp and src/<schema>.cpp, only files whose "
         "content changed.",
         {"--out", "--check", "--migrations", "--sources", "--expect-name", "--werror"},
         {"hyperschema generate schemas --out generated", "hyperschema generate --check schemas"}},
        {"migrate new",
         "migrate new NAME [DIR...]",
         "Write the next migration, OUT/<schema>/migrations/NNNN_NAME.{up,down}.sql, from the difference between "
         "the YAML and the last migration's snapshot.",
         {"--out", "--migrations", "--allow-destructive", "--dev-db", "--werror"},
         {"hyperschema migrate new add_site schemas/heatpump"}},
        {"migrate up",
         "migrate up [DIR]",
         "Apply pending migrations to the database, or to every database of a fleet (several --db, --db-file, "
         "--db-query), --jobs at a time: a line per database, one table at the end; exit 1 unless all succeeded.",
         {"--db", "--db-file", "--db-query", "--jobs", "--report", "--format", "--to", "--dry-run", "--out",
          "--migrations", "--history-schema"},
         {"hyperschema migrate up schemas/heatpump --db \"$DATABASE_URL\"",
          "hyperschema migrate up schemas/heatpump --db-file sites.txt --jobs 8"}},
        {"migrate down",
         "migrate down [N] [DIR]",
         "Revert the newest N applied migrations (default 1).",
         {"--db", "--dry-run", "--out", "--migrations", "--history-schema"},
         {"hyperschema migrate down 1 schemas/heatpump --db \"$DATABASE_URL\""}},
        {"migrate status",
         "migrate status [DIR]",
         "List applied and pending migrations; exit 1 when some are pending.",
         {"--db", "--out", "--migrations", "--history-schema"},
         {"hyperschema migrate status schemas/heatpump --db \"$DATABASE_URL\""}},
        {"migrate baseline",
         "migrate baseline [DIR]",
         "Record every migration as applied without running any, in a database that already has the schema; "
         "refused unless verify finds it identical.",
         {"--db", "--dry-run", "--out", "--migrations", "--history-schema", "--ignore"},
         {"hyperschema migrate baseline legacy --db \"$DATABASE_URL\""}},
        {"verify",
         "verify [DIR]",
         "Compare the live database (or each of a fleet) with the schema; exit 1 on drift, failing TimescaleDB "
         "jobs or a too old TimescaleDB.",
         {"--db", "--db-file", "--db-query", "--jobs", "--report", "--format", "--out", "--migrations",
          "--history-schema", "--ignore", "--no-job-health", "--definitions"},
         {"hyperschema verify schemas/heatpump --db \"$DATABASE_URL\" --format json",
          "hyperschema verify schemas/heatpump --db-file sites.txt --jobs 8 --report verify.json"}},
        {"diff",
         "diff [DIR...]",
         "Print the SQL the next migration would contain (with --db: the SQL that takes the live database to the "
         "schema); write nothing.",
         {"--db", "--out", "--migrations", "--allow-destructive"},
         {"hyperschema diff schemas/heatpump", "hyperschema diff schemas/heatpump --db \"$DATABASE_URL\""}},
        {"pull",
         "pull",
         "Write the YAML of a live database; exit 1 when an object is carried as SQL or not at all.",
         {"--db", "--out", "--namespace", "--name", "--allow-unsupported"},
         {"hyperschema pull --db \"$DATABASE_URL\" --out schemas/legacy"},
         false},
        {"graph",
         "graph [DIR]",
         "Print a diagram of the schema: tables and foreign keys, hypertables, aggregates with their sources and "
         "buckets, views, policies.",
         {"--format"},
         {"hyperschema graph schemas/heatpump", "hyperschema graph schemas/heatpump --format dot | dot -Tsvg"}},
        {"json-schema",
         "json-schema",
         "Print the DSL's JSON Schema (editor completion, hover and checks), or write OUT/hyperschema.schema.json "
         "when it changed.",
         {"--out", "--check"},
         {"hyperschema json-schema --out generated"},
         false},
        {"check",
         "check [DIR...]",
         "For CI: exit 1 unless migrations, checksums and generated files are in sync with the YAML.",
         {"--out", "--format", "--dev-db", "--migrations", "--sources", "--werror"},
         {"hyperschema check schemas --out generated"}},
        {"backfill run",
         "backfill run NAME [DIR]",
         "Run (or resume) the data migration NAME in checkpointed batches; progress on stderr.",
         {"--db", "--pause", "--max-rows-per-second", "--max-batches", "--restart", "--out", "--migrations"},
         {"hyperschema backfill run readings_to_points schemas/points --db \"$DATABASE_URL\""}},
        {"backfill status",
         "backfill status NAME [DIR]",
         "Where a backfill is: state, rows, rate, ETA.",
         {"--db", "--out", "--migrations"},
         {"hyperschema backfill status readings_to_points schemas/points --db \"$DATABASE_URL\""}},
        {"backfill verify",
         "backfill verify NAME [DIR]",
         "Run the backfill's checks of the whole run.",
         {"--db", "--out", "--migrations"},
         {"hyperschema backfill verify readings_to_points schemas/points --db \"$DATABASE_URL\""}},
        {"completion",
         "completion bash|zsh",
         "Print the shell completion script (also installed with the package).",
         {},
         {"source <(hyperschema completion bash)", "hyperschema completion zsh > ~/.zfunc/_hyperschema"},
         false},
    };
    return commands;
}

const OptionSpec* find_option(std::string_view name) {
    for (const auto& o : option_specs())
        if (o.name == name) return &o;
    return nullptr;
}

namespace {

// The command's own options, then the ones every command takes.
std::vector<std::string_view> options_of(const CommandSpec& command) {
    std::vector<std::string_view> names = command.options;
    names.push_back("--color");
    names.push_back("--help");
    return names;
}

}  // namespace

const CommandSpec* find_command(const std::vector<std::string>& words) {
    const CommandSpec* best = nullptr;
    for (const auto& c : command_specs()) {
        const std::string_view name = c.name;
        const size_t space = name.find(' ');
        const bool matches = space == std::string_view::npos ? !words.empty() && words[0] == name
                                                             : words.size() >= 2 && words[0] == name.substr(0, space) &&
                                                                   words[1] == name.substr(space + 1);
        if (matches) best = &c;
    }
    return best;
}

std::string command_help(const CommandSpec& command) {
    std::string out =
        "usage: hyperschema " + std::string(command.synopsis) + " [options]\n\n" + std::string(command.summary) + "\n";
    out += "\noptions:\n";
    for (auto name : options_of(command)) {
        const OptionSpec* o = find_option(name);
        if (o == nullptr) continue;
        std::string left = "  " + std::string(o->name) + (o->value.empty() ? "" : " " + std::string(o->value));
        if (left.size() < 26)
            left.append(26 - left.size(), ' ');
        else
            left += "\n" + std::string(26, ' ');
        out += left + std::string(o->help) + "\n";
    }
    if (!command.examples.empty()) {
        out += "\nexamples:\n";
        for (auto e : command.examples) out += "  " + std::string(e) + "\n";
    }
    return out;
}

namespace {

std::string words(const std::vector<std::string_view>& list) {
    std::string out;
    for (auto w : list) out += (out.empty() ? "" : " ") + std::string(w);
    return out;
}

std::vector<std::string_view> top_level_words() {
    std::vector<std::string_view> out;
    for (const auto& c : command_specs()) {
        const std::string_view first = c.name.substr(0, c.name.find(' '));
        if (std::find(out.begin(), out.end(), first) == out.end()) out.push_back(first);
    }
    return out;
}

std::vector<std::string_view> sub_words(std::string_view first) {
    std::vector<std::string_view> out;
    for (const auto& c : command_specs()) {
        const size_t space = c.name.find(' ');
        if (space != std::string_view::npos && c.name.substr(0, space) == first)
            out.push_back(c.name.substr(space + 1));
    }
    return out;
}

std::string option_words(const CommandSpec& c) {
    return words(options_of(c));
}

// bash: the command's words, then its options; values of --format/--color
// from their choices, files for FILE, directories for DIR.
std::string bash_script() {
    std::string cases;
    for (const auto& c : command_specs()) {
        cases += "    \"" + std::string(c.name) + "\") opts=\"" + option_words(c) +
                 "\"; dirs=" + (c.takes_directories ? "1" : "0") + " ;;\n";
    }
    std::string subs;
    for (auto first : top_level_words()) {
        auto s = sub_words(first);
        if (!s.empty()) subs += "    " + std::string(first) + ") words=\"" + words(s) + "\" ;;\n";
    }
    std::string values;
    for (const auto& o : option_specs()) {
        if (o.value.empty()) continue;
        std::string action = !o.choices.empty()  ? "COMPREPLY=($(compgen -W \"" + words(o.choices) + "\" -- \"$cur\"))"
                             : o.value == "DIR"  ? "COMPREPLY=($(compgen -d -- \"$cur\"))"
                             : o.value == "FILE" ? "COMPREPLY=($(compgen -f -- \"$cur\"))"
                                                 : "COMPREPLY=()";
        const std::string names = std::string(o.name) + (o.alias.empty() ? "" : "|" + std::string(o.alias));
        values += "    " + names + ") " + action + " ;;\n";
    }
    return "# bash completion for hyperschema (written by `hyperschema completion bash`)\n"
           "_hyperschema() {\n"
           "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} prefix=\"\"\n"
           "  # --format=json: bash splits the word at `=` (COMP_WORDBREAKS); where it\n"
           "  # does not, the value is completed after the option's `NAME=`.\n"
           "  if [ \"$cur\" = \"=\" ]; then\n"
           "    cur=\"\"\n"
           "  elif [ \"$prev\" = \"=\" ] && [ \"$COMP_CWORD\" -ge 2 ]; then\n"
           "    prev=${COMP_WORDS[COMP_CWORD-2]}\n"
           "  elif [[ \"$cur\" == --*=* ]]; then\n"
           "    prev=${cur%%=*}; prefix=\"$prev=\"; cur=${cur#*=}\n"
           "  fi\n"
           "  local valued=1\n"
           "  case \"$prev\" in\n" +
           values +
           "    *) valued=0 ;;\n"
           "  esac\n"
           "  if [ \"$valued\" -eq 1 ]; then\n"
           "    COMPREPLY=(\"${COMPREPLY[@]/#/$prefix}\"); return\n"
           "  fi\n"
           "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
           "    COMPREPLY=($(compgen -W \"" +
           words(top_level_words()) +
           " --help --version\" -- \"$cur\")); return\n"
           "  fi\n"
           "  local words=\"\" command=${COMP_WORDS[1]}\n"
           "  case \"$command\" in\n" +
           subs +
           "  esac\n"
           "  if [ -n \"$words\" ] && [ \"$COMP_CWORD\" -eq 2 ]; then\n"
           "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\")); return\n"
           "  fi\n"
           "  [ -n \"$words\" ] && command=\"$command ${COMP_WORDS[2]}\"\n"
           "  local opts=\"\" dirs=1\n"
           "  case \"$command\" in\n" +
           cases +
           "  esac\n"
           "  if [[ \"$cur\" == -* ]]; then\n"
           "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
           "  elif [ \"$dirs\" -eq 1 ]; then\n"
           "    COMPREPLY=($(compgen -d -- \"$cur\"))\n"
           "  fi\n"
           "}\n"
           "complete -F _hyperschema hyperschema\n";
}

// zsh: _arguments per command, from the same rows; an alias (`-o`) is a spec
// of its own with the same help and value.
std::string zsh_spec(const OptionSpec& o, std::string_view name) {
    std::string help(o.help);
    for (char& c : help)
        if (c == '[' || c == ']' || c == '\'' || c == ':') c = ' ';
    std::string spec = std::string("'") + (o.repeatable ? "*" : "") + std::string(name) + "[" + help + "]";
    if (!o.value.empty()) {
        spec += ":" + std::string(o.value) + ":";
        spec += !o.choices.empty()  ? "(" + words(o.choices) + ")"
                : o.value == "DIR"  ? "_files -/"
                : o.value == "FILE" ? "_files"
                                    : " ";
    }
    return spec + "'";
}

std::string zsh_script() {
    std::string cases;
    for (const auto& c : command_specs()) {
        std::string specs;
        for (auto n : options_of(c))
            if (const OptionSpec* o = find_option(n)) {
                specs += " \\\n        " + zsh_spec(*o, o->name);
                if (!o->alias.empty()) specs += " \\\n        " + zsh_spec(*o, o->alias);
            }
        cases += "    \"" + std::string(c.name) + "\")\n      _arguments -s" + specs +
                 (c.takes_directories ? " \\\n        '*:directory:_files -/'" : "") + " ;;\n";
    }
    std::string described;
    for (auto first : top_level_words()) {
        for (const auto& c : command_specs()) {
            if (c.name.substr(0, c.name.find(' ')) != first) continue;
            std::string summary(c.summary.substr(0, c.summary.find(';')));
            summary = summary.substr(0, summary.find('.'));
            for (char& ch : summary)
                if (ch == '\'' || ch == ':') ch = ' ';
            described += "    '" + std::string(first) + ":" + summary + "'\n";
            break;
        }
    }
    std::string subs;
    for (auto first : top_level_words()) {
        auto s = sub_words(first);
        if (!s.empty()) subs += "    " + std::string(first) + ") _values 'subcommand' " + words(s) + "; return ;;\n";
    }
    return "#compdef hyperschema\n"
           "# zsh completion for hyperschema (written by `hyperschema completion zsh`)\n"
           "_hyperschema() {\n"
           "  local -a commands\n"
           "  commands=(\n" +
           described +
           "  )\n"
           "  if (( CURRENT == 2 )); then\n"
           "    _describe 'command' commands; return\n"
           "  fi\n"
           "  local command=${words[2]}\n"
           "  if (( CURRENT == 3 )); then\n"
           "    case $command in\n" +
           subs +
           "    esac\n"
           "  fi\n"
           "  # _arguments reads words[1] as the command's name: drop what precedes it.\n"
           "  case $command in\n"
           "    migrate|backfill) command=\"$command ${words[3]}\"; shift 2 words; (( CURRENT -= 2 )) ;;\n"
           "    *) shift words; (( CURRENT -= 1 )) ;;\n"
           "  esac\n"
           "  case $command in\n" +
           cases +
           "  esac\n"
           "}\n"
           "_hyperschema \"$@\"\n";
}

}  // namespace

std::string completion_script(std::string_view shell) {
    if (shell == "bash") return bash_script();
    if (shell == "zsh") return zsh_script();
    return "";
}

}  // namespace hyperschema::cli
