// migrate up and verify on a fleet: every database named by --db (repeated),
// --db-file (one connection string per line) or --db-query (a query that
// lists them), --jobs at a time. A line per database on stderr as it
// finishes, then one summary table (or JSON) on stdout; exit 1 unless every
// database succeeded. Connection strings are never printed.

#include <fstream>
#include <iostream>

#include "cli/common.hpp"
#include "hyperschema/fleet.hpp"

namespace hyperschema::cli {
namespace {

// --db-file: one connection string per line; blank lines and lines starting
// with # are skipped.
bool read_db_file(const std::string& path, std::vector<std::string>& conninfos) {
    std::ifstream in(path);
    if (!in) {
        std::cerr << error_prefix() << "cannot read --db-file " << path << "\n";
        return false;
    }
    std::string line;
    while (std::getline(in, line)) {
        const size_t start = line.find_first_not_of(" \t\r");
        if (start == std::string::npos || line[start] == '#') continue;
        const size_t end = line.find_last_not_of(" \t\r");
        conninfos.push_back(line.substr(start, end - start + 1));
    }
    return true;
}

void print_progress(const FleetOutcome& o, size_t done, size_t total) {
    std::cerr << "[" << done << "/" << total << "] " << o.label << ": " << fleet_result_name(o.result);
    if (o.version_before) {
        std::cerr << " at version " << (o.version_after ? *o.version_after : *o.version_before);
    }
    std::cerr << " (" << o.elapsed_ms << " ms)";
    if (!o.message.empty()) std::cerr << ": " << o.message.substr(0, o.message.find('\n'));
    std::cerr << "\n" << std::flush;
}

int print_report(const Options& o, const FleetReport& report) {
    std::cout << (o.format == "json" ? report.json() : report.text());
    if (!o.report_file.empty()) {
        std::ofstream out(o.report_file, std::ios::trunc);
        out << report.json();
        out.close();
        if (!out) {
            std::cerr << error_prefix() << "cannot write --report " << o.report_file << "\n";
            return kUsage;
        }
    }
    return report.ok() ? kOk : kProblem;
}

FleetOptions fleet_options(const Options& o) {
    FleetOptions options;
    options.jobs = o.jobs;
    options.on_done = print_progress;
    return options;
}

int collect_fleet(const Options& o, std::vector<FleetDatabase>& fleet) {
    std::vector<std::string> conninfos = o.db_query.empty() ? o.dbs : std::vector<std::string>{};
    if (!o.db_file.empty() && !read_db_file(o.db_file, conninfos)) return kUsage;
    // A fleet of one: --jobs or --report with at most one --db (or the PG* environment).
    if (o.db_file.empty() && o.db_query.empty() && conninfos.empty()) conninfos.push_back(o.db);
    fleet = fleet_of(conninfos);
    if (!o.db_query.empty()) {
        // The query runs on --db (or the PG* environment) and lists the fleet.
        try {
            if (!conninfo_readable(o.db)) {
                std::cerr << error_prefix() << "--db-query: the --db connection string does not parse\n";
                return kUsage;
            }
            auto conn = connect(o.db);
            auto listed = fleet_from_query(conn, o.db, o.db_query);
            fleet.insert(fleet.end(), listed.begin(), listed.end());
        } catch (const std::exception& e) {
            std::cerr << error_prefix() << "--db-query: " << e.what() << "\n";
            return kUsage;
        }
    }
    if (fleet.empty()) {
        std::cerr << error_prefix() << "the fleet is empty: "
                  << (o.db_query.empty() ? o.db_file + " names no database" : "--db-query listed no database") << "\n";
        return kUsage;
    }
    return kOk;
}

}  // namespace

// Several databases, or the fleet's own options (--jobs, --report) on one.
bool fleet_requested(const Options& o) {
    return o.dbs.size() > 1 || !o.db_file.empty() || !o.db_query.empty() || !o.report_file.empty() || o.jobs_given;
}

int run_fleet_migrate(const Options& o, const std::vector<Migration>& migrations) {
    std::vector<FleetDatabase> fleet;
    if (int code = collect_fleet(o, fleet); code != kOk) return code;
    MigrateOptions options;
    options.history_schema = o.history_schema;
    options.dry_run = o.dry_run;
    options.log = [](const std::string& line) { std::cerr << line << "\n" << std::flush; };
    return print_report(o, migrate_fleet(fleet, migrations, options, fleet_options(o), o.to));
}

int run_fleet_verify(const Options& o, const ExpectedSchema& expected, const VerifyOptions& options) {
    std::vector<FleetDatabase> fleet;
    if (int code = collect_fleet(o, fleet); code != kOk) return code;
    return print_report(o, verify_fleet(fleet, expected, options, fleet_options(o)));
}

}  // namespace hyperschema::cli
