#pragma once

// Fleets: one schema, many databases (a database per customer or per site).
// migrate_fleet() and verify_fleet() do to each database what migrate() and
// verify() do to one, `jobs` databases at a time, and go on past a database
// that fails; the report has one row per database, in the order given:
//
//   auto fleet = hyperschema::fleet_of({"host=db1 dbname=site_01", "host=db1 dbname=site_02"});
//   auto report = hyperschema::migrate_fleet(fleet, migrations, {}, {.jobs = 8});
//   std::cout << report.text();          // or report.json()
//   return report.ok() ? 0 : 1;
//
// A database is named in reports by its database, host and port, never by its
// connection string, which may hold a password.

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "hyperschema/connection.hpp"
#include "hyperschema/detail/json.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/migrator.hpp"
#include "hyperschema/verify.hpp"

namespace hyperschema {

struct FleetDatabase {
    std::string conninfo;  // libpq keyword/value string or postgresql:// URI
    std::string label;     // "site_07 on db1:5432": what reports print
};

enum class FleetResult {
    Ok,      // migrated (or nothing pending), or verified clean
    Drift,   // verify: the database differs from the schema
    Failed,  // could not connect, a migration failed, the history disagrees, ...
};

inline const char* fleet_result_name(FleetResult r) {
    switch (r) {
        case FleetResult::Ok:
            return "ok";
        case FleetResult::Drift:
            return "drift";
        case FleetResult::Failed:
            return "failed";
    }
    return "failed";
}

// What happened on one database.
struct FleetOutcome {
    std::string label;
    FleetResult result = FleetResult::Ok;
    std::optional<int> version_before;  // migrate: the version it was at; verify: the one it is at
    std::optional<int> version_after;   // migrate: the version it reached
    int applied = 0;                    // migrate: migrations applied
    std::vector<Drift> drift;           // verify: every difference
    std::string message;                // failed: the error; drift: the first difference
    long long elapsed_ms = 0;
};

struct FleetOptions {
    // How many databases are worked on at once (at least 1).
    int jobs = 4;
    // Called as each database finishes (never two at once), with how many
    // have finished: progress for a long fleet run.
    std::function<void(const FleetOutcome&, size_t done, size_t total)> on_done;
};

struct FleetReport {
    std::string action;  // "migrate" or "verify"
    std::vector<FleetOutcome> databases;
    int jobs = 1;
    long long elapsed_ms = 0;

    size_t count(FleetResult r) const {
        return static_cast<size_t>(
            std::count_if(databases.begin(), databases.end(), [&](const FleetOutcome& o) { return o.result == r; }));
    }
    bool ok() const { return count(FleetResult::Ok) == databases.size(); }
    std::string text() const;
    std::string json() const;
};

namespace detail::fleet {

// libpq's own reading of a connection string (nullptr when it does not parse).
using ParsedConninfo = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;

inline ParsedConninfo parse_conninfo(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    // libpq's message can quote a piece of the string (a password among
    // them), so it is not passed on.
    if (error != nullptr) PQfreemem(error);
    return ParsedConninfo(options, &PQconninfoFree);
}

inline std::string option(const PQconninfoOption* options, const std::string& keyword) {
    for (const PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
        if (keyword == o->keyword && o->val != nullptr) return o->val;
    }
    return "";
}

// A value as a keyword/value string needs it: quoted, with \ and ' escaped.
inline std::string quoted_value(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    return out + "'";
}

inline std::string pad(std::string s, size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

inline std::string version_text(const FleetOutcome& o) {
    if (!o.version_before) return "-";
    if (!o.version_after || *o.version_after == *o.version_before) return std::to_string(*o.version_before);
    return std::to_string(*o.version_before) + " -> " + std::to_string(*o.version_after);
}

inline std::string optional_json(const std::optional<int>& v) {
    return v ? std::to_string(*v) : "null";
}

inline std::string first_line(const std::string& s) {
    return s.substr(0, s.find('\n'));
}

}  // namespace detail::fleet

// Whether libpq can read the connection string. When it cannot, its message
// may quote a piece of the string (a password among them): callers report
// such a string in words of their own.
inline bool conninfo_readable(const std::string& conninfo) {
    return detail::fleet::parse_conninfo(conninfo) != nullptr;
}

// How reports name a database: "site_07 on db1:5432" (a socket directory or
// the default host when none is given). Never the password.
inline std::string fleet_label(const std::string& conninfo) {
    auto options = detail::fleet::parse_conninfo(conninfo);
    if (!options) return "(a connection string libpq cannot read)";
    std::string db = detail::fleet::option(options.get(), "dbname");
    if (db.empty()) db = detail::fleet::option(options.get(), "user");
    if (db.empty()) db = "(default database)";
    std::string host = detail::fleet::option(options.get(), "host");
    if (host.empty()) host = detail::fleet::option(options.get(), "hostaddr");
    const std::string port = detail::fleet::option(options.get(), "port");
    if (host.empty() && port.empty()) return db;
    return db + " on " + (host.empty() ? "the default host" : host) + (port.empty() ? "" : ":" + port);
}

inline std::vector<FleetDatabase> fleet_of(const std::vector<std::string>& conninfos) {
    std::vector<FleetDatabase> fleet;
    for (const auto& c : conninfos) fleet.push_back({c, fleet_label(c)});
    return fleet;
}

// `conninfo` with its database replaced by `dbname`: how a list of database
// names becomes a fleet on one server.
inline std::string with_database(const std::string& conninfo, const std::string& dbname) {
    auto options = detail::fleet::parse_conninfo(conninfo);
    if (!options) throw error("the connection string to list the databases with does not parse");
    std::string out;
    for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
        if (o->val == nullptr || std::string(o->keyword) == "dbname") continue;
        out += std::string(o->keyword) + "=" + detail::fleet::quoted_value(o->val) + " ";
    }
    return out + "dbname=" + detail::fleet::quoted_value(dbname);
}

// The fleet a query lists, run on `conn` (opened with `conninfo`): the first
// column of each row, a connection string, or a bare database name on the same
// server (e.g. SELECT datname FROM pg_database WHERE datname LIKE 'site\_%').
inline std::vector<FleetDatabase> fleet_from_query(connection& conn, const std::string& conninfo,
                                                   const std::string& query) {
    std::vector<std::string> conninfos;
    detail::pqxx_bridge::translated("the fleet's query", [&] {
        pqxx::nontransaction tx(conn);
        for (const auto& row : tx.exec(query)) {
            if (row.size() == 0 || row[0].is_null()) continue;
            const std::string value = row[0].c_str();
            if (value.empty()) continue;  // would be the server's default database
            const bool bare_name = value.find('=') == std::string::npos && value.find("://") == std::string::npos;
            conninfos.push_back(bare_name ? with_database(conninfo, value) : value);
        }
    });
    return fleet_of(conninfos);
}

// Runs `work` on each database of the fleet, `options.jobs` at a time, each on
// a connection of its own; an exception fails that database only.
inline FleetReport run_fleet(const std::string& action, const std::vector<FleetDatabase>& fleet,
                             const std::function<void(connection&, FleetOutcome&)>& work,
                             const FleetOptions& options = {}) {
    using clock = std::chrono::steady_clock;
    auto ms_since = [](clock::time_point start) {
        return static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count());
    };
    FleetReport report;
    report.action = action;
    report.databases.resize(fleet.size());
    report.jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(std::max<size_t>(fleet.size(), 1))));
    std::atomic<size_t> next{0};
    std::mutex done_mutex;
    size_t done = 0;
    const auto started = clock::now();
    auto run_one = [&](size_t i) {
        FleetOutcome& outcome = report.databases[i];
        outcome.label = fleet[i].label;
        const auto start = clock::now();
        try {
            // libpq's message for a string it cannot read may quote a piece
            // of it (a password): such a database fails with words of ours.
            if (!conninfo_readable(fleet[i].conninfo))
                throw error("its connection string does not parse (libpq's key=value pairs or a postgresql:// URI)");
            auto conn = connect(fleet[i].conninfo);
            work(conn, outcome);
        } catch (const std::exception& e) {
            outcome.result = FleetResult::Failed;
            outcome.message = e.what();
        } catch (...) {
            outcome.result = FleetResult::Failed;
            outcome.message = "an exception that is not a std::exception";
        }
        outcome.elapsed_ms = ms_since(start);
        std::lock_guard lock(done_mutex);
        ++done;
        try {
            if (options.on_done) options.on_done(outcome, done, fleet.size());
        } catch (...) {
            // A progress callback that fails must not stop the fleet.
        }
    };
    auto worker = [&] {
        for (size_t i = next++; i < fleet.size(); i = next++) run_one(i);
    };
    // Joined however this function is left.
    struct Joined {
        std::vector<std::thread> threads;
        ~Joined() {
            for (auto& t : threads)
                if (t.joinable()) t.join();
        }
    } pool;
    for (int t = 1; t < report.jobs; ++t) {
        try {
            pool.threads.emplace_back(worker);
        } catch (const std::system_error&) {
            break;  // no more threads to be had: the ones started (and this one) share the work
        }
    }
    report.jobs = static_cast<int>(pool.threads.size()) + 1;
    worker();  // this thread is one of the jobs
    for (auto& t : pool.threads) t.join();
    report.elapsed_ms = ms_since(started);
    return report;
}

// migrate() on every database of the fleet. The options' log lines are
// prefixed with the database's label and never interleave.
inline FleetReport migrate_fleet(const std::vector<FleetDatabase>& fleet, const std::vector<Migration>& migrations,
                                 const MigrateOptions& options = {}, const FleetOptions& fleet_options = {},
                                 int target = -1) {
    // The callbacks are called one at a time, so that two databases' lines
    // never interleave where they print to one stream; lines carry the
    // database's label.
    std::mutex print_mutex;
    using Lines = std::function<void(const std::string&)>;
    auto labelled = [&print_mutex](const Lines& lines, const FleetOutcome& outcome) -> Lines {
        if (!lines) return {};
        return [&print_mutex, &lines, &outcome](const std::string& line) {
            std::lock_guard lock(print_mutex);
            lines(outcome.label + ": " + line);
        };
    };
    FleetOptions serialized = fleet_options;
    if (fleet_options.on_done) {
        serialized.on_done = [&](const FleetOutcome& outcome, size_t done, size_t total) {
            std::lock_guard lock(print_mutex);
            fleet_options.on_done(outcome, done, total);
        };
    }
    return run_fleet(
        "migrate", fleet,
        [&](connection& conn, FleetOutcome& outcome) {
            MigrateOptions own = options;
            own.log = labelled(options.log, outcome);
            own.progress = labelled(options.progress, outcome);
            if (options.backfill_progress) {
                own.backfill_progress = [&](const BackfillProgress& p) {
                    std::lock_guard lock(print_mutex);
                    options.backfill_progress(p);
                };
            }
            outcome.version_before = migration_status(conn, migrations, own).current();
            outcome.applied = migrate(conn, migrations, own, target);
            outcome.version_after = own.dry_run ? *outcome.version_before + outcome.applied
                                                : migration_status(conn, migrations, own).current();
        },
        serialized);
}

// verify() on every database of the fleet.
inline FleetReport verify_fleet(const std::vector<FleetDatabase>& fleet, const ExpectedSchema& schema,
                                const VerifyOptions& options = {}, const FleetOptions& fleet_options = {}) {
    return run_fleet(
        "verify", fleet,
        [&](connection& conn, FleetOutcome& outcome) {
            VerifyReport report = verify(conn, schema, options);
            outcome.version_before = report.database_version;
            outcome.drift = report.problems;
            if (!report.ok()) {
                outcome.result = FleetResult::Drift;
                const Drift& d = report.problems.front();
                outcome.message = d.object + ": " + d.message;
            }
        },
        fleet_options);
}

// One line per database, then the totals:
//   DATABASE               RESULT  VERSION  TIME    DETAIL
//   site_01 on db1:5432    ok      2 -> 3   212 ms
//   site_02 on db1:5432    failed  -        5 ms    could not connect to the server: ...
inline std::string FleetReport::text() const {
    using namespace detail::fleet;
    size_t width = std::string("DATABASE").size();
    for (const auto& o : databases) width = std::max(width, o.label.size());
    auto detail_of = [](const FleetOutcome& o) {
        if (o.result == FleetResult::Drift) {
            return std::to_string(o.drift.size()) + " difference(s); first: " + first_line(o.message);
        }
        if (o.result == FleetResult::Failed) return first_line(o.message);
        return std::string();
    };
    std::string out = pad("DATABASE", width) + "  RESULT  VERSION   TIME      DETAIL\n";
    for (const auto& o : databases) {
        std::string line = pad(o.label, width) + "  " + pad(fleet_result_name(o.result), 6) + "  " +
                           pad(version_text(o), 8) + "  " + pad(std::to_string(o.elapsed_ms) + " ms", 8) + "  " +
                           detail_of(o);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    out += action + ": " + std::to_string(databases.size()) + " database(s), " +
           std::to_string(count(FleetResult::Ok)) + " ok, " + std::to_string(count(FleetResult::Drift)) +
           " with drift, " + std::to_string(count(FleetResult::Failed)) + " failed, in " + std::to_string(elapsed_ms) +
           " ms with " + std::to_string(jobs) + " job(s)\n";
    return out;
}

inline std::string FleetReport::json() const {
    using detail::json_string;
    using namespace detail::fleet;
    std::string out = "{\"action\": " + json_string(action) + ", \"ok\": " + (ok() ? "true" : "false") +
                      ", \"jobs\": " + std::to_string(jobs) + ", \"elapsed_ms\": " + std::to_string(elapsed_ms) +
                      ", \"counts\": {\"ok\": " + std::to_string(count(FleetResult::Ok)) +
                      ", \"drift\": " + std::to_string(count(FleetResult::Drift)) +
                      ", \"failed\": " + std::to_string(count(FleetResult::Failed)) + "}, \"databases\": [";
    for (size_t i = 0; i < databases.size(); ++i) {
        const FleetOutcome& o = databases[i];
        out += std::string(i ? ", " : "") + "{\"database\": " + json_string(o.label) +
               ", \"result\": " + json_string(fleet_result_name(o.result)) +
               ", \"version_before\": " + optional_json(o.version_before) +
               ", \"version_after\": " + optional_json(o.version_after) +
               ", \"applied\": " + std::to_string(o.applied) + ", \"elapsed_ms\": " + std::to_string(o.elapsed_ms) +
               ", \"message\": " + json_string(o.message) + ", \"drift\": " + detail::drift_json(o.drift) + "}";
    }
    return out + "]}\n";
}

}  // namespace hyperschema
