#pragma once

// Data migrations (backfills): a set-based transformation, INSERT ... SELECT
// over one batch of a source's key range, run batch after batch. Each batch
// commits together with its checkpoint row (hyperschema.backfills), so a run
// killed at any moment loses at most the batch in flight, and a rerun
// continues after the last committed batch without scanning what is done.
//
// - Batches are key ranges [start, end): multiples of the batch size, and
//   never across a chunk boundary of the source hypertable when the key is
//   its time column, so each batch reads one chunk.
// - The key range is fixed when the run starts ([min, max] of the source, or
//   the definition's from/until), so rows the live system adds later do not
//   keep the run going forever.
// - A batch is validated before it commits: the rows the transformation gave
//   must be what the definition's `expect` query counts, rows that already
//   existed in the target are counted as such (ON CONFLICT DO NOTHING), and
//   two rows of one batch with the same key are a mapping error. A failure
//   rolls the batch back and throws backfill_error naming it.
// - Continuous aggregates over the target are refreshed once, over the
//   window the run wrote, after the last batch.
// - A finished run is not run again; a changed definition starts a new run
//   (rows already there are kept by ON CONFLICT DO NOTHING).

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hyperschema/detail/json.hpp"
#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/detail/sha256.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/refresh.hpp"

namespace hyperschema {

enum class ConflictAction { DoNothing, Error, Update };

// A check of the whole run (`backfill verify`): either a query whose rows
// are problems (`empty`: passes when it returns none), or two queries whose
// results must be equal as sets of rows (`source` and `target`). Each may
// use :from and :until, the run's key range.
struct BackfillCheck {
    std::string name;
    std::string empty;
    std::string source;
    std::string target;
};

// A continuous aggregate over the target, refreshed after the run; `pad` is
// its bucket width in the target time column's units ("3600000", "1 day"),
// by which the window is widened: a manual refresh only recomputes buckets
// wholly inside its window.
struct BackfillAggregate {
    std::string schema;
    std::string name;
    std::string pad;
};

struct BackfillSpec {
    std::string name;
    std::string source_schema = "public";
    std::string source_table;
    std::string key;       // a column of the source
    std::string key_type;  // smallint, integer, bigint, timestamptz or timestamp
    // Integer keys: seconds, milliseconds, microseconds (epoch time) or
    // integer; time keys: "" (positions are microseconds since 1970).
    std::string unit;
    std::int64_t batch = 0;  // the batch size in key units (microseconds for time keys)
    std::optional<std::int64_t> from, until;
    std::string target_schema = "public";
    std::string target_table;
    std::vector<std::string> columns;  // target columns the SELECT fills, in its order
    // SELECT giving the target's rows of one batch; :batch_start and
    // :batch_end are the batch's bounds (start inclusive, end exclusive).
    std::string select;
    std::string expect;  // a query counting the rows one batch must give; "" for none
    ConflictAction on_conflict = ConflictAction::DoNothing;
    std::vector<std::string> key_columns;  // the target's primary key (the conflict target)
    std::string target_time;               // the target's time column, "" when it has none
    std::string target_time_type;
    std::vector<BackfillAggregate> aggregates;  // parents before children
    std::vector<BackfillCheck> checks;
    std::int64_t pause_ms = 0;       // between batches
    double max_rows_per_second = 0;  // 0: as fast as the server goes

    bool time_key() const { return key_type == "timestamptz" || key_type == "timestamp"; }
};

// The checkpoint of one backfill, as stored.
struct BackfillStatus {
    std::string name;
    std::string checksum;
    std::string state;  // running, copied (batches done, aggregates not yet refreshed), done
    std::int64_t from = 0, until = 0, done_through = 0;
    std::int64_t batches = 0, rows_inserted = 0, rows_existing = 0;
    std::optional<std::string> target_min, target_max;  // the target time window written, as text
    double seconds = 0;                                 // time spent in batches, over every run
    std::string started_at, updated_at, finished_at;

    double fraction() const {
        if (state != "running") return 1.0;
        return until > from ? static_cast<double>(done_through - from) / static_cast<double>(until - from) : 1.0;
    }
    double rows_per_second() const { return seconds > 0 ? static_cast<double>(rows_inserted) / seconds : 0; }
    // Seconds left at the rate so far, when there is one.
    std::optional<double> eta_seconds() const {
        const double f = fraction();
        if (f <= 0 || f >= 1 || seconds <= 0) return std::nullopt;
        return seconds * (1 - f) / f;
    }
};

struct BackfillProgress {
    const BackfillSpec& spec;
    const BackfillStatus& status;
    std::int64_t batch_start = 0, batch_end = 0;
    std::int64_t batch_rows = 0;
    double batch_seconds = 0;
    std::string phase;  // "batch", "refresh", "done"
};

struct BackfillOptions {
    std::function<void(const BackfillProgress&)> progress;
    std::function<void(const std::string&)> log;
    std::optional<std::chrono::milliseconds> pause;  // overrides the definition's
    std::optional<double> max_rows_per_second;       // overrides the definition's
    // Start again from the beginning when the checkpoint belongs to another
    // definition (otherwise refused).
    bool restart = false;
    // How long to wait for another runner of the same backfill (a killed
    // one's server session ends within a second or two).
    std::chrono::milliseconds lock_wait{60'000};
    // Stop after this many batches (for a first look at the speed); 0: all.
    std::int64_t max_batches = 0;
};

struct BackfillResult {
    BackfillStatus status;
    bool already_done = false;                                       // nothing to do: the run had finished before
    std::int64_t batches = 0, rows_inserted = 0, rows_existing = 0;  // in this call
    double seconds = 0;
};

struct BackfillCheckResult {
    std::string name;
    bool passed = false;
    std::vector<std::string> problems;  // up to ten rows that show it
};

struct BackfillVerification {
    std::vector<BackfillCheckResult> checks;
    bool ok() const {
        return std::all_of(checks.begin(), checks.end(), [](const auto& c) { return c.passed; });
    }
};

namespace detail::backfill {

inline std::string quote(const std::string& name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

inline std::string qualified(const std::string& schema, const std::string& name) {
    return quote(schema) + "." + quote(name);
}

inline const char* conflict_name(ConflictAction a) {
    return a == ConflictAction::DoNothing ? "do_nothing" : a == ConflictAction::Error ? "error" : "update";
}

// Replaces :name placeholders outside string literals, quoted identifiers,
// comments and `::` casts; names not in `values` are left alone.
inline std::string substitute(const std::string& sql, const std::map<std::string, std::string>& values) {
    std::string out;
    size_t i = 0;
    auto ident = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            const size_t end = sql.find(c, i + 1);
            const size_t stop = end == std::string::npos ? sql.size() : end + 1;
            out.append(sql, i, stop - i);
            i = stop;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const size_t end = sql.find('\n', i);
            const size_t stop = end == std::string::npos ? sql.size() : end;
            out.append(sql, i, stop - i);
            i = stop;
        } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
            out += "::";
            i += 2;
        } else if (c == ':') {
            size_t j = i + 1;
            while (j < sql.size() && ident(sql[j])) ++j;
            auto it = values.find(sql.substr(i + 1, j - i - 1));
            if (it != values.end()) {
                out += it->second;
                i = j;
            } else {
                out += c;
                ++i;
            }
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

// ---- the definition as JSON (embedded in migrations) -------------------------

inline std::string json_strings(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_string(items[i]);
    return out + "]";
}

// The parts that decide what the run writes (not its pace), keys sorted.
inline std::string definition_json(const BackfillSpec& s) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("null"); };
    std::string aggregates = "[";
    for (size_t i = 0; i < s.aggregates.size(); ++i) {
        const auto& a = s.aggregates[i];
        aggregates += std::string(i ? "," : "") + "{\"name\":" + json_string(a.name) +
                      ",\"pad\":" + json_string(a.pad) + ",\"schema\":" + json_string(a.schema) + "}";
    }
    std::string checks = "[";
    for (size_t i = 0; i < s.checks.size(); ++i) {
        const auto& c = s.checks[i];
        checks += std::string(i ? "," : "") + "{\"empty\":" + json_string(c.empty) +
                  ",\"name\":" + json_string(c.name) + ",\"source\":" + json_string(c.source) +
                  ",\"target\":" + json_string(c.target) + "}";
    }
    return "{\"aggregates\":" + aggregates + "],\"batch\":" + std::to_string(s.batch) + ",\"checks\":" + checks +
           "],\"columns\":" + json_strings(s.columns) + ",\"expect\":" + json_string(s.expect) +
           ",\"from\":" + opt(s.from) + ",\"key\":" + json_string(s.key) +
           ",\"key_columns\":" + json_strings(s.key_columns) + ",\"key_type\":" + json_string(s.key_type) +
           ",\"name\":" + json_string(s.name) + ",\"on_conflict\":" + json_string(conflict_name(s.on_conflict)) +
           ",\"select\":" + json_string(s.select) + ",\"source_schema\":" + json_string(s.source_schema) +
           ",\"source_table\":" + json_string(s.source_table) + ",\"target_schema\":" + json_string(s.target_schema) +
           ",\"target_table\":" + json_string(s.target_table) + ",\"target_time\":" + json_string(s.target_time) +
           ",\"target_time_type\":" + json_string(s.target_time_type) + ",\"unit\":" + json_string(s.unit) +
           ",\"until\":" + opt(s.until) + "}";
}

}  // namespace detail::backfill

// The definition as one line of JSON, pace settings included.
inline std::string backfill_to_json(const BackfillSpec& s) {
    std::string json = detail::backfill::definition_json(s);
    json.pop_back();
    // An integer in the JSON: rows per second are whole numbers in the DSL.
    return json + ",\"max_rows_per_second\":" + std::to_string(static_cast<long long>(s.max_rows_per_second)) +
           ",\"pause_ms\":" + std::to_string(s.pause_ms) + "}";
}

// What identifies a definition's run: SHA-256 of what it writes (a new
// pause or rate continues the same run).
inline std::string backfill_checksum(const BackfillSpec& s) {
    return detail::sha256_hex(detail::backfill::definition_json(s));
}

inline BackfillSpec backfill_from_json(const std::string& text) {
    const detail::JsonValue doc = detail::parse_json(text);
    auto str = [](const detail::JsonValue& o, const char* key) {
        const auto* v = o.find(key);
        return v ? v->text : std::string();
    };
    auto num = [&](const char* key) -> std::optional<std::int64_t> {
        const auto* v = doc.find(key);
        if (!v || v->kind != detail::JsonValue::Kind::Integer) return std::nullopt;
        return v->integer;
    };
    auto strings = [&](const char* key) {
        std::vector<std::string> out;
        if (const auto* v = doc.find(key))
            for (const auto& i : v->items) out.push_back(i.text);
        return out;
    };
    BackfillSpec s;
    s.name = str(doc, "name");
    s.source_schema = str(doc, "source_schema");
    s.source_table = str(doc, "source_table");
    s.key = str(doc, "key");
    s.key_type = str(doc, "key_type");
    s.unit = str(doc, "unit");
    s.batch = num("batch").value_or(0);
    s.from = num("from");
    s.until = num("until");
    s.target_schema = str(doc, "target_schema");
    s.target_table = str(doc, "target_table");
    s.columns = strings("columns");
    s.select = str(doc, "select");
    s.expect = str(doc, "expect");
    const std::string conflict = str(doc, "on_conflict");
    s.on_conflict = conflict == "error"    ? ConflictAction::Error
                    : conflict == "update" ? ConflictAction::Update
                                           : ConflictAction::DoNothing;
    s.key_columns = strings("key_columns");
    s.target_time = str(doc, "target_time");
    s.target_time_type = str(doc, "target_time_type");
    if (const auto* v = doc.find("aggregates"))
        for (const auto& a : v->items) s.aggregates.push_back({str(a, "schema"), str(a, "name"), str(a, "pad")});
    if (const auto* v = doc.find("checks"))
        for (const auto& c : v->items)
            s.checks.push_back({str(c, "name"), str(c, "empty"), str(c, "source"), str(c, "target")});
    s.pause_ms = num("pause_ms").value_or(0);
    s.max_rows_per_second = static_cast<double>(num("max_rows_per_second").value_or(0));
    if (s.name.empty() || s.source_table.empty() || s.target_table.empty() || s.batch <= 0)
        throw usage_error("not a backfill definition: " + text.substr(0, 120));
    return s;
}

namespace detail::backfill {

// ---- key positions -------------------------------------------------------

// How a position binds: the key's own type, so the source's index (and
// TimescaleDB's chunk exclusion) applies.
inline std::string parameter(const BackfillSpec& s, int n) {
    return "$" + std::to_string(n) + "::" + (s.time_key() ? s.key_type : std::string("bigint"));
}

inline std::string position_text(const BackfillSpec& s, std::int64_t position) {
    if (!s.time_key()) return std::to_string(position);
    std::string text =
        timestamptz_text(std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(position)));
    if (s.key_type == "timestamp") text.resize(text.size() - 3);  // no "+00"
    return text;
}

// A SQL expression giving the position of a key value.
inline std::string position_of(const BackfillSpec& s, const std::string& expr) {
    if (s.time_key()) return "(extract(epoch FROM " + expr + ") * 1000000)::bigint";
    return "(" + expr + ")::bigint";
}

// How a position reads to a person: a UTC time for time keys and epoch units.
inline std::string display(const BackfillSpec& s, std::int64_t position) {
    std::int64_t micros = 0;
    if (s.time_key()) {
        micros = position;
    } else if (s.unit == "seconds") {
        micros = position * 1'000'000;
    } else if (s.unit == "milliseconds") {
        micros = position * 1'000;
    } else if (s.unit == "microseconds") {
        micros = position;
    } else {
        return std::to_string(position);
    }
    std::string t =
        timestamptz_text(std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(micros)));
    t = t.substr(0, 19);
    if (t.substr(11) == "00:00:00") t = t.substr(0, 10);
    return t;
}

inline std::int64_t floor_to(std::int64_t value, std::int64_t step) {
    std::int64_t q = value / step;
    if (value % step != 0 && value < 0) --q;
    return q * step;
}

// ---- statements ------------------------------------------------------------

inline std::string column_list(const std::vector<std::string>& columns) {
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + quote(columns[i]);
    return out;
}

inline std::string conflict_clause(const BackfillSpec& s) {
    switch (s.on_conflict) {
        case ConflictAction::Error:
            return "";
        case ConflictAction::DoNothing:
            return "\nON CONFLICT DO NOTHING";
        case ConflictAction::Update: {
            std::string set;
            for (const auto& c : s.columns) {
                if (std::find(s.key_columns.begin(), s.key_columns.end(), c) != s.key_columns.end()) continue;
                set += (set.empty() ? "" : ", ") + quote(c) + " = EXCLUDED." + quote(c);
            }
            return "\nON CONFLICT (" + column_list(s.key_columns) + ") DO " +
                   (set.empty() ? std::string("NOTHING") : "UPDATE SET " + set);
        }
    }
    return "";
}

inline std::string bounded(const std::string& sql, const std::string& start, const std::string& end) {
    return substitute(sql, {{"batch_start", start}, {"batch_end", end}});
}

inline std::string insert_statement(const BackfillSpec& s, const std::string& start, const std::string& end) {
    return "INSERT INTO " + qualified(s.target_schema, s.target_table) + " (" + column_list(s.columns) + ")\n" +
           bounded(s.select, start, end) + conflict_clause(s);
}

// One batch: the insert, with how many rows it wrote and their time window.
inline std::string batch_statement(const BackfillSpec& s) {
    const std::string returning = s.target_time.empty() ? "1" : quote(s.target_time);
    const std::string window =
        s.target_time.empty() ? ", NULL::text, NULL::text"
                              : ", min(" + quote(s.target_time) + ")::text, max(" + quote(s.target_time) + ")::text";
    return "WITH moved AS (\n" + insert_statement(s, parameter(s, 1), parameter(s, 2)) + "\nRETURNING " + returning +
           "\n)\nSELECT count(*)" + window + " FROM moved";
}

}  // namespace detail::backfill

// The backfill as one statement over the whole key range, or over
// [from, until) in key units: what psql runs from a migration file (no
// batches, no checkpoints), and the ceiling the benchmark measures the
// batches against.
inline std::string backfill_whole_statement(const BackfillSpec& s, std::optional<std::int64_t> from = std::nullopt,
                                            std::optional<std::int64_t> until = std::nullopt) {
    using namespace detail::backfill;
    const bool t = s.time_key();
    auto bound = [&](const std::optional<std::int64_t>& v, const char* infinity, const char* extreme) {
        if (v) return (t ? "'" + position_text(s, *v) + "'::" + s.key_type : "(" + std::to_string(*v) + ")::bigint");
        return t ? "'" + std::string(infinity) + "'::" + s.key_type : std::string(extreme);
    };
    return insert_statement(s, bound(from, "-infinity", "(-9223372036854775807)::bigint"),
                            bound(until, "infinity", "9223372036854775807::bigint")) +
           ";";
}

namespace detail::backfill {

class Runner {
public:
    Runner(connection& conn, const BackfillSpec& spec, const BackfillOptions& options)
        : conn_(conn), spec_(spec), options_(options), checksum_(backfill_checksum(spec)) {
        if (spec.batch <= 0) throw usage_error("backfill " + spec.name + ": the batch size must be positive");
    }

    BackfillResult run() {
        prepare_session();
        Lock held(*this);
        ensure_table();
        BackfillResult result;
        std::optional<BackfillStatus> found = read_status(conn_, spec_.name);
        if (found && found->checksum == checksum_ && found->state == "done") {
            say("backfill " + spec_.name + ": already done (" + std::to_string(found->rows_inserted) +
                " rows inserted, finished " + found->finished_at + "); nothing to do");
            result.status = *found;
            result.already_done = true;
            return result;
        }
        if (found && found->checksum != checksum_ && found->state != "done" && !options_.restart)
            throw backfill_error("backfill " + spec_.name +
                                     " was started with another definition (its checkpoint is at " +
                                     display(spec_, found->done_through) +
                                     "); finish that run with the definition it started with, or start this one "
                                     "from the beginning with --restart (rows already moved stay)",
                                 spec_.name);
        BackfillStatus status = (found && found->checksum == checksum_) ? *found : start();
        if (found && found->checksum == checksum_)
            say("backfill " + spec_.name + ": resuming at " + display(spec_, status.done_through) + " (" +
                std::to_string(status.batches) + " batches done)");
        const auto started = std::chrono::steady_clock::now();
        copy_batches(status, result, started);
        if (options_.max_batches > 0 && status.state == "running") {
            result.status = status;
            return result;
        }
        if (status.state == "copied") refresh(status);
        result.seconds = seconds_since(started);
        result.status = *read_status(conn_, spec_.name);
        say("backfill " + spec_.name + ": done: " + std::to_string(result.rows_inserted) + " rows inserted, " +
            std::to_string(result.rows_existing) + " already there, in " + std::to_string(result.batches) +
            " batches, " + seconds_text(result.seconds));
        notify(result.status, 0, 0, 0, 0, "done");
        return result;
    }

    static std::optional<BackfillStatus> read_status(connection& conn, const std::string& name) {
        pqxx::nontransaction n(conn);
        if (n.exec("SELECT to_regclass('hyperschema.backfills') IS NULL")[0][0].as<bool>()) return std::nullopt;
        const pqxx::result r = pqxx_bridge::exec(
            n,
            "SELECT name, checksum, state, key_from, key_until, done_through, batches, rows_inserted, "
            "rows_existing, target_min, target_max, active_seconds, started_at::text, updated_at::text, "
            "coalesce(finished_at::text, '') FROM hyperschema.backfills WHERE name = $1",
            name);
        if (r.empty()) return std::nullopt;
        const auto row = r[0];
        BackfillStatus s;
        s.name = row[0].c_str();
        s.checksum = row[1].c_str();
        s.state = row[2].c_str();
        s.from = row[3].as<std::int64_t>();
        s.until = row[4].as<std::int64_t>();
        s.done_through = row[5].as<std::int64_t>();
        s.batches = row[6].as<std::int64_t>();
        s.rows_inserted = row[7].as<std::int64_t>();
        s.rows_existing = row[8].as<std::int64_t>();
        if (!row[9].is_null()) s.target_min = row[9].c_str();
        if (!row[10].is_null()) s.target_max = row[10].c_str();
        s.seconds = row[11].as<double>();
        s.started_at = row[12].c_str();
        s.updated_at = row[13].c_str();
        s.finished_at = row[14].c_str();
        return s;
    }

private:
    // A session advisory lock per backfill: one runner at a time.
    class Lock {
    public:
        explicit Lock(Runner& r) : conn_(r.conn_), key_("hyperschema:backfill:" + r.spec_.name) {
            const auto started = std::chrono::steady_clock::now();
            auto pause = std::chrono::milliseconds(50);
            for (bool first = true;; first = false) {
                {
                    pqxx::nontransaction n(conn_);
                    if (pqxx_bridge::exec(n, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", key_)[0][0]
                            .as<bool>())
                        return;
                }
                if (std::chrono::steady_clock::now() - started >= r.options_.lock_wait)
                    throw backfill_error("backfill " + r.spec_.name + ": another runner has been running it for over " +
                                             std::to_string(r.options_.lock_wait.count() / 1000) +
                                             " s; nothing was done",
                                         r.spec_.name);
                if (first) r.say("backfill " + r.spec_.name + ": waiting for another runner to stop");
                std::this_thread::sleep_for(pause);
                pause = std::min(pause * 2, std::chrono::milliseconds(500));
            }
        }
        ~Lock() {
            try {
                pqxx::nontransaction n(conn_);
                pqxx_bridge::exec(n, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", key_);
            } catch (...) {
                // Session-level: the connection's end releases it anyway.
            }
        }
        Lock(const Lock&) = delete;
        Lock& operator=(const Lock&) = delete;

    private:
        connection& conn_;
        std::string key_;
    };

    void say(const std::string& line) const {
        if (options_.log) options_.log(line);
    }

    static double seconds_since(std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    }

    static std::string seconds_text(double s) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f s", s);
        return buf;
    }

    void notify(const BackfillStatus& status, std::int64_t start, std::int64_t end, std::int64_t rows, double secs,
                const char* phase) const {
        if (options_.progress) options_.progress(BackfillProgress{spec_, status, start, end, rows, secs, phase});
    }

    // A killed runner's server session goes on until it next talks to the
    // client; this makes it notice the client is gone within a second, so
    // that the rerun's wait for the lock is short. (PostgreSQL 14 and later,
    // on platforms that can tell; nothing is lost where it cannot.)
    void prepare_session() {
        try {
            pqxx::nontransaction n(conn_);
            n.exec("SELECT set_config('client_connection_check_interval', '1000', false)");
        } catch (const pqxx::sql_error&) {
        }
    }

    void ensure_table() {
        pqxx::work w(conn_);
        w.exec("SELECT pg_advisory_xact_lock(hashtextextended('hyperschema:backfills', 0))");
        w.exec("CREATE SCHEMA IF NOT EXISTS hyperschema");
        w.exec(
            "CREATE TABLE IF NOT EXISTS hyperschema.backfills (\n"
            "    name text PRIMARY KEY,\n"
            "    checksum text NOT NULL,\n"
            "    state text NOT NULL CHECK (state IN ('running', 'copied', 'done')),\n"
            "    key_from bigint NOT NULL,\n"
            "    key_until bigint NOT NULL,\n"
            "    done_through bigint NOT NULL,\n"
            "    batches bigint NOT NULL DEFAULT 0,\n"
            "    rows_inserted bigint NOT NULL DEFAULT 0,\n"
            "    rows_existing bigint NOT NULL DEFAULT 0,\n"
            "    target_min text,\n"
            "    target_max text,\n"
            "    active_seconds double precision NOT NULL DEFAULT 0,\n"
            "    started_at timestamptz NOT NULL DEFAULT now(),\n"
            "    updated_at timestamptz NOT NULL DEFAULT now(),\n"
            "    finished_at timestamptz\n"
            ")");
        w.commit();
    }

    std::string source() const { return qualified(spec_.source_schema, spec_.source_table); }

    // The first source key at or after `position` and before the end, as a position.
    std::optional<std::int64_t> next_key(pqxx::transaction_base& tx, std::int64_t position, std::int64_t until) {
        const pqxx::result r =
            pqxx_bridge::exec(tx,
                              "SELECT " + position_of(spec_, "min(" + quote(spec_.key) + ")") + " FROM " + source() +
                                  " WHERE " + quote(spec_.key) + " >= " + parameter(spec_, 1) + " AND " +
                                  quote(spec_.key) + " < " + parameter(spec_, 2),
                              position_text(spec_, position), position_text(spec_, until));
        if (r[0][0].is_null()) return std::nullopt;
        return r[0][0].as<std::int64_t>();
    }

    // A new run: its key range, fixed now.
    BackfillStatus start() {
        pqxx::work w(conn_);
        std::int64_t from = 0, until = 0;
        const pqxx::result r = w.exec("SELECT " + position_of(spec_, "min(" + quote(spec_.key) + ")") + ", " +
                                      position_of(spec_, "max(" + quote(spec_.key) + ")") + " FROM " + source());
        if (!r[0][0].is_null()) {
            from = spec_.from.value_or(floor_to(r[0][0].as<std::int64_t>(), spec_.batch));
            until = spec_.until.value_or(r[0][1].as<std::int64_t>() + 1);
        }
        if (until < from) until = from;
        pqxx_bridge::exec(w,
                          "INSERT INTO hyperschema.backfills AS b (name, checksum, state, key_from, key_until, "
                          "done_through) VALUES ($1, $2, 'running', $3, $4, $3) ON CONFLICT (name) DO UPDATE SET "
                          "checksum = $2, state = 'running', key_from = $3, key_until = $4, done_through = $3, "
                          "batches = 0, rows_inserted = 0, rows_existing = 0, target_min = NULL, target_max = NULL, "
                          "active_seconds = 0, started_at = now(), updated_at = now(), finished_at = NULL",
                          spec_.name, checksum_, from, until);
        w.commit();
        say("backfill " + spec_.name + ": " + spec_.source_table + " -> " + spec_.target_table + ", " + spec_.key +
            " from " + display(spec_, from) + " to " + display(spec_, until) + ", batches of " +
            std::to_string(spec_.batch) + (spec_.time_key() ? " us" : ""));
        return *read_status(conn_, spec_.name);
    }

    // Chunk boundaries of the source on its time dimension, when the key is it.
    std::vector<std::int64_t> chunk_boundaries() {
        std::vector<std::int64_t> out;
        pqxx::nontransaction n(conn_);
        if (n.exec("SELECT to_regclass('timescaledb_information.dimensions') IS NULL")[0][0].as<bool>()) return out;
        const pqxx::result r = pqxx_bridge::exec(
            n,
            std::string(spec_.time_key()
                            ? "SELECT " + position_of(spec_, "c.range_start") + ", " + position_of(spec_, "c.range_end")
                            : "SELECT c.range_start_integer, c.range_end_integer") +
                " FROM timescaledb_information.chunks c "
                "JOIN timescaledb_information.dimensions d ON d.hypertable_schema = c.hypertable_schema "
                "AND d.hypertable_name = c.hypertable_name AND d.dimension_number = 1 "
                "WHERE c.hypertable_schema = $1 AND c.hypertable_name = $2 AND d.column_name = $3",
            spec_.source_schema, spec_.source_table, spec_.key);
        for (const auto& row : r) {
            for (int i : {0, 1}) {
                if (!row[i].is_null()) out.push_back(row[i].as<std::int64_t>());
            }
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }

    std::int64_t batch_end(std::int64_t position, std::int64_t until, const std::vector<std::int64_t>& chunks) const {
        std::int64_t end = floor_to(position, spec_.batch) + spec_.batch;
        auto next_chunk = std::upper_bound(chunks.begin(), chunks.end(), position);
        if (next_chunk != chunks.end()) end = std::min(end, *next_chunk);
        return std::min(end, until);
    }

    std::string range(std::int64_t a, std::int64_t b) const {
        return "[" + display(spec_, a) + ", " + display(spec_, b) + ")";
    }

    void copy_batches(BackfillStatus& status, BackfillResult& result, std::chrono::steady_clock::time_point started) {
        if (status.state != "running") return;
        const std::vector<std::int64_t> chunks = chunk_boundaries();
        const std::string batch_sql = batch_statement(spec_);
        const std::string expect_sql =
            spec_.expect.empty() ? ""
                                 : "SELECT (" + bounded(spec_.expect, parameter(spec_, 1), parameter(spec_, 2)) + ")";
        const auto pause = options_.pause.value_or(std::chrono::milliseconds(spec_.pause_ms));
        const double rate = options_.max_rows_per_second.value_or(spec_.max_rows_per_second);
        bool probe = true;  // look for the next source key before the next batch
        while (status.done_through < status.until) {
            if (options_.max_batches > 0 && result.batches >= options_.max_batches) return;
            const auto batch_started = std::chrono::steady_clock::now();
            pqxx::work w(conn_);
            std::int64_t position = status.done_through;
            if (probe) {
                const auto next = next_key(w, position, status.until);
                position = next ? std::max(position, floor_to(*next, spec_.batch)) : status.until;
                if (next) {
                    auto chunk = std::upper_bound(chunks.begin(), chunks.end(), *next);
                    if (chunk != chunks.begin() && *(chunk - 1) > position) position = *(chunk - 1);
                }
            }
            if (position >= status.until) {
                checkpoint(w, status, status.until, 0, 0, 0, std::nullopt, std::nullopt, 0);
                w.commit();
                break;
            }
            const std::int64_t end = batch_end(position, status.until, chunks);
            const auto outcome = run_batch(w, batch_sql, expect_sql, position, end);
            const double secs = seconds_since(batch_started);
            checkpoint(w, status, end, 1, outcome.inserted, outcome.existing, outcome.min, outcome.max, secs);
            w.commit();
            status = *read_status(conn_, spec_.name);
            result.batches += 1;
            result.rows_inserted += outcome.inserted;
            result.rows_existing += outcome.existing;
            probe = outcome.inserted + outcome.existing == 0;
            notify(status, position, end, outcome.inserted, secs, "batch");
            if (pause.count() > 0) std::this_thread::sleep_for(pause);
            if (rate > 0) {
                const double due = static_cast<double>(result.rows_inserted) / rate - seconds_since(started);
                if (due > 0) std::this_thread::sleep_for(std::chrono::duration<double>(due));
            }
        }
        pqxx::work w(conn_);
        pqxx_bridge::exec(w, "UPDATE hyperschema.backfills SET state = 'copied', updated_at = now() WHERE name = $1",
                          spec_.name);
        w.commit();
        status.state = "copied";
    }

    struct Outcome {
        std::int64_t inserted = 0, existing = 0;
        std::optional<std::string> min, max;
    };

    Outcome run_batch(pqxx::work& w, const std::string& batch_sql, const std::string& expect_sql, std::int64_t start,
                      std::int64_t end) {
        const std::string a = position_text(spec_, start), b = position_text(spec_, end);
        const std::string where = "backfill " + spec_.name + ", batch " + range(start, end);
        Outcome o;
        std::optional<std::int64_t> expected;
        try {
            if (!expect_sql.empty()) {
                const pqxx::result e = pqxx_bridge::exec(w, expect_sql, a, b);
                expected = e[0][0].is_null() ? 0 : e[0][0].as<std::int64_t>();
            }
            const pqxx::result r = pqxx_bridge::exec(w, batch_sql, a, b);
            o.inserted = r[0][0].as<std::int64_t>();
            if (!r[0][1].is_null()) o.min = r[0][1].c_str();
            if (!r[0][2].is_null()) o.max = r[0][2].c_str();
            if (expected && o.inserted != *expected)
                o.existing = explain_shortfall(w, a, b, *expected, o, where, range(start, end));
        } catch (const backfill_error&) {
            throw;
        } catch (const pqxx::broken_connection&) {
            pqxx_bridge::rethrow_translated(where);
        } catch (const pqxx::sql_error& e) {
            throw backfill_error(where + " failed and was rolled back: " + pqxx_bridge::trimmed(e.what()) +
                                     (std::string(e.sqlstate()) == "23505" && spec_.on_conflict == ConflictAction::Error
                                          ? " (on_conflict: error: rows of this batch already exist in the target)"
                                          : ""),
                                 spec_.name, range(start, end));
        }
        return o;
    }

    // The batch wrote fewer (or more) rows than `expect` counts: rows that
    // already existed are fine, anything else stops the run.
    std::int64_t explain_shortfall(pqxx::work& w, const std::string& a, const std::string& b, std::int64_t expected,
                                   const Outcome& o, const std::string& where, const std::string& batch) {
        const std::string select = bounded(spec_.select, parameter(spec_, 1), parameter(spec_, 2));
        const std::string keys = column_list(spec_.key_columns.empty() ? spec_.columns : spec_.key_columns);
        // The key columns as the SELECT names them: its output in target column order.
        std::string named = "SELECT * FROM (" + select + ") AS s(" + column_list(spec_.columns) + ")";
        const pqxx::result r = pqxx_bridge::exec(w,
                                                 "SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT " + keys +
                                                     " FROM (" + named + ") d) k) FROM (" + named + ") n",
                                                 a, b);
        const std::int64_t produced = r[0][0].as<std::int64_t>();
        const std::int64_t distinct = r[0][1].as<std::int64_t>();
        auto fail = [&](const std::string& why) -> std::int64_t {
            throw backfill_error(where + ": " + why + "; the batch was rolled back and the checkpoint stays before it",
                                 spec_.name, batch);
        };
        if (produced != expected)
            return fail("validation failed: the transformation gave " + std::to_string(produced) +
                        " rows where `expect` counts " + std::to_string(expected) + " (" +
                        std::to_string(produced - expected) + ")");
        if (distinct != produced)
            return fail("validation failed: " + std::to_string(produced - distinct) +
                        " rows of the batch have the key (" + keys + ") of another row of the same batch");
        if (spec_.on_conflict == ConflictAction::Update) {
            if (o.inserted != expected)
                return fail("validation failed: " + std::to_string(o.inserted) +
                            " rows written where `expect` counts " + std::to_string(expected));
            return 0;
        }
        return produced - o.inserted;  // already in the target: kept as they were
    }

    void checkpoint(pqxx::work& w, const BackfillStatus& status, std::int64_t done_through, int batches,
                    std::int64_t inserted, std::int64_t existing, const std::optional<std::string>& min,
                    const std::optional<std::string>& max, double secs) {
        const std::string t = spec_.target_time_type.empty() ? "text" : spec_.target_time_type;
        const pqxx::result r = pqxx_bridge::exec(
            w,
            "UPDATE hyperschema.backfills SET done_through = $2, batches = batches + $3, rows_inserted = "
            "rows_inserted + $4, rows_existing = rows_existing + $5, target_min = CASE WHEN $6::text IS NULL THEN "
            "target_min WHEN target_min IS NULL OR $6::" +
                t + " < target_min::" + t +
                " THEN $6 ELSE target_min END, target_max = CASE WHEN $7::text IS NULL THEN target_max WHEN "
                "target_max IS NULL OR $7::" +
                t + " > target_max::" + t +
                " THEN $7 ELSE target_max END, active_seconds = active_seconds + $8, updated_at = now() "
                "WHERE name = $1 AND done_through = $9 AND checksum = $10",
            spec_.name, done_through, batches, inserted, existing, min, max, secs, status.done_through, checksum_);
        if (r.affected_rows() != 1)
            throw backfill_error("backfill " + spec_.name +
                                     ": its checkpoint moved under this runner (another runner, or a reset); the "
                                     "batch was rolled back",
                                 spec_.name);
    }

    void refresh(const BackfillStatus& status) {
        if (status.target_min && status.target_max) {
            const std::string t = spec_.target_time_type;
            for (const auto& a : spec_.aggregates) {
                const auto started = std::chrono::steady_clock::now();
                const std::string pad_type =
                    (t == "timestamptz" || t == "timestamp" || t == "date") ? std::string("interval") : t;
                notify(status, 0, 0, 0, 0, "refresh");
                pqxx::nontransaction n(conn_);
                pqxx_bridge::exec(n,
                                  "CALL refresh_continuous_aggregate($1::regclass, ($2::" + t + " - $4::" + pad_type +
                                      ")::" + t + ", ($3::" + t + " + $4::" + pad_type + " + $4::" + pad_type +
                                      ")::" + t + ")",
                                  qualified(a.schema, a.name), *status.target_min, *status.target_max, a.pad);
                say("backfill " + spec_.name + ": refreshed " + a.name + " over " + *status.target_min + " .. " +
                    *status.target_max + " in " + seconds_text(seconds_since(started)));
            }
        }
        pqxx::work w(conn_);
        pqxx_bridge::exec(w,
                          "UPDATE hyperschema.backfills SET state = 'done', finished_at = now(), updated_at = now() "
                          "WHERE name = $1",
                          spec_.name);
        w.commit();
    }

    connection& conn_;
    const BackfillSpec& spec_;
    BackfillOptions options_;
    std::string checksum_;
};

}  // namespace detail::backfill

// Runs (or resumes) a backfill to its end. Throws backfill_error when a
// batch fails validation or the checkpoint belongs to another definition,
// connection_lost when the connection breaks (rerun: it resumes).
inline BackfillResult run_backfill(connection& conn, const BackfillSpec& spec, const BackfillOptions& options = {}) {
    return detail::pqxx_bridge::translated("backfill " + spec.name,
                                           [&] { return detail::backfill::Runner(conn, spec, options).run(); });
}

// The checkpoint of a backfill, or nullopt when it never ran.
inline std::optional<BackfillStatus> backfill_status(connection& conn, const std::string& name) {
    return detail::pqxx_bridge::translated("backfill status",
                                           [&] { return detail::backfill::Runner::read_status(conn, name); });
}

namespace detail::backfill {

inline std::vector<std::string> rows_text(const pqxx::result& r, size_t limit) {
    std::vector<std::string> out;
    for (size_t i = 0; i < r.size() && i < limit; ++i) {
        std::string line;
        for (int c = 0; c < static_cast<int>(r.columns()); ++c) {
            line += (c ? ", " : "") + std::string(r.column_name(c)) + " = " +
                    (r[static_cast<int>(i)][c].is_null() ? std::string("NULL") : r[static_cast<int>(i)][c].c_str());
        }
        out.push_back(line);
    }
    return out;
}

}  // namespace detail::backfill

// Runs the definition's checks over the run's key range (the whole source
// when it never ran), in one read-only transaction.
inline BackfillVerification verify_backfill(connection& conn, const BackfillSpec& spec) {
    using namespace detail::backfill;
    return detail::pqxx_bridge::translated("backfill verify " + spec.name, [&] {
        const auto status = Runner::read_status(conn, spec.name);
        const std::string low =
            status ? position_text(spec, status->from) : (spec.time_key() ? "-infinity" : "-9223372036854775807");
        const std::string high =
            status ? position_text(spec, status->until) : (spec.time_key() ? "infinity" : "9223372036854775807");
        const std::map<std::string, std::string> bounds{{"from", parameter(spec, 1)}, {"until", parameter(spec, 2)}};
        BackfillVerification out;
        pqxx::read_transaction tx(conn);
        for (const auto& check : spec.checks) {
            BackfillCheckResult result{check.name, true, {}};
            if (!check.empty.empty()) {
                const pqxx::result r = detail::pqxx_bridge::exec(
                    tx, "SELECT * FROM (" + substitute(check.empty, bounds) + ") AS problems LIMIT 10", low, high);
                result.problems = rows_text(r, 10);
            } else {
                const std::string s = substitute(check.source, bounds), t = substitute(check.target, bounds);
                const pqxx::result missing = detail::pqxx_bridge::exec(
                    tx, "SELECT * FROM ((" + s + ") EXCEPT (" + t + ")) AS d LIMIT 5", low, high);
                const pqxx::result extra = detail::pqxx_bridge::exec(
                    tx, "SELECT * FROM ((" + t + ") EXCEPT (" + s + ")) AS d LIMIT 5", low, high);
                for (auto& line : rows_text(missing, 5)) result.problems.push_back("source only: " + line);
                for (auto& line : rows_text(extra, 5)) result.problems.push_back("target only: " + line);
            }
            result.passed = result.problems.empty();
            out.checks.push_back(std::move(result));
        }
        return out;
    });
}

}  // namespace hyperschema
