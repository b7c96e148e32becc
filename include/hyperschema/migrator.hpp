#pragma once

// Applies migrations to a live database, safely:
// - a session-level advisory lock, so concurrent runners (many pods starting
//   at once) apply each migration exactly once; the others wait, then find it
//   applied;
// - each migration's transactional part in one transaction together with its
//   row in the history table, so a crash never leaves it half-applied;
// - statements that cannot run in a transaction (marked by the generator) run
//   around it, with the migration's progress recorded, so a crash between them
//   is resumed on the next run instead of silently skipped;
// - refusal when history and application disagree: an edited migration, a
//   database ahead of the application, a migration that stopped part-way in a
//   way that cannot be resumed.

#include <pqxx/pqxx>

#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hyperschema/backfill.hpp"
#include "hyperschema/detail/advisory_lock.hpp"
#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/migration.hpp"

namespace hyperschema {

struct MigrateOptions {
    // Where the history table lives; both must be plain lowercase identifiers.
    std::string history_schema = "hyperschema";
    std::string history_table = "schema_migrations";
    // Print the SQL that would run instead of running it.
    bool dry_run = false;
    // Progress lines ("0002_add_site: applied in 12 ms"); nothing when empty.
    std::function<void(const std::string&)> log;
    // How long to wait for another runner's migration lock before throwing
    // migration_lock_timeout; nullopt waits as long as it takes (migrations
    // that refresh large aggregates can take a while).
    std::optional<std::chrono::milliseconds> lock_wait;
    // Progress of the backfills migrations run (backfill.hpp); none when empty.
    std::function<void(const BackfillProgress&)> backfill_progress;
    // What runs now, before each step that can take long ("0003_daily: after
    // the transaction, statement 1 of 2: CALL refresh_continuous_aggregate(...)"):
    // a live status line; nothing when empty.
    std::function<void(const std::string&)> progress;
};

struct AppliedMigration {
    int version = 0;
    std::string name;
    std::string checksum;
    std::string state;  // applied, or started / transaction_done / reverting after a stop part-way
    std::string applied_at;
    long long execution_ms = 0;
    std::string applied_by;
};

struct MigrationStatus {
    std::vector<AppliedMigration> applied;  // by version
    std::vector<int> pending;               // versions the application has and the database lacks
    int current() const { return applied.empty() ? 0 : applied.back().version; }
};

namespace detail {

inline std::string checked_identifier(const std::string& name) {
    bool ok = !name.empty() && name.size() <= 63 && !(name[0] >= '0' && name[0] <= '9');
    for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok) throw usage_error("`" + name + "` is not a plain lowercase identifier (history schema and table names)");
    return "\"" + name + "\"";
}

class Migrator {
public:
    Migrator(connection& conn, const std::vector<Migration>& migrations, const MigrateOptions& options)
        : conn_(conn),
          migrations_(migrations),
          options_(options),
          table_(checked_identifier(options.history_schema) + "." + checked_identifier(options.history_table)) {
        for (size_t i = 0; i < migrations_.size(); ++i) {
            const Migration& m = migrations_[i];
            if (m.version != static_cast<int>(i) + 1)
                throw usage_error("the application's migrations must be numbered 1..N without gaps");
            checksums_.push_back(m.checksum());
            if (!m.recorded_checksum.empty() && m.recorded_checksum != checksums_.back())
                throw history_error("migration " + migration_stem(m.version, m.name) +
                                    " does not match the checksum recorded when it was generated (" +
                                    m.recorded_checksum.substr(0, 12) + "...); regenerate the header");
        }
    }

    // One runner per history table (see detail/advisory_lock.hpp).
    detail::AdvisoryLock lock() {
        const std::string key = "hyperschema:" + options_.history_schema + "." + options_.history_table;
        detail::AdvisoryLock::Waiting waiting;
        waiting.at_most = options_.lock_wait;
        waiting.on_first_wait = [this] {
            if (options_.log) options_.log("waiting for another migration runner to finish");
        };
        waiting.on_give_up = [this, key] {
            throw migration_lock_timeout("another migration runner held the migration lock (" + key +
                                         ") for longer than " + std::to_string(options_.lock_wait->count()) +
                                         " ms; nothing was applied");
        };
        return detail::AdvisoryLock(conn_, key, waiting);
    }

    // A migration's row goes started -> transaction_done -> applied on the way
    // up (when it has statements outside its transaction), and revert_started
    // -> revert_transaction_done -> deleted on the way down; a stop leaves the
    // state the next run resumes from. `reverting` is what releases before
    // these two left, stopped anywhere in a revert: it is not resumed.
    static constexpr const char* kStates =
        "'started', 'transaction_done', 'applied', 'reverting', 'revert_started', 'revert_transaction_done'";

    void ensure_history_table() {
        pqxx::work w(conn_);
        w.exec("CREATE SCHEMA IF NOT EXISTS " + checked_identifier(options_.history_schema));
        w.exec("CREATE TABLE IF NOT EXISTS " + table_ +
               " (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, "
               "state text NOT NULL CHECK (state IN (" +
               std::string(kStates) +
               ")), "
               "applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint, "
               "applied_by text NOT NULL DEFAULT current_user)");
        w.commit();
    }

    // A history table written by a release before the revert states existed
    // has a CHECK without them: replaced, once, by the first `down` that may
    // write them (an `up` never does, so it needs no owner's rights).
    void upgrade_state_check() {
        pqxx::work w(conn_);
        const pqxx::result old =
            pqxx_bridge::exec(w,
                              "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'c' "
                              "AND pg_get_constraintdef(oid) LIKE '%transaction_done%' "
                              "AND pg_get_constraintdef(oid) NOT LIKE '%revert_started%'",
                              options_.history_schema + "." + options_.history_table);
        if (old.empty()) return;
        w.exec("ALTER TABLE " + table_ + " DROP CONSTRAINT " + w.quote_name(old[0][0].c_str()) +
               ", ADD CHECK (state IN (" + std::string(kStates) + "))");
        w.commit();
    }

    // A revert this release resumes.
    static bool reverting(const std::string& state) {
        return state == "revert_started" || state == "revert_transaction_done";
    }

    bool history_exists() {
        pqxx::nontransaction n(conn_);
        return !pqxx_bridge::exec(n, "SELECT to_regclass($1)",
                                  options_.history_schema + "." + options_.history_table)[0][0]
                    .is_null();
    }

    std::vector<AppliedMigration> read_history() {
        std::vector<AppliedMigration> out;
        if (!history_exists()) return out;
        pqxx::nontransaction n(conn_);
        for (const auto& r :
             n.exec("SELECT version, name, checksum, state, applied_at::text, coalesce(execution_ms, 0), "
                    "applied_by FROM " +
                    table_ + " ORDER BY version")) {
            out.push_back({r[0].as<int>(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str(), r[5].as<long long>(),
                           r[6].c_str()});
        }
        return out;
    }

    // Refuses a history the application cannot continue.
    const std::string& checksum_of(const Migration& m) const { return checksums_[static_cast<size_t>(m.version - 1)]; }

    // `resuming_down`: a revert stopped part-way is the newest row, and the
    // down run finishes it; any other run refuses the history meanwhile.
    void check_history(const std::vector<AppliedMigration>& applied, bool resuming_down = false) {
        for (const auto& a : applied) {
            if (a.version > static_cast<int>(migrations_.size())) {
                throw database_ahead("the database has migration " + std::to_string(a.version) + " (" + a.name +
                                         ") that this application does not know: the database is ahead of the "
                                         "application (deploy the newer application, or migrate down with it)",
                                     applied.back().version, static_cast<int>(migrations_.size()));
            }
            const Migration& m = migrations_[a.version - 1];
            if (checksum_of(m) != a.checksum || m.name != a.name) {
                throw history_error("migration " + std::to_string(a.version) + " (" + a.name +
                                    ") was applied with checksum " + a.checksum.substr(0, 12) +
                                    "..., but the application's " + m.name + " has " + checksum_of(m).substr(0, 12) +
                                    "...: a migration was edited after it was applied; restore it and write a new one");
            }
            if (a.state == "reverting") {
                throw history_error("migration " + std::to_string(a.version) + " (" + a.name +
                                    ") stopped part-way while being reverted by an earlier release, which does not "
                                    "record whether its transaction committed; finish it by hand (run the "
                                    "statements after COMMIT in its down file, then delete its row from the history "
                                    "table) before migrating");
            }
            if (reverting(a.state) && !(resuming_down && &a == &applied.back())) {
                throw history_error("migration " + std::to_string(a.version) + " (" + a.name +
                                    ") stopped part-way while being reverted (state " + a.state +
                                    "); run `migrate down` again to finish reverting it, then migrate");
            }
        }
    }

    // Records every migration as applied without running any: for a database
    // that already is at the schema's state (`migrate baseline`, after verify).
    int baseline() {
        auto held = lock();
        if (!options_.dry_run) ensure_history_table();
        const std::vector<AppliedMigration> applied = read_history();
        if (!applied.empty())
            throw history_error("the database already has a migration history (at version " +
                                std::to_string(applied.back().version) +
                                "); baseline is for a database that has none: use `migrate up`");
        if (options_.dry_run) return static_cast<int>(migrations_.size());
        pqxx::work w(conn_);
        for (const auto& m : migrations_) {
            pqxx_bridge::exec(w,
                              "INSERT INTO " + table_ +
                                  " (version, name, checksum, state, execution_ms) VALUES ($1, $2, $3, 'applied', 0)",
                              m.version, m.name, checksum_of(m));
            say(migration_stem(m.version, m.name) + ": recorded as applied (baseline; nothing run)");
        }
        w.commit();
        return static_cast<int>(migrations_.size());
    }

    MigrationStatus status() {
        MigrationStatus s;
        s.applied = read_history();
        for (const auto& m : migrations_) {
            bool done = false;
            for (const auto& a : s.applied) done = done || (a.version == m.version && a.state == "applied");
            if (!done) s.pending.push_back(m.version);
        }
        return s;
    }

    int up(int target) {
        auto guard = lock();
        if (!options_.dry_run) ensure_history_table();
        auto applied = read_history();
        check_history(applied);
        if (target < 0 || target > static_cast<int>(migrations_.size())) target = static_cast<int>(migrations_.size());
        int count = 0;
        for (const auto& m : migrations_) {
            if (m.version > target) break;
            const AppliedMigration* row = find(applied, m.version);
            if (row && row->state == "applied") continue;
            apply_up(m, row);
            ++count;
        }
        if (count == 0) say("database is up to date (version " + std::to_string(target) + ")");
        return count;
    }

    int down(int target) {
        auto guard = lock();
        auto applied = read_history();
        check_history(applied, true);
        if (!applied.empty() && !options_.dry_run) upgrade_state_check();  // its CHECK knows every state
        int count = 0;
        for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
            // A revert stopped part-way is finished whatever the target.
            if (it->version <= target && !reverting(it->state)) break;
            apply_down(migrations_[it->version - 1], *it);
            ++count;
        }
        return count;
    }

private:
    static const AppliedMigration* find(const std::vector<AppliedMigration>& rows, int version) {
        for (const auto& r : rows) {
            if (r.version == version) return &r;
        }
        return nullptr;
    }

    void say(const std::string& line) {
        if (options_.log) options_.log(line);
    }

    // A step about to run, with the first line of its SQL.
    void starting(const Migration& m, const std::string& where, const std::string& sql) {
        if (!options_.progress) return;
        std::string first = sql.substr(0, sql.find('\n'));
        if (first.size() > 100) first = first.substr(0, 97) + "...";
        options_.progress(label(m) + ": " + where + (first.empty() ? "" : ": " + first));
    }

    static std::string label(const Migration& m) { return migration_stem(m.version, m.name); }

    // Runs f, one step of migration m: a server error becomes a
    // migration_error naming the migration, the step and the statement; a
    // lost connection stays connection_lost (rerun: the history resumes it).
    template <class F>
    void step(const Migration& m, const std::string& where, const std::string& statement, F&& f) {
        try {
            f();
        } catch (const pqxx::broken_connection& e) {
            throw connection_lost(
                label(m) + ": the connection was lost during " + where + ": " + pqxx_bridge::trimmed(e.what()), "",
                statement);
        } catch (const pqxx::sql_error& e) {
            throw migration_error(label(m) + " failed in " + where + ": " + pqxx_bridge::trimmed(e.what()), m.version,
                                  m.name, where, std::string(e.sqlstate()),
                                  e.query().empty() ? statement : std::string(e.query()));
        }
    }

    // Runs one statement outside a transaction; a backfill step runs in its
    // batches (it resumes from its own checkpoint when the migration does).
    void run_alone(const Migration& m, const std::string& where, const std::string& sql) {
        if (options_.dry_run) {
            say(sql);
            return;
        }
        if (sql.rfind(kBackfillMarker, 0) == 0) return run_backfill_step(m, where, sql);
        starting(m, where, sql);
        step(m, where, sql, [&] {
            pqxx::nontransaction n(conn_);
            n.exec(sql);
        });
    }

    void run_backfill_step(const Migration& m, const std::string& where, const std::string& sql) {
        const size_t line_end = sql.find('\n');
        const std::string json = sql.substr(std::strlen(kBackfillMarker), line_end - std::strlen(kBackfillMarker));
        const BackfillSpec spec = backfill_from_json(json);
        BackfillOptions options;
        options.log = options_.log;
        options.progress = options_.backfill_progress;
        try {
            run_backfill(conn_, spec, options);
        } catch (const backfill_error& e) {
            throw migration_error(label(m) + " failed in " + where + ": " + e.what(), m.version, m.name, where, "",
                                  "backfill " + spec.name);
        }
    }

    // The statements that run alone before or after the transaction, with their step names.
    void run_alone_all(const Migration& m, const std::vector<std::string>& statements, const char* when) {
        for (size_t i = 0; i < statements.size(); ++i)
            run_alone(m, std::string(when) + " the transaction, statement " + std::to_string(i + 1), statements[i]);
    }

    // --dry-run: the SQL in the order it would run.
    void print_plan(const Migration& m, const char* direction, const Script& script) {
        say("-- " + label(m) + " (" + direction + ")");
        for (const auto& s : script.before) say(s);
        if (!script.transaction.empty()) say("BEGIN;\n" + script.transaction + "COMMIT;");
        for (const auto& s : script.after) say(s);
    }

    void set_state(const Migration& m, const std::string& state, std::optional<long long> ms = std::nullopt) {
        pqxx::nontransaction n(conn_);
        pqxx_bridge::exec(n, "UPDATE " + table_ + " SET state = $2, execution_ms = $3 WHERE version = $1", m.version,
                          state, ms ? std::optional<long long>(*ms) : std::nullopt);
    }

    void apply_up(const Migration& m, const AppliedMigration* row) {
        const Script script = parse_script(m.up);
        const auto started = std::chrono::steady_clock::now();
        auto elapsed_ms = [&] {
            return static_cast<long long>(
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                    .count());
        };
        if (options_.dry_run) return print_plan(m, "up", script);
        const bool outside = !script.before.empty() || !script.after.empty();
        if (outside && !row) {
            pqxx::nontransaction n(conn_);
            pqxx_bridge::exec(
                n, "INSERT INTO " + table_ + " (version, name, checksum, state) VALUES ($1, $2, $3, 'started')",
                m.version, m.name, checksum_of(m));
        }
        if (row) say(label(m) + ": resuming after a stop in state " + row->state);
        const bool transaction_done = row && row->state == "transaction_done";
        if (!transaction_done) {
            run_alone_all(m, script.before, "before");
            starting(m, "the transaction", "");
            step(m, "the transaction (rolled back)", script.transaction, [&] {
                pqxx::work w(conn_);
                if (!script.transaction.empty()) w.exec(script.transaction);
                if (outside) {
                    pqxx_bridge::exec(w, "UPDATE " + table_ + " SET state = 'transaction_done' WHERE version = $1",
                                      m.version);
                } else {
                    pqxx_bridge::exec(
                        w,
                        "INSERT INTO " + table_ +
                            " (version, name, checksum, state, execution_ms) VALUES ($1, $2, $3, 'applied', $4)",
                        m.version, m.name, checksum_of(m), elapsed_ms());
                }
                w.commit();
            });
        }
        run_alone_all(m, script.after, "after");
        if (outside) set_state(m, "applied", elapsed_ms());
        say(label(m) + ": applied in " + std::to_string(elapsed_ms()) + " ms");
    }

    void apply_down(const Migration& m, const AppliedMigration& row) {
        const Script script = parse_script(m.down);
        const auto started = std::chrono::steady_clock::now();
        if (options_.dry_run) return print_plan(m, "down", script);
        const bool outside = !script.before.empty() || !script.after.empty();
        if (reverting(row.state)) say(label(m) + ": resuming the revert after a stop in state " + row.state);
        // Its transaction committed: only the statements after it are left.
        if (row.state != "revert_transaction_done") {
            if (outside) set_state(m, "revert_started");
            run_alone_all(m, script.before, "down, before");
            starting(m, "down, the transaction", "");
            step(m, "down, the transaction (rolled back)", script.transaction, [&] {
                pqxx::work w(conn_);
                if (!script.transaction.empty()) w.exec(script.transaction);
                if (outside)
                    pqxx_bridge::exec(
                        w, "UPDATE " + table_ + " SET state = 'revert_transaction_done' WHERE version = $1", m.version);
                else
                    pqxx_bridge::exec(w, "DELETE FROM " + table_ + " WHERE version = $1", m.version);
                w.commit();
            });
        }
        run_alone_all(m, script.after, "down, after");
        if (outside) {
            pqxx::nontransaction n(conn_);
            pqxx_bridge::exec(n, "DELETE FROM " + table_ + " WHERE version = $1", m.version);
        }
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        say(label(m) + ": reverted in " + std::to_string(ms.count()) + " ms");
    }

    connection& conn_;
    const std::vector<Migration>& migrations_;
    std::vector<std::string> checksums_;  // of migrations_, computed once
    MigrateOptions options_;
    std::string table_;
};

}  // namespace detail

// Applies every pending migration (up to `target` when given); returns how
// many ran. Throws migration_error (a step failed: version, name, step,
// statement), history_error / database_ahead (history and application
// disagree: nothing is applied), migration_lock_timeout, connection_lost.
inline int migrate(connection& conn, const std::vector<Migration>& migrations, const MigrateOptions& options = {},
                   int target = -1) {
    return detail::pqxx_bridge::translated("migrate",
                                           [&] { return detail::Migrator(conn, migrations, options).up(target); });
}

// Reverts applied migrations above `target` (0: all), newest first; returns how many.
inline int migrate_down(connection& conn, const std::vector<Migration>& migrations, int target,
                        const MigrateOptions& options = {}) {
    return detail::pqxx_bridge::translated("migrate down",
                                           [&] { return detail::Migrator(conn, migrations, options).down(target); });
}

// Records every migration as applied, running none: how a database that
// already has the schema (built by hand or another tool) starts being
// versioned. Check it first (verify()); throws history_error when the
// database already has a history. Returns how many were recorded.
inline int baseline(connection& conn, const std::vector<Migration>& migrations, const MigrateOptions& options = {}) {
    return detail::pqxx_bridge::translated("baseline",
                                           [&] { return detail::Migrator(conn, migrations, options).baseline(); });
}

inline MigrationStatus migration_status(connection& conn, const std::vector<Migration>& migrations,
                                        const MigrateOptions& options = {}) {
    return detail::pqxx_bridge::translated("migration status",
                                           [&] { return detail::Migrator(conn, migrations, options).status(); });
}

}  // namespace hyperschema
