// migrate new, diff and check: the migration workflow. The YAML is the desired
// state; snapshot.yaml beside the migrations is the state they produce; the
// next migration is the diff between the two.

#include <iostream>
#include <sstream>

#include "cli/common.hpp"
#include "devdb/dev_database.hpp"
#include "diff/diff.hpp"
#include "emit/expected_schema.hpp"
#include "emit/yaml_writer.hpp"
#include "hyperschema/connection.hpp"
#include "hyperschema/detail/json.hpp"
#include "hyperschema/migration.hpp"
#include "hyperschema/migrator.hpp"
#include "hyperschema/verify.hpp"
#include "migrate/migrations.hpp"
#include "migrate/schema_script.hpp"
#include "pipeline/outputs.hpp"

namespace hyperschema::cli {
namespace {

// The state the existing migrations leave a database in: the snapshot, or
// an empty schema before the first migration.
struct Baseline {
    Schema schema;
    std::string error;  // the snapshot could not be read back
};

Baseline baseline_of(const history::History& history, const Schema& current) {
    Baseline b;
    b.schema.name = current.name;
    b.schema.namespace_ = current.namespace_;
    if (!history.snapshot) return b;
    CompileResult r = compile_texts({{history.dir + "/" + history::kSnapshotFile, *history.snapshot}}, current.name);
    if (!r.ok()) {
        b.error = "the snapshot of the last migration does not read back:\n" + r.diags.format();
        return b;
    }
    b.schema = std::move(r.schema);
    return b;
}

// Unsupported changes, with their locations, as compiler errors.
bool report_unsupported(const diff::Plan& plan) {
    for (const auto& [loc, reason] : plan.unsupported) {
        Diagnostic d{Severity::Error, loc, reason + "; hyperschema cannot write this migration", {}};
        std::cerr << format_diagnostic(d);
    }
    return !plan.unsupported.empty();
}

std::vector<std::string> irreversible_of(const diff::Plan& plan) {
    std::vector<std::string> out;
    for (const auto& c : plan.changes) {
        if (!c.irreversible.empty()) out.push_back(c.irreversible);
    }
    return out;
}

std::vector<std::string> history_problems(const history::History& history) {
    std::vector<std::string> problems = history.problems;
    for (auto& p : history::checksum_problems(history.dir, history)) problems.push_back(p);
    if (!history.migrations.empty() && !history.snapshot)
        problems.push_back(std::string(history::kSnapshotFile) + " is missing");
    return problems;
}

int new_migration(const Options& o, const CompileResult& compiled, const std::string& name) {
    const Schema& current = compiled.schema;
    const std::string dir = migrations_dir(o, current);
    history::History history = history::read_history(dir);
    auto problems = history_problems(history);
    if (!problems.empty()) {
        std::cerr << dir << ": the migration history needs attention before a new migration:\n";
        for (const auto& p : problems) std::cerr << "  " << p << "\n";
        return kProblem;
    }
    Baseline base = baseline_of(history, current);
    if (!base.error.empty()) {
        std::cerr << dir << ": " << base.error;
        return kProblem;
    }
    diff::Plan up = diff::diff_schemas(base.schema, current, diff::Direction::Up);
    if (report_unsupported(up)) return kProblem;
    if (up.changes.empty()) {
        std::cout << current.name << ": no changes since "
                  << (history.migrations.empty() ? "the beginning" : history.migrations.back().stem)
                  << "; nothing written\n";
        return kOk;
    }
    if (up.destructive() && !o.allow_destructive) {
        std::cerr << current.name << ": this migration would lose data:\n";
        for (const auto& c : up.changes) {
            if (!c.data_at_risk.empty()) std::cerr << "  " << c.summary << ": " << c.data_at_risk << "\n";
        }
        std::cerr << "review it with `hyperschema diff`, then run again with --allow-destructive if that is intended\n";
        return kProblem;
    }
    diff::Plan down = diff::diff_schemas(current, base.schema, diff::Direction::Down);
    // What the reverse diff cannot express (a hypertable back to a table, a
    // removed enum label) stays in place on the way down; the file says so.
    std::vector<std::string> not_undone = irreversible_of(up);
    for (const auto& [loc, reason] : down.unsupported) not_undone.push_back(reason);
    if (!o.dev_db.empty()) {
        // Tried on a throwaway database before anything is written.
        try {
            devdb::DevServer server(o.dev_db);
            if (auto rejection = devdb::try_migration(server.dsn(), base.schema, current, up, down)) {
                Diagnostics diags;
                devdb::report(*rejection, diags);
                std::cerr << diags.format(colour_on_stderr()) << current.name << ": the migration was not written\n";
                return kProblem;
            }
        } catch (const devdb::unavailable& e) {
            std::cerr << error_prefix() << e.what() << "\n";
            return kUsage;
        }
    }
    const std::string stem = migration_stem(history.last_version() + 1, name);
    bool stale = false;
    const std::string up_sql = history::render_migration(up, current.name, stem, true, irreversible_of(down));
    const std::string down_sql = history::render_migration(down, current.name, stem, false, not_undone);
    for (const auto& [file, text] :
         std::vector<std::pair<std::string, std::string>>{{stem + ".up.sql", up_sql},
                                                          {stem + ".down.sql", down_sql},
                                                          {history::kSnapshotFile, emit::schema_yaml(current)}}) {
        if (int code = write_if_changed(dir + "/" + file, text, false, stale); code != kOk) return code;
    }
    history::History written = history::read_history(dir);
    if (int code = write_if_changed(dir + "/" + history::kSumFile, history::checksum_text(dir, written), false, stale);
        code != kOk)
        return code;
    for (const auto& i : not_undone) {
        std::cerr << dir << "/" << stem << ".down.sql: warning: the down migration cannot restore " << i << "\n";
    }
    return kOk;
}

using detail::json_string;

struct SchemaCheck {
    std::string schema;
    std::vector<std::string> problems;
    std::string pending_sql;
};

SchemaCheck check_schema(const Options& o, const CompileResult& compiled) {
    const Schema& current = compiled.schema;
    SchemaCheck result{current.name, {}, ""};
    const std::string dir = migrations_dir(o, current);
    history::History history = history::read_history(dir);
    result.problems = history_problems(history);
    if (history.migrations.empty()) {
        result.problems.push_back("no migrations in " + dir + "; create the first with: hyperschema migrate new init " +
                                  current.directory);
    }
    Baseline base = baseline_of(history, current);
    if (!base.error.empty()) {
        result.problems.push_back(base.error);
    } else if (!history.migrations.empty()) {
        diff::Plan pending = diff::diff_schemas(base.schema, current, diff::Direction::Up);
        if (!pending.empty()) {
            result.problems.push_back(
                "the YAML has changes that no migration contains; run: hyperschema migrate new "
                "<name> " +
                current.directory);
            result.pending_sql = history::render_migration(pending, current.name, "pending", true, {});
        }
    }
    try {
        const auto files = generated_files(current, o.out, o.migrations_dir, o.sources);
        for (const auto& file : files) {
            std::string on_disk;
            if (!read_file(file.path, on_disk) || on_disk != file.content) {
                result.problems.push_back(file.path + " is missing or out of date; run: hyperschema generate " +
                                          current.directory + " --out " + o.out);
            }
        }
        for (const auto& path : stale_generated_files(current, o.out, files))
            result.problems.push_back(path + " is left from an earlier generation; run: hyperschema generate " +
                                      current.directory + " --out " + o.out);
    } catch (const error& e) {
        result.problems.push_back(e.what());
    }
    return result;
}

// check --dev-db: the migration history replayed by the runtime's migrator in
// a throwaway database, as `migrate up` runs it on a real one, then verified
// against the YAML, then reverted to nothing. What fails is a problem of the
// check, named by migration (the SQL files, not the YAML, are what runs).
std::optional<std::string> replay_on_dev_db(const Options& o, const Schema& current, const std::string& dir,
                                            devdb::DevServer& server) {
    const auto rejection = devdb::in_scratch_database(
        server.dsn(), [&](void*, const std::string& scratch) -> std::optional<devdb::Rejection> {
            const std::vector<Migration> migrations = load_migrations(dir);
            auto conn = connect(scratch);
            MigrateOptions options;
            options.history_schema = o.history_schema;
            auto refused = [](const std::string& what, const std::string& why) {
                devdb::Rejection r;
                r.summary = what;
                r.message = why;
                return r;
            };
            try {
                migrate(conn, migrations, options);
            } catch (const error& e) {
                return refused("migrate up", e.what());
            }
            VerifyOptions verify_options;
            verify_options.history_schema = o.history_schema;
            verify_options.job_health = false;  // the scheduler's business, not the migrations'
            const VerifyReport report =
                verify(conn, emit::expected_schema_of(current, static_cast<int>(migrations.size())), verify_options);
            if (!report.ok()) return refused("verify after migrate up", report.text());
            try {
                migrate_down(conn, migrations, 0, options);
            } catch (const error& e) {
                return refused("migrate down to 0", e.what());
            }
            return std::nullopt;
        });
    if (!rejection) return std::nullopt;
    return "the migrations, replayed in a throwaway database: " + rejection->summary + " failed: " + rejection->message;
}

void print_checks(const Options& o, const std::vector<SchemaCheck>& checks) {
    if (o.format == "json") {
        std::ostringstream out;
        bool ok = true;
        out << "{\"schemas\": [";
        for (size_t i = 0; i < checks.size(); ++i) {
            const auto& c = checks[i];
            ok = ok && c.problems.empty();
            out << (i ? ", " : "") << "{\"schema\": " << json_string(c.schema)
                << ", \"ok\": " << (c.problems.empty() ? "true" : "false") << ", \"problems\": [";
            for (size_t j = 0; j < c.problems.size(); ++j) out << (j ? ", " : "") << json_string(c.problems[j]);
            out << "], \"pending_sql\": " << (c.pending_sql.empty() ? "null" : json_string(c.pending_sql)) << "}";
        }
        out << "], \"ok\": " << (ok ? "true" : "false") << "}\n";
        std::cout << out.str();
        return;
    }
    for (const auto& c : checks) {
        if (c.problems.empty()) {
            std::cout << c.schema << ": ok\n";
            continue;
        }
        std::cout << c.schema << ": " << c.problems.size() << " problem(s)\n";
        for (const auto& p : c.problems) std::cout << "  " << p << "\n";
        if (!c.pending_sql.empty()) std::cout << "\nThe next migration would contain:\n\n" << c.pending_sql << "\n";
    }
}

}  // namespace

int run_migrate(const Options& o) {
    if (!o.args.empty() &&
        (o.args[0] == "up" || o.args[0] == "down" || o.args[0] == "status" || o.args[0] == "baseline")) {
        return run_database_migrate(o);
    }
    if (o.args.size() < 2 || o.args[0] != "new") {
        std::cerr << error_prefix()
                  << "usage: hyperschema migrate new NAME [DIR...] | up | down [N] | status | "
                     "baseline\n";
        return kUsage;
    }
    std::string why;
    auto name = history::migration_name(o.args[1], &why);
    if (!name) {
        std::cerr << error_prefix() << why << "\n";
        return kUsage;
    }
    std::vector<CompileResult> results;
    int code = compile_all(o, {o.args.begin() + 2, o.args.end()}, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (!one_history(o, results)) return kUsage;
    for (const auto& r : results) code = std::max(code, new_migration(o, r, *name));
    return code;
}

std::string unmigrated_changes(const Options& o, const Schema& schema) {
    const history::History history = history::read_history(migrations_dir(o, schema));
    if (auto problems = history_problems(history); !problems.empty()) return problems.front();
    Baseline base = baseline_of(history, schema);
    if (!base.error.empty()) return base.error;
    diff::Plan pending = diff::diff_schemas(base.schema, schema, diff::Direction::Up);
    if (pending.changes.empty() && pending.unsupported.empty()) return "";
    return "the YAML has changes that no migration holds yet (" +
           (pending.changes.empty() ? std::string("unsupported ones") : pending.changes.front().summary) +
           (pending.changes.size() > 1 ? ", ..." : "") + "); write them first: hyperschema migrate new NAME";
}

// diff --db: the live database, pulled, is the old state.
int diff_database(const Options& o, const CompileResult& r) {
    pull::PulledSchema pulled;
    try {
        auto conn = connect(o.db);
        pulled = pull::pull_schema(conn, r.schema.namespace_, r.schema.name);
    } catch (const std::exception& e) {
        std::cerr << error_prefix() << e.what() << "\n";
        return kUsage;
    }
    if (!pulled.compiled.ok()) {
        std::cerr << pulled.compiled.diags.format(colour_on_stderr()) << "hyperschema: the database's namespace "
                  << r.schema.namespace_
                  << " holds what the DSL cannot express yet (the compiler's findings on its pulled YAML, above); "
                     "no plan\n";
        return kProblem;
    }
    diff::Plan up = diff::diff_schemas(pulled.compiled.schema, r.schema, diff::Direction::Up);
    if (report_unsupported(up)) return kProblem;
    if (up.changes.empty()) {
        std::cout << "-- " << r.schema.name << ": the database has the schema; no changes\n";
        return kOk;
    }
    if (up.destructive() && !o.allow_destructive) {
        std::cerr << r.schema.name << ": taking the database to the schema would lose data:\n";
        for (const auto& c : up.changes)
            if (!c.data_at_risk.empty()) std::cerr << "  " << c.summary << ": " << c.data_at_risk << "\n";
        std::cerr << "run again with --allow-destructive to print the SQL anyway\n";
        return kProblem;
    }
    std::cout << history::render_migration(up, r.schema.name, "database", true, {});
    return kOk;
}

int run_diff(const Options& o) {
    std::vector<CompileResult> results;
    int code = compile_all(o, o.args, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (o.db_given) {
        for (const auto& r : results) code = std::max(code, diff_database(o, r));
        return code;
    }
    if (!one_history(o, results)) return kUsage;
    for (const auto& r : results) {
        history::History history = history::read_history(migrations_dir(o, r.schema));
        Baseline base = baseline_of(history, r.schema);
        if (!base.error.empty()) {
            std::cerr << base.error;
            return kProblem;
        }
        diff::Plan up = diff::diff_schemas(base.schema, r.schema, diff::Direction::Up);
        if (report_unsupported(up)) return kProblem;
        if (up.changes.empty()) {
            std::cout << "-- " << r.schema.name << ": no changes\n";
            continue;
        }
        std::cout << history::render_migration(up, r.schema.name, "pending", true, {});
    }
    return kOk;
}

int run_check(const Options& o) {
    std::vector<CompileResult> results;
    int code = compile_all(o, o.args, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (!one_history(o, results)) return kUsage;
    std::vector<SchemaCheck> checks;
    for (const auto& r : results) checks.push_back(check_schema(o, r));
    if (!o.dev_db.empty()) {
        try {
            devdb::DevServer server(o.dev_db);
            for (size_t i = 0; i < results.size(); ++i) {
                // Only a history that is otherwise in order is worth replaying.
                if (!checks[i].problems.empty()) continue;
                const Schema& schema = results[i].schema;
                if (auto problem = replay_on_dev_db(o, schema, migrations_dir(o, schema), server))
                    checks[i].problems.push_back(*problem);
            }
        } catch (const devdb::unavailable& e) {
            std::cerr << error_prefix() << e.what() << "\n";
            return kUsage;
        }
    }
    print_checks(o, checks);
    for (const auto& c : checks) {
        if (!c.problems.empty()) return kProblem;
    }
    return kOk;
}

}  // namespace hyperschema::cli
