// hyperschema: the command-line front end. Exit codes: 0 ok, 1 the check found
// a problem (invalid schema, stale output, pending changes), 2 usage or I/O error.

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "devdb/dev_database.hpp"
#include "emit/graph.hpp"
#include "emit/json_schema.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/version.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/outputs.hpp"

namespace fs = std::filesystem;
using namespace hyperschema;
using namespace hyperschema::cli;

namespace {

const char* kUsageText = R"(usage: hyperschema <command> [options] [DIR...]

commands:
  init [DIR]                     write a commented starter schema (DIR/schema.yaml) to edit
  validate [DIR...]              check schemas and report every error and warning
  sql [DIR]                      print the SQL that creates the schema in an empty database
  generate [DIR...]              write OUT/<schema>/: schema.sql, include/<schema>/*.hpp, src/<schema>.cpp
                                 (only files whose content changed)
  generate --check [DIR...]      write nothing; exit 1 if a generated file is missing or stale
  migrate new NAME [DIR...]      write the next migration: OUT/<schema>/migrations/NNNN_NAME.{up,down}.sql
  migrate up [DIR] [--to N]      apply pending migrations to the database (--db, or the PG* variables);
                                 to a fleet with several --db, --db-file or --db-query
  migrate down [N] [DIR]         revert the newest N applied migrations (default 1)
  migrate status [DIR]           list applied and pending migrations
  migrate baseline [DIR]         record every migration as applied without running any, in a database
                                 that already has the schema (built by hand or another tool); refused
                                 unless verify finds it identical
  verify [DIR]                   compare the live database with the schema; exit 1 on drift,
                                 failing TimescaleDB jobs or a too old TimescaleDB; a fleet as migrate up
  diff [DIR...]                  print the SQL the next migration would contain; write nothing
  diff --db DSN [DIR...]         print the SQL that takes the live database to the schema (its
                                 namespace pulled as the old state); write nothing
  pull [--out DIR]               write the YAML of a live database (--db; --namespace NAME, repeatable,
                                 default public) into DIR (default: the schema's name); exit 1 when
                                 an object is carried as SQL (`sql:`) or not at all, unless
                                 --allow-unsupported
  graph [DIR]                    print a diagram of the schema (--format mermaid, the default, or dot):
                                 tables and foreign keys, hypertables, aggregates with their sources,
                                 joins and buckets, views and what they read, policies as notes
  json-schema [--out DIR]        print the DSL's JSON Schema (for editors: completion, hover, checks as you
                                 type), or write DIR/hyperschema.schema.json when it changed (--check: exit
                                 1 when it is stale)
  completion bash|zsh            print the shell's completion script (installed with the package)
  check [DIR...]                 for CI: exit 1 unless migrations, checksums and generated files
                                 are in sync with the YAML
  backfill run NAME [DIR]        run (or resume) the data migration NAME in checkpointed batches (--db);
                                 progress on stderr; exit 1 when a batch fails its validation
  backfill status NAME [DIR]     where a backfill is: state, rows, rate, ETA (from any terminal)
  backfill verify NAME [DIR]     run the backfill's checks of the whole run; exit 1 when one fails

DIR is a schema directory (its *.yaml files form one schema) or a directory of
schema directories such as schemas/. It defaults to the current directory.

options:
  --out DIR              where generated files and migrations live (default: generated)
  --check                generate, json-schema: write nothing; exit 1 when a file is missing or stale
  --to N                 migrate up: stop at migration N
  --allow-destructive    let `migrate new` write a migration that loses data
  --db DSN               libpq connection string for migrate up/down/status (default: PG* variables);
                         repeated: a fleet (migrate up, verify)
  --db-file FILE         migrate up, verify: a fleet, one connection string per line (# comments)
  --db-query SQL         migrate up, verify: a fleet listed by a query run on --db: each row's first
                         column a connection string, or a database name on --db's server
  --jobs N, -j N         a fleet's databases worked on at once (default 4); a line per database on
                         stderr as it finishes, one table (--format json: JSON) at the end; exit 1
                         unless every database succeeded
  --report FILE          a fleet's JSON report, also written to FILE
  --migrations DIR       the migrations directory (default: OUT/<schema>/migrations); for generate,
                         the history to embed when OUT is elsewhere (a build directory)
  --history-schema NAME  where the history table lives (default: hyperschema)
  --sources N            generate, check: split the C++ definitions into N files (default 1):
                         src/<schema>.cpp and src/<schema>_1.cpp ... _<N-1>.cpp, for large schemas
  --expect-name NAME     generate: exit 1 unless the schema is named NAME (how a build checks the name
                         it derived from the directory or was given)
  --dry-run              print the SQL migrate up/down would run, run nothing
  --format text|json     output of `check` and `verify` (default: text)
  --format mermaid|dot   output of `graph` (default: mermaid)
  --ignore GLOB          verify: leave out unexpected objects named like GLOB (repeatable)
  --no-job-health        verify: do not report failing TimescaleDB jobs
  --definitions          verify: also compare each view's and aggregate's whole definition, built
                         again by the server in a transaction it rolls back (needs CREATE there)
  --namespace NAME       pull: the PostgreSQL schema to read (repeatable; each its own directory)
  --name NAME            pull: the schema's name (default: the namespace's, or for public the database's)
  --allow-unsupported    pull: exit 0 although some objects are carried as SQL
  --pause MS             backfill run: pause between batches (default: the definition's `pause`)
  --max-rows-per-second N  backfill run: keep the insert rate at most N (beside a live system)
  --max-batches N        backfill run: stop after N batches (a first look at the speed; rerun resumes)
  --restart              backfill run: start anew when the checkpoint is of another definition
  --werror               treat warnings as errors
  --dev-db DSN|local     validate, migrate new, check: also apply each valid schema (migrate new: the
                         last migration's state, the new migration up and down; check: the history
                         replayed, verified against the YAML and reverted) to a throwaway database
                         created through DSN (the role needs CREATEDB; the database is dropped
                         afterwards) and report what the server refuses at its YAML line; `local`
                         starts a throwaway cluster from this machine's PostgreSQL binaries
  --color auto|always|never  colour on stderr (default auto: on a terminal, unless NO_COLOR is set)
  --version              print the version
  -h, --help             print this help; after a command (`hyperschema migrate up --help`), that
                         command's options and examples

exit codes: 0 ok, 1 invalid schema, stale output, pending changes or drift, 2 usage or I/O error
)";

// --dev-db: each schema that passed the offline checks, applied to a
// throwaway database. What the server refuses is reported like a compiler error.
int validate_on_dev_db(const Options& o, std::vector<CompileResult>& results) {
    int code = kOk;
    if (std::none_of(results.begin(), results.end(), [](const CompileResult& r) { return r.ok(); })) return code;
    std::unique_ptr<devdb::DevServer> server;
    try {
        server = std::make_unique<devdb::DevServer>(o.dev_db);
    } catch (const devdb::unavailable& e) {
        std::cerr << error_prefix() << e.what() << "\n";
        return kUsage;
    }
    for (auto& r : results) {
        if (!r.ok()) continue;
        try {
            if (auto rejection = devdb::apply_schema(server->dsn(), r.schema)) {
                Diagnostics diags;
                devdb::report(*rejection, diags);
                std::cerr << diags.format(colour_on_stderr());
                code = kProblem;
                continue;
            }
        } catch (const devdb::unavailable& e) {
            std::cerr << error_prefix() << e.what() << "\n";
            return kUsage;
        }
        std::cout << r.schema.directory << ": the development database accepts it (" << r.schema.name << ")\n";
    }
    return code;
}

int run_validate(const Options& o) {
    std::vector<CompileResult> results;
    int code = compile_all(o, o.args, results);
    if (code == kUsage) return code;
    for (const auto& r : results) {
        if (r.ok()) std::cout << r.schema.directory << ": ok (" << r.schema.name << ")\n";
    }
    code = std::max(code, summarize(results));
    if (!o.dev_db.empty()) code = std::max(code, validate_on_dev_db(o, results));
    return code;
}

int run_sql(const Options& o) {
    if (o.args.size() > 1) {
        std::cerr << error_prefix() << "sql takes one schema directory\n";
        return kUsage;
    }
    std::vector<CompileResult> results;
    int code = compile_all(o, o.args, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (results.size() != 1) {
        std::cerr << error_prefix() << (o.args.empty() ? "." : o.args[0]) << " holds " << results.size()
                  << " schemas; name one of them\n";
        return kUsage;
    }
    std::cout << history::schema_sql(results[0].schema);
    return kOk;
}

// json-schema: the DSL's JSON Schema, printed, or written to OUT/hyperschema.schema.json
// (only when it changed) with --out.
int run_json_schema(const Options& o) {
    if (!o.args.empty()) {
        std::cerr << error_prefix() << "json-schema takes no directory; --out DIR writes DIR/" << emit::kJsonSchemaFile
                  << "\n";
        return kUsage;
    }
    const std::string schema = emit::dsl_json_schema();
    if (!o.out_given && !o.check) {
        std::cout << schema;
        return kOk;
    }
    bool stale = false;
    const int written = write_if_changed((fs::path(o.out) / emit::kJsonSchemaFile).string(), schema, o.check, stale);
    if (written != kOk) return written;
    return o.check && stale ? kProblem : kOk;
}

// completion bash|zsh: the script, written from the table of commands.
int run_completion(const Options& o) {
    const std::string script = o.args.size() == 1 ? completion_script(o.args[0]) : "";
    if (script.empty()) {
        std::cerr << error_prefix() << "completion takes bash or zsh\n";
        return kUsage;
    }
    std::cout << script;
    return kOk;
}

int run_graph(const Options& o) {
    if (o.args.size() > 1) {
        std::cerr << error_prefix() << "graph takes one schema directory\n";
        return kUsage;
    }
    if (o.format != "text" && o.format != "mermaid" && o.format != "dot") {
        std::cerr << error_prefix() << "graph draws --format mermaid or dot, not " << o.format << "\n";
        return kUsage;
    }
    std::vector<CompileResult> results;
    int code = compile_all(o, o.args, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (results.size() != 1) {
        std::cerr << error_prefix() << (o.args.empty() ? "." : o.args[0]) << " holds " << results.size()
                  << " schemas; name one of them\n";
        return kUsage;
    }
    std::cout << emit::schema_graph(results[0].schema,
                                    o.format == "dot" ? emit::GraphFormat::Dot : emit::GraphFormat::Mermaid);
    return kOk;
}

// The build (CMake's hyperschema_generate) derives the schema's name before
// the schema is read, to name its outputs; the schema itself is the judge.
int check_expected_name(const Options& o, const Schema& schema) {
    if (o.expect_name.empty() || schema.name == o.expect_name) return kOk;
    Diagnostics diags;
    const bool declared = schema.name_loc.known();
    diags.error(declared ? schema.name_loc : SourceLocation{schema.directory, 0, 0},
                "the schema is named `" + schema.name + "`" + (declared ? "" : " after its directory") +
                    ", but the build expects `" + o.expect_name + "`; pass `NAME " + schema.name +
                    "` to hyperschema_generate()");
    std::cerr << diags.format(colour_on_stderr());
    return kProblem;
}

int run_generate(const Options& o) {
    std::vector<CompileResult> results;
    int code = compile_all(o, o.args, results);
    if (code != kOk) return std::max(code, summarize(results));
    bool stale = false;
    if (!one_history(o, results)) return kUsage;
    if (!o.expect_name.empty() && results.size() != 1) {
        std::cerr << error_prefix() << "--expect-name is about one schema; name one schema directory\n";
        return kUsage;
    }
    if (!results.empty() && check_expected_name(o, results[0].schema) != kOk) return kProblem;
    for (const auto& r : results) {
        std::vector<GeneratedFile> files;
        try {
            files = generated_files(r.schema, o.out, o.migrations_dir, o.sources);
        } catch (const error& e) {
            std::cerr << error_prefix() << e.what() << "\n";
            return kProblem;
        }
        for (const auto& file : files) {
            int written = write_if_changed(file.path, file.content, o.check, stale);
            if (written != kOk) return written;
        }
        for (const auto& path : stale_generated_files(r.schema, o.out, files)) {
            stale = true;
            if (o.check) continue;
            std::error_code ec;
            std::filesystem::remove(path, ec);
            if (ec) {
                std::cerr << error_prefix() << "cannot remove " << path << ": " << ec.message() << "\n";
                return kUsage;
            }
            std::cout << "removed " << path << "\n";
        }
    }
    if (o.check && stale) {
        std::cerr << "generated files are out of date; run: hyperschema generate";
        for (const auto& p : o.args) std::cerr << " " << p;
        std::cerr << " --out " << o.out << "\n";
        return kProblem;
    }
    return kOk;
}

// Only `migrate up` and `verify` run on a fleet, so only they list the fleet's
// options; --db is the one option the others take too, once.
std::string fleet_misuse(const Options& o) {
    const bool two_words = (o.command == "migrate" || o.command == "backfill") && !o.args.empty();
    const std::string command = o.command + (two_words ? " " + o.args[0] : "");
    if (command != "verify" && command != "migrate up" && o.dbs.size() > 1)
        return "--db given " + std::to_string(o.dbs.size()) +
               " times: a fleet of databases is for `migrate up` and `verify`; `" + command + "` takes one --db";
    if (!o.db_query.empty() && o.dbs.size() > 1)
        return "--db-query runs on the one --db it lists the databases from; give --db once";
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--version") {
            std::cout << "hyperschema " << kVersion << "\n"
                      << "SQL for TimescaleDB " << kMinTimescaleVersion << " and later ("
                      << kMinTimescaleVersionForChunkSkipping << " for chunk skipping and aggregate joins, "
                      << kMinTimescaleVersionForJobs << " for jobs); tested on " << kTestedOn << "\n";
            return kOk;
        }
        if (a == "-h" || a == "--help") {
            // After a command: that command's help, with examples.
            const CommandSpec* command = find_command(std::vector<std::string>(argv + 1, argv + i));
            std::cout << (command ? command_help(*command) : std::string(kUsageText));
            return kOk;
        }
    }
    Options o;
    if (const auto problem = parse_arguments(argc, argv, o)) {
        std::cerr << error_prefix() << problem->message << "\n" << (problem->no_command ? kUsageText : "");
        return kUsage;
    }
    set_colour(o.colour);
    if (const std::string why = fleet_misuse(o); !why.empty()) {
        std::cerr << error_prefix() << why << "\n";
        return kUsage;
    }
    try {
        if (o.command == "validate") return run_validate(o);
        if (o.command == "sql") return run_sql(o);
        if (o.command == "graph") return run_graph(o);
        if (o.command == "json-schema") return run_json_schema(o);
        if (o.command == "completion") return run_completion(o);
        if (o.command == "init") return run_init(o);
        if (o.command == "generate") return run_generate(o);
        if (o.command == "migrate") return run_migrate(o);
        if (o.command == "diff") return run_diff(o);
        if (o.command == "check") return run_check(o);
        if (o.command == "verify") return run_verify(o);
        if (o.command == "pull") return run_pull(o);
        if (o.command == "backfill") return run_backfill_command(o);
    } catch (const std::exception& e) {
        std::cerr << "hyperschema: internal error: " << e.what() << "\n";
        return kUsage;
    }
    std::cerr << error_prefix() << "unknown command `" << o.command << "`\n" << kUsageText;
    return kUsage;
}
