// migrate up | down [N] | status and verify: the runtime's migrator and
// verifier on the command line, for deploy jobs. The connection string follows libpq (and the PG*
// environment variables); it is never printed, since it may hold a password.

#include <iostream>

#include "cli/common.hpp"
#include "emit/expected_schema.hpp"
#include "hyperschema/hyperschema.hpp"
#include "migrate/migrations.hpp"

namespace hyperschema::cli {
namespace {

// The migrations of the one schema named on the command line.
int find_migrations(const Options& o, const std::vector<std::string>& paths, std::string& dir) {
    if (!o.migrations_dir.empty()) {
        dir = o.migrations_dir;
        return kOk;
    }
    std::vector<CompileResult> results;
    int code = compile_all(o, paths, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (results.size() != 1) {
        std::cerr << error_prefix() << "name one schema directory (or --migrations DIR)\n";
        return kUsage;
    }
    dir = migrations_dir(o, results[0].schema);
    return kOk;
}

std::string where(connection& conn) {
    return std::string("database ") + conn.dbname() + (conn.hostname() ? std::string(" on ") + conn.hostname() : "");
}

// Database errors as the CLI reports them; returns the exit code.
int report_failure(const std::exception_ptr& failure) {
    clear_live_line();
    try {
        std::rethrow_exception(failure);
    } catch (const history_error& e) {
        std::cerr << refused_prefix() << e.what() << "\n";
        return kProblem;
    } catch (const connection_lost& e) {
        std::cerr << error_prefix() << e.what() << "\n";
        return kUsage;
    } catch (const migration_lock_timeout& e) {
        std::cerr << error_prefix() << e.what() << "\n";
        return kUsage;
    } catch (const error& e) {
        std::cerr << error_prefix() << e.what() << "\n";
        if (!e.statement().empty()) std::cerr << "statement:\n" << e.statement() << "\n";
        if (!e.sqlstate().empty()) std::cerr << "SQLSTATE " << e.sqlstate() << "\n";
        return kProblem;
    }
}

}  // namespace

int run_verify(const Options& o) {
    std::vector<CompileResult> results;
    int code = compile_all(o, o.args, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (results.size() != 1) {
        std::cerr << error_prefix() << "verify takes one schema directory\n";
        return kUsage;
    }
    const Schema& schema = results[0].schema;
    const int version = history::read_history(migrations_dir(o, schema)).last_version();
    VerifyOptions options;
    options.ignore = o.ignore;
    options.history_schema = o.history_schema;
    options.job_health = !o.no_job_health;
    options.definitions = o.definitions;
    if (fleet_requested(o)) return run_fleet_verify(o, emit::expected_schema_of(schema, version), options);
    try {
        auto conn = connect(o.db);
        VerifyReport report = verify(conn, emit::expected_schema_of(schema, version), options);
        std::cout << (o.format == "json" ? report.json() : report.text());
        return report.ok() ? kOk : kProblem;
    } catch (...) {
        return report_failure(std::current_exception());
    }
}

// migrate baseline [DIR]: verify first, then record the history without running it.
int run_baseline(const Options& o, const std::vector<std::string>& paths) {
    std::vector<CompileResult> results;
    int code = compile_all(o, paths, results);
    if (code != kOk) return std::max(code, summarize(results));
    if (results.size() != 1) {
        std::cerr << error_prefix() << "migrate baseline takes one schema directory\n";
        return kUsage;
    }
    const Schema& schema = results[0].schema;
    const std::string dir = o.migrations_dir.empty() ? migrations_dir(o, schema) : o.migrations_dir;
    try {
        std::vector<Migration> migrations = load_migrations(dir);
        if (migrations.empty()) {
            std::cerr << refused_prefix() << dir
                      << " has no migration to record; write the first one: hyperschema migrate new initial "
                      << schema.directory << "\n";
            return kProblem;
        }
        // Verified against the YAML, recorded as the migrations: they must say the same.
        if (const std::string why = unmigrated_changes(o, schema); !why.empty()) {
            std::cerr << refused_prefix() << dir << ": " << why << "\n";
            return kProblem;
        }
        auto conn = connect(o.db);
        VerifyOptions verify_options;
        verify_options.history_schema = o.history_schema;
        verify_options.job_health = false;  // the jobs' health is not the schema's state
        verify_options.ignore = o.ignore;
        VerifyReport report =
            verify(conn, emit::expected_schema_of(schema, static_cast<int>(migrations.size())), verify_options);
        if (!report.ok()) {
            std::cerr << refused_prefix() << where(conn)
                      << " is not at the schema's state; nothing was recorded. The differences:\n"
                      << report.text();
            return kProblem;
        }
        MigrateOptions options;
        options.history_schema = o.history_schema;
        options.dry_run = o.dry_run;
        options.log = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
        const int n = baseline(conn, migrations, options);
        std::cout << where(conn) << ": " << n << " migration(s) " << (o.dry_run ? "would be recorded" : "recorded")
                  << " as applied; it is at version " << n << "\n";
        return kOk;
    } catch (...) {
        return report_failure(std::current_exception());
    }
}

int run_database_migrate(const Options& o) {
    const std::string action = o.args[0];
    std::vector<std::string> rest(o.args.begin() + 1, o.args.end());
    int steps = 1;
    if (action == "down" && !rest.empty() && rest[0].find_first_not_of("0123456789") == std::string::npos) {
        steps = std::stoi(rest[0].substr(0, 6));
        rest.erase(rest.begin());
    }
    if (action == "baseline") return run_baseline(o, rest);
    std::string dir;
    if (int code = find_migrations(o, rest, dir); code != kOk) return code;
    try {
        std::vector<Migration> migrations = load_migrations(dir);
        if (fleet_requested(o)) return run_fleet_migrate(o, migrations);
        auto conn = connect(o.db);
        MigrateOptions options;
        options.history_schema = o.history_schema;
        options.dry_run = o.dry_run;
        options.log = log_printer();
        options.progress = step_progress_printer();
        options.backfill_progress = backfill_progress_printer();
        if (action == "status") {
            MigrationStatus s = migration_status(conn, migrations, options);
            std::cout << where(conn) << ": at version " << s.current() << " of " << migrations.size() << "\n";
            for (const auto& a : s.applied) {
                std::cout << "  " << a.version << " " << a.name << "  " << a.state << "  " << a.applied_at << "  "
                          << a.execution_ms << " ms  by " << a.applied_by << "\n";
            }
            for (int v : s.pending) std::cout << "  " << v << " " << migrations[v - 1].name << "  pending\n";
            return s.pending.empty() ? kOk : kProblem;
        }
        if (action == "up") {
            int n = migrate(conn, migrations, options, o.to);
            std::cout << where(conn) << ": " << n << " migration(s) " << (o.dry_run ? "would be applied" : "applied")
                      << "\n";
            return kOk;
        }
        MigrationStatus s = migration_status(conn, migrations, options);
        int target = std::max(0, s.current() - steps);
        int n = migrate_down(conn, migrations, target, options);
        std::cout << where(conn) << ": " << n << " migration(s) " << (o.dry_run ? "would be reverted" : "reverted")
                  << ", now at version " << target << "\n";
        return kOk;
    } catch (...) {
        return report_failure(std::current_exception());
    }
}

}  // namespace hyperschema::cli
