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
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hyperschema/detail/advisory_lock.hpp"
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
    std::optional<std::int64_t> target_min, target_max;  // the target time window written, as positions
    double seconds = 0;                                  // time spent in batches, over every run
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

// Replaces :name placeholders outside string literals (E'' ones too),
// dollar-quoted strings, quoted identifiers, comments and `::` casts; names
// not in `values` are left alone. `used`, when given, collects the names
// replaced.
inline std::string substitute(const std::string& sql, const std::map<std::string, std::string>& values,
                              std::set<std::string>* used = nullptr) {
    std::string out;
    size_t i = 0;
    auto ident = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    };
    auto copy_to = [&](size_t stop) {
        stop = std::min(stop, sql.size());
        out.append(sql, i, stop - i);
        i = stop;
    };
    auto end_of = [&](const std::string& marker, size_t from) {
        const size_t at = sql.find(marker, from);
        return at == std::string::npos ? sql.size() : at + marker.size();
    };
    while (i < sql.size()) {
        const char c = sql[i];
        const bool escape_string =
            (c == 'E' || c == 'e') && i + 1 < sql.size() && sql[i + 1] == '\'' && (i == 0 || !ident(sql[i - 1]));
        if (escape_string || c == '\'') {
            // To the closing quote; '' is a quote inside, and in E'' so is \'.
            size_t j = i + (escape_string ? 2 : 1);
            while (j < sql.size()) {
                if (escape_string && sql[j] == '\\') {
                    j += 2;
                } else if (sql[j] == '\'' && j + 1 < sql.size() && sql[j + 1] == '\'') {
                    j += 2;
                } else if (sql[j] == '\'') {
                    break;
                } else {
                    ++j;
                }
            }
            copy_to(j + 1);
        } else if (c == '"') {
            copy_to(end_of("\"", i + 1));
        } else if (c == '$' && (i == 0 || !ident(sql[i - 1])) && i + 1 < sql.size() &&
                   !(sql[i + 1] >= '0' && sql[i + 1] <= '9')) {
            // $tag$ ... $tag$ ($1, a parameter, is not a tag).
            size_t j = i + 1;
            while (j < sql.size() && ident(sql[j])) ++j;
            if (j < sql.size() && sql[j] == '$') {
                copy_to(end_of(sql.substr(i, j - i + 1), j + 1));
            } else {
                copy_to(i + 1);
            }
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const size_t end = sql.find('\n', i);
            copy_to(end == std::string::npos ? sql.size() : end);
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            copy_to(end_of("*/", i + 2));
        } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
            copy_to(i + 2);
        } else if (c == ':') {
            size_t j = i + 1;
            while (j < sql.size() && ident(sql[j])) ++j;
            const std::string name = sql.substr(i + 1, j - i - 1);
            auto it = values.find(name);
            if (it != values.end()) {
                out += it->second;
                if (used) used->insert(name);
                i = j;
            } else {
                copy_to(i + 1);
            }
        } else {
            copy_to(i + 1);
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

// The parts that decide what the run writes, keys sorted: not its checks,
// the aggregates it refreshes afterwards, or its pace, which a run may
// change without starting again.
inline std::string definition_json(const BackfillSpec& s) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("null"); };
    return "{\"batch\":" + std::to_string(s.batch) + ",\"columns\":" + json_strings(s.columns) +
           ",\"expect\":" + json_string(s.expect) + ",\"from\":" + opt(s.from) + ",\"key\":" + json_string(s.key) +
           ",\"key_columns\":" + json_strings(s.key_columns) + ",\"key_type\":" + json_string(s.key_type) +
           ",\"name\":" + json_string(s.name) + ",\"on_conflict\":" + json_string(conflict_name(s.on_conflict)) +
           ",\"select\":" + json_string(s.select) + ",\"source_schema\":" + json_string(s.source_schema) +
           ",\"source_table\":" + json_string(s.source_table) + ",\"target_schema\":" + json_string(s.target_schema) +
           ",\"target_table\":" + json_string(s.target_table) + ",\"target_time\":" + json_string(s.target_time) +
           ",\"target_time_type\":" + json_string(s.target_time_type) + ",\"unit\":" + json_string(s.unit) +
           ",\"until\":" + opt(s.until) + "}";
}

// The key's and the target time's types go into casts: only these.
inline void check_types(const BackfillSpec& s) {
    auto known = [](const std::string& t, bool allow_empty) {
        return (allow_empty && t.empty()) || t == "smallint" || t == "integer" || t == "bigint" || t == "timestamptz" ||
               t == "timestamp" || t == "date";
    };
    if (!known(s.key_type, false) || s.key_type == "date" || !known(s.target_time_type, true))
        throw usage_error("backfill " + s.name + ": unsupported key or time type (`" + s.key_type + "`, `" +
                          s.target_time_type + "`)");
}

inline std::string aggregates_json(const BackfillSpec& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.aggregates.size(); ++i) {
        const auto& a = s.aggregates[i];
        out += std::string(i ? "," : "") + "{\"name\":" + json_string(a.name) + ",\"pad\":" + json_string(a.pad) +
               ",\"schema\":" + json_string(a.schema) + "}";
    }
    return out + "]";
}

inline std::string checks_json(const BackfillSpec& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.checks.size(); ++i) {
        const auto& c = s.checks[i];
        out += std::string(i ? "," : "") + "{\"empty\":" + json_string(c.empty) + ",\"name\":" + json_string(c.name) +
               ",\"source\":" + json_string(c.source) + ",\"target\":" + json_string(c.target) + "}";
    }
    return out + "]";
}

}  // namespace detail::backfill

// The whole definition as one line of JSON: what it writes, then its
// aggregates, checks and pace.
inline std::string backfill_to_json(const BackfillSpec& s) {
    std::string json = detail::backfill::definition_json(s);
    json.pop_back();
    // An integer in the JSON: rows per second are whole numbers in the DSL.
    return json + ",\"aggregates\":" + detail::backfill::aggregates_json(s) +
           ",\"checks\":" + detail::backfill::checks_json(s) +
           ",\"max_rows_per_second\":" + std::to_string(static_cast<long long>(s.max_rows_per_second)) +
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
    if (conflict != "do_nothing" && conflict != "error" && conflict != "update")
        throw usage_error("backfill " + s.name + ": unknown on_conflict `" + conflict + "`");
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
    detail::backfill::check_types(s);
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
    if (s.key_type == "date") return "((" + expr + " - date '1970-01-01')::bigint * 86400000000)";
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

// The CTE's columns cast to the target's types: a CTE makes an untyped
// 'literal' or NULL text, which the INSERT would refuse for other types.
inline std::string typed_columns(const std::vector<std::string>& columns, const std::vector<std::string>& types) {
    if (types.size() != columns.size()) return "*";
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + quote(columns[i]) + "::" + types[i];
    return out;
}

// A target time position (bigint) back in the column's own type.
inline std::string time_of(const std::string& type, const std::string& position) {
    if (type == "timestamptz" || type == "timestamp" || type == "date")
        return "('epoch'::timestamp" + std::string(type == "timestamptz" ? "tz" : "") + " + " + position +
               " * interval '1 microsecond')::" + type;
    return "(" + position + ")::" + type;
}

// One batch, with its figures: the rows the SELECT gave, how many distinct
// keys among them, how many the INSERT wrote, and the window of target time
// written (as positions). The SELECT's rows are materialized once, named by
// the target's columns.
inline std::string batch_statement(const BackfillSpec& s, const std::vector<std::string>& column_types = {}) {
    bool keyed = !s.key_columns.empty();
    for (const auto& k : s.key_columns)
        keyed = keyed && std::find(s.columns.begin(), s.columns.end(), k) != s.columns.end();
    // Counted only when some row was not written: otherwise no two shared a key.
    const std::string distinct = keyed ? "CASE WHEN count(*) < (SELECT count(*) FROM src) THEN (SELECT count(*) FROM "
                                         "(SELECT DISTINCT " +
                                             column_list(s.key_columns) +
                                             " FROM src) AS d) ELSE (SELECT count(*) FROM src) END"
                                       : "(SELECT count(*) FROM src)";
    BackfillSpec time_spec = s;
    time_spec.key_type = s.target_time_type;
    const bool timed = !s.target_time.empty();
    return "WITH src (" + column_list(s.columns) + ") AS MATERIALIZED (\n" +
           bounded(s.select, parameter(s, 1), parameter(s, 2)) + "\n), moved AS (\nINSERT INTO " +
           qualified(s.target_schema, s.target_table) + " (" + column_list(s.columns) + ")\nSELECT " +
           typed_columns(s.columns, column_types) + " FROM src" + conflict_clause(s) + "\nRETURNING " +
           (timed ? position_of(time_spec, quote(s.target_time)) : "0") +
           " AS t\n)\nSELECT (SELECT count(*) FROM src), " + distinct + ", count(*), " +
           (timed ? "min(t), max(t)" : "NULL::bigint, NULL::bigint") + " FROM moved";
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
    // Without bounds, the source's own first and last key: a SELECT doing
    // arithmetic on the bounds stays in range.
    const std::string key = quote(s.key), source = qualified(s.source_schema, s.source_table);
    auto bound = [&](const std::optional<std::int64_t>& v, const std::string& open) {
        if (v) return (t ? "'" + position_text(s, *v) + "'::" + s.key_type : "(" + std::to_string(*v) + ")::bigint");
        return open;
    };
    const std::string step = t ? "interval '1 microsecond'" : "1";
    return insert_statement(s, bound(from, "(SELECT min(" + key + ") FROM " + source + ")"),
                            bound(until, "(SELECT max(" + key + ") + " + step + " FROM " + source + ")")) +
           (s.on_conflict == ConflictAction::Error ? "\n;" : ";");
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
        const auto held = lock();
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
        if (!row[9].is_null()) s.target_min = row[9].as<std::int64_t>();
        if (!row[10].is_null()) s.target_max = row[10].as<std::int64_t>();
        s.seconds = row[11].as<double>();
        s.started_at = row[12].c_str();
        s.updated_at = row[13].c_str();
        s.finished_at = row[14].c_str();
        return s;
    }

private:
    // One runner per backfill (see detail/advisory_lock.hpp).
    detail::AdvisoryLock lock() {
        detail::AdvisoryLock::Waiting waiting;
        waiting.at_most = options_.lock_wait;
        waiting.on_first_wait = [this] { say("backfill " + spec_.name + ": waiting for another runner to stop"); };
        waiting.on_give_up = [this] {
            throw backfill_error("backfill " + spec_.name + ": another runner has been running it for over " +
                                     std::to_string(options_.lock_wait.count() / 1000) + " s; nothing was done",
                                 spec_.name);
        };
        return detail::AdvisoryLock(conn_, "hyperschema:backfill:" + spec_.name, waiting);
    }

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
            "    target_min bigint,\n"
            "    target_max bigint,\n"
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
            const std::int64_t last = r[0][1].as<std::int64_t>();
            until = spec_.until.value_or(last < std::numeric_limits<std::int64_t>::max() ? last + 1 : last);
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

    // The target columns' types as the server names them (format_type: quoted
    // and qualified where needed), in the order of `columns`.
    std::vector<std::string> target_column_types() {
        pqxx::nontransaction n(conn_);
        std::vector<std::string> types;
        for (const auto& column : spec_.columns) {
            const pqxx::result r = pqxx_bridge::exec(
                n,
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND "
                "attname = $2 AND NOT attisdropped",
                qualified(spec_.target_schema, spec_.target_table), column);
            if (r.empty())
                throw backfill_error(
                    "backfill " + spec_.name + ": the target " + spec_.target_table + " has no column " + column,
                    spec_.name);
            types.push_back(r[0][0].c_str());
        }
        return types;
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
        const Statements sql{
            batch_statement(spec_, target_column_types()),
            spec_.expect.empty()
                ? ""
                : "SELECT (" + bounded(spec_.expect, parameter(spec_, 1), parameter(spec_, 2)) + "\n)"};
        const auto pause = options_.pause.value_or(std::chrono::milliseconds(spec_.pause_ms));
        const double rate = options_.max_rows_per_second.value_or(spec_.max_rows_per_second);
        bool probe = true;  // look for the next source key before the next batch
        while (status.done_through < status.until) {
            if (options_.max_batches > 0 && result.batches >= options_.max_batches) return;
            const auto batch_started = std::chrono::steady_clock::now();
            std::int64_t position = status.done_through, end = status.until;
            Outcome outcome;
            retrying([&](pqxx::work& w) {
                position = status.done_through;
                if (probe) position = first_batch_start(w, position, status.until, chunks);
                if (position >= status.until) {
                    end = status.until;
                    outcome = Outcome{};
                    return checkpoint(w, status, status.until, 0, outcome, 0);
                }
                end = batch_end(position, status.until, chunks);
                outcome = run_batch(w, sql, position, end);
                checkpoint(w, status, end, 1, outcome, seconds_since(batch_started));
            });
            if (position >= status.until) break;
            status = *read_status(conn_, spec_.name);
            result.batches += 1;
            result.rows_inserted += outcome.inserted;
            result.rows_existing += outcome.existing;
            probe = outcome.produced == 0;
            notify(status, position, end, outcome.inserted, seconds_since(batch_started), "batch");
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

    // Where the next batch starts: at the first source key from `position`
    // on (a stretch without rows is skipped), no earlier than its batch and
    // chunk start.
    std::int64_t first_batch_start(pqxx::transaction_base& tx, std::int64_t position, std::int64_t until,
                                   const std::vector<std::int64_t>& chunks) {
        const auto next = next_key(tx, position, until);
        if (!next) return until;
        std::int64_t start = std::max(position, floor_to(*next, spec_.batch));
        auto chunk = std::upper_bound(chunks.begin(), chunks.end(), *next);
        if (chunk != chunks.begin() && *(chunk - 1) > start) start = *(chunk - 1);
        return start;
    }

    // One batch in one REPEATABLE READ transaction, so its SELECT, `expect`
    // and figures see one snapshot; a serialization failure (a live writer
    // inserted a conflicting row meanwhile) retries it.
    template <class F>
    void retrying(F&& batch) {
        for (int attempt = 1;; ++attempt) {
            try {
                pqxx::work w(conn_);
                w.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                // The batch's rows are held once in memory (its figures count
                // them): room for that, where the default would spill to disk.
                w.exec(
                    "SELECT set_config('work_mem', '64MB', true) WHERE pg_size_bytes(current_setting('work_mem')) < "
                    "pg_size_bytes('64MB')");
                batch(w);
                w.commit();
                return;
            } catch (const pqxx::sql_error& e) {
                const std::string state(e.sqlstate());
                if ((state != "40001" && state != "40P01") || attempt >= 10) throw;
                say("backfill " + spec_.name + ": the batch met a concurrent write (" + state + "); retrying");
                std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
            }
        }
    }

    struct Statements {
        std::string batch;
        std::string expect;
    };

    struct Outcome {
        std::int64_t produced = 0, inserted = 0, existing = 0;
        std::optional<std::int64_t> min, max;  // target time positions written
    };

    Outcome run_batch(pqxx::work& w, const Statements& sql, std::int64_t start, std::int64_t end) {
        const std::string a = position_text(spec_, start), b = position_text(spec_, end);
        const std::string batch = range(start, end);
        const std::string where = "backfill " + spec_.name + ", batch " + batch;
        Outcome o;
        std::optional<std::int64_t> expected;
        try {
            if (!sql.expect.empty()) {
                const pqxx::result e = pqxx_bridge::exec(w, sql.expect, a, b);
                expected = e[0][0].is_null() ? 0 : e[0][0].as<std::int64_t>();
            }
            const pqxx::result r = pqxx_bridge::exec(w, sql.batch, a, b);
            o.produced = r[0][0].as<std::int64_t>();
            const std::int64_t distinct = r[0][1].as<std::int64_t>();
            o.inserted = r[0][2].as<std::int64_t>();
            if (!r[0][3].is_null()) o.min = r[0][3].as<std::int64_t>();
            if (!r[0][4].is_null()) o.max = r[0][4].as<std::int64_t>();
            if (const std::string why = validate(o, distinct, expected); !why.empty())
                throw backfill_error(where + ": validation failed: " + why +
                                         "; the batch was rolled back and the checkpoint stays before it",
                                     spec_.name, batch);
            if (spec_.on_conflict == ConflictAction::DoNothing) o.existing = o.produced - o.inserted;
        } catch (const backfill_error&) {
            throw;
        } catch (const pqxx::broken_connection&) {
            pqxx_bridge::rethrow_translated(where);
        } catch (const pqxx::sql_error& e) {
            const std::string state(e.sqlstate());
            if (state == "40001" || state == "40P01") throw;  // retried
            throw backfill_error(where + " failed and was rolled back: " + pqxx_bridge::trimmed(e.what()) +
                                     (state == "23505" && spec_.on_conflict == ConflictAction::Error
                                          ? " (on_conflict: error: rows of this batch already exist in the target)"
                                          : ""),
                                 spec_.name, batch);
        }
        return o;
    }

    // Why the batch's figures are wrong, or "": the SELECT must give what
    // `expect` counts, no two of its rows may share a key, and every row
    // must be written (or, with do_nothing, be there already).
    std::string validate(const Outcome& o, std::int64_t distinct, const std::optional<std::int64_t>& expected) const {
        if (expected && o.produced != *expected)
            return "the transformation gave " + std::to_string(o.produced) + " rows where `expect` counts " +
                   std::to_string(*expected) + " (" + (o.produced > *expected ? "+" : "") +
                   std::to_string(o.produced - *expected) + ")";
        if (distinct != o.produced)
            return std::to_string(o.produced - distinct) + " rows of the batch have the key (" +
                   column_list(spec_.key_columns) + ") of another row of the same batch";
        if (spec_.on_conflict != ConflictAction::DoNothing && o.inserted != o.produced)
            return std::to_string(o.inserted) + " rows written of the " + std::to_string(o.produced) +
                   " the transformation gave";
        return "";
    }

    void checkpoint(pqxx::work& w, const BackfillStatus& status, std::int64_t done_through, int batches,
                    const Outcome& o, double secs) {
        const pqxx::result r = pqxx_bridge::exec(
            w,
            "UPDATE hyperschema.backfills SET done_through = $2, batches = batches + $3, rows_inserted = "
            "rows_inserted + $4, rows_existing = rows_existing + $5, target_min = least(target_min, $6), "
            "target_max = greatest(target_max, $7), active_seconds = active_seconds + $8, updated_at = now() "
            "WHERE name = $1 AND done_through = $9 AND checksum = $10",
            spec_.name, done_through, batches, o.inserted, o.existing, o.min, o.max, secs, status.done_through,
            checksum_);
        if (r.affected_rows() != 1)
            throw backfill_error("backfill " + spec_.name +
                                     ": its checkpoint moved under this runner (another runner, or a reset); the "
                                     "batch was rolled back",
                                 spec_.name);
    }

    void refresh(const BackfillStatus& status) {
        if (status.target_min && status.target_max) {
            const std::string t = spec_.target_time_type;
            const bool timed = t == "timestamptz" || t == "timestamp" || t == "date";
            const std::string pad = "$4::" + std::string(timed ? "interval" : t);
            const std::string from = "(" + time_of(t, "$2::bigint") + " - " + pad + ")::" + t;
            const std::string to = "(" + time_of(t, "$3::bigint") + " + " + pad + " + " + pad + ")::" + t;
            for (const auto& a : spec_.aggregates) {
                const auto started = std::chrono::steady_clock::now();
                notify(status, 0, 0, 0, 0, "refresh");
                pqxx::nontransaction n(conn_);
                pqxx_bridge::exec(n, "CALL refresh_continuous_aggregate($1::regclass, " + from + ", " + to + ")",
                                  qualified(a.schema, a.name), *status.target_min, *status.target_max, a.pad);
                say("backfill " + spec_.name + ": refreshed " + a.name + " over the window written, in " +
                    seconds_text(seconds_since(started)));
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
    for (int i = 0; i < static_cast<int>(r.size()) && i < static_cast<int>(limit); ++i) {
        std::string line;
        for (int c = 0; c < static_cast<int>(r.columns()); ++c) {
            line += (c ? ", " : "") + std::string(r.column_name(c)) + " = " +
                    (r[i][c].is_null() ? std::string("NULL") : r[i][c].c_str());
        }
        out.push_back(line);
    }
    return out;
}

}  // namespace detail::backfill

// Runs the definition's checks over the run's key range (the source's
// whole range when it never ran), in one read-only REPEATABLE READ
// transaction, so that the two sides of a comparison see one snapshot.
inline BackfillVerification verify_backfill(connection& conn, const BackfillSpec& spec) {
    using namespace detail::backfill;
    return detail::pqxx_bridge::translated("backfill verify " + spec.name, [&] {
        const auto status = Runner::read_status(conn, spec.name);
        pqxx::work tx(conn);
        tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
        std::int64_t from = 0, until = 0;
        if (status) {
            from = status->from;
            until = status->until;
        } else {
            const auto r = tx.exec("SELECT " + position_of(spec, "min(" + quote(spec.key) + ")") + ", " +
                                   position_of(spec, "max(" + quote(spec.key) + ")") + " FROM " +
                                   qualified(spec.source_schema, spec.source_table));
            if (!r[0][0].is_null()) {
                from = r[0][0].as<std::int64_t>();
                until = r[0][1].as<std::int64_t>() + 1;
            }
        }
        const std::string low = position_text(spec, from), high = position_text(spec, until);
        const std::map<std::string, std::string> bounds{{"from", parameter(spec, 1)}, {"until", parameter(spec, 2)}};
        // The bounds' types are declared whether or not the check uses them.
        const std::string declared = " CROSS JOIN (SELECT " + parameter(spec, 1) + ", " + parameter(spec, 2) + ") AS b";
        BackfillVerification out;
        for (const auto& check : spec.checks) {
            BackfillCheckResult result{check.name, true, {}};
            if (!check.empty.empty()) {
                const pqxx::result r = detail::pqxx_bridge::exec(
                    tx, "SELECT p.* FROM (" + substitute(check.empty, bounds) + "\n) AS p" + declared + " LIMIT 10",
                    low, high);
                result.problems = rows_text(r, 10);
            } else {
                const std::string s = substitute(check.source, bounds), t = substitute(check.target, bounds);
                const pqxx::result missing = detail::pqxx_bridge::exec(
                    tx, "SELECT d.* FROM ((" + s + "\n) EXCEPT (" + t + "\n)) AS d" + declared + " LIMIT 5", low, high);
                const pqxx::result extra = detail::pqxx_bridge::exec(
                    tx, "SELECT d.* FROM ((" + t + "\n) EXCEPT (" + s + "\n)) AS d" + declared + " LIMIT 5", low, high);
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
