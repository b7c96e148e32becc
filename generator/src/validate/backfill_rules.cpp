// Data migrations (`backfills:`): what would make the runner fail at its
// first batch, or worse, run and be unable to resume safely, is refused here:
// a key the batches cannot walk, a batch size in the wrong unit, a SELECT
// that is not bounded by the batch (each batch would read everything), and a
// target without a key (a rerun after a kill would insert a batch twice).

#include <algorithm>
#include <set>

#include <hyperschema/backfill.hpp>

#include "emit/backfill_spec.hpp"
#include "sqltext/sql_parser.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

const std::set<std::string> kEpochUnits = {"seconds", "milliseconds", "microseconds"};

const Table* find_table_of(const Schema& schema, const NameRef& ref, const std::string& what, const std::string& role,
                           Diagnostics& diags) {
    if (ref.name.empty()) return nullptr;
    const Table* t = schema.find_table(ref.name);
    if (!t)
        diags.error(ref.loc, "the " + role + " of " + what + ", `" + ref.name + "`, is not a table of the schema" +
                                 did_you_mean(ref.name, table_names(schema)));
    return t;
}

void check_key(const Backfill& b, const Table& source, const std::string& what, Diagnostics& diags) {
    if (b.key.name.empty()) return;
    const Column* key = source.find_column(b.key.name);
    if (!key) {
        diags.error(b.key.loc, "the key of " + what + ", `" + b.key.name + "`, is not a column of `" + source.name +
                                   "`" + did_you_mean(b.key.name, column_names(source)));
        return;
    }
    const BaseType base = key->type.base;
    const bool integer = key->type.is_integer() && !key->type.is_array();
    const bool time = (base == BaseType::Timestamptz || base == BaseType::Timestamp) && !key->type.is_array();
    if (!integer && !time) {
        diags.error(b.key.loc, "the key of " + what + ", `" + b.key.name + "`, is " + key->type.message_name() +
                                   "; batches are ranges of an integer or timestamp column: use the time column or "
                                   "an integer key");
        return;
    }
    if (time && !b.unit.empty())
        diags.error(b.unit_loc, what + " gives `unit: " + b.unit + "` for the " + key->type.message_name() + " key `" +
                                    b.key.name + "`, whose values are times already; remove `unit`");
    if (integer && b.unit.empty())
        diags.error(b.key.loc, "the key of " + what + ", `" + b.key.name + "`, is " + key->type.message_name() +
                                   ": say what it counts with `unit: seconds`, `milliseconds` or `microseconds` "
                                   "(epoch time) or `unit: integer`");
    if (integer && !b.unit.empty() && !kEpochUnits.count(b.unit) && b.unit != "integer")
        diags.error(b.unit_loc, "`unit` of " + what + " is `" + b.unit +
                                    "`; it is one of seconds, milliseconds, microseconds or integer");
    if (!b.batch) return;
    const bool counts = b.batch->integer_units;
    if (time && counts)
        diags.error(b.batch_loc, "`batch` of " + what + " is a number, but the key `" + b.key.name +
                                     "` is a time: give an interval, e.g. `batch: 1 day`");
    else if (integer && b.unit == "integer" && !counts)
        diags.error(b.batch_loc, "`batch` of " + what + " is an interval, but the key `" + b.key.name +
                                     "` is a plain integer (`unit: integer`): give a number of key values");
    else if (!counts && b.batch->months != 0)
        diags.error(b.batch_loc, "`batch` of " + what + " is " + b.batch->text() +
                                     ", which has no fixed length; give days or less, e.g. `batch: 7 days`");
    else if (!counts && b.unit == "seconds" && b.batch->approx_micros() % Interval::kMicrosPerSecond != 0)
        diags.error(b.batch_loc, "`batch` of " + what + " is " + b.batch->text() +
                                     ", not a whole number of seconds, the unit of `" + b.key.name + "`");
    else if (!counts && b.unit == "milliseconds" && b.batch->approx_micros() % 1000 != 0)
        diags.error(b.batch_loc, "`batch` of " + what + " is " + b.batch->text() +
                                     ", not a whole number of milliseconds, the unit of `" + b.key.name + "`");
    else if (b.batch->approx_micros() <= 0)
        diags.error(b.batch_loc, "`batch` of " + what + " must be positive");
}

void check_columns(const Backfill& b, const Table& target, const std::string& what, Diagnostics& diags) {
    std::set<std::string> seen;
    for (const auto& c : b.columns) {
        const Column* column = target.find_column(c.name);
        if (!seen.insert(c.name).second) {
            diags.error(c.loc, "`columns` of " + what + " names `" + c.name + "` twice");
        } else if (!column) {
            diags.error(c.loc, "`columns` of " + what + " names `" + c.name + "`, which is not a column of `" +
                                   target.name + "`" + did_you_mean(c.name, column_names(target)));
        } else if (!column->generated.empty()) {
            diags.error(c.loc, "`columns` of " + what + " names `" + c.name +
                                   "`, a generated column, which PostgreSQL computes and refuses values for; "
                                   "leave it out");
        } else if (column->identity && column->identity->always) {
            diags.error(c.loc, "`columns` of " + what + " names `" + c.name +
                                   "`, an identity column GENERATED ALWAYS, which refuses given values; leave it out "
                                   "or declare it `identity: by_default`");
        }
    }
    const std::vector<std::string> key = emit::backfill_key(target);
    if (key.empty()) {
        diags.error(b.target.loc, "the target of " + what + ", `" + target.name +
                                      "`, has no primary key or unique constraint: a run resumed after a kill would "
                                      "insert its last batch again (ON CONFLICT needs a key to find the rows already "
                                      "there); give it a primary key");
        return;
    }
    std::string missing;
    for (const auto& k : key)
        if (!seen.count(k)) missing += (missing.empty() ? "`" : ", `") + k + "`";
    if (!missing.empty())
        diags.error(b.columns_loc, "`columns` of " + what + " leaves out " + missing + " of the key of `" +
                                       target.name + "`, by which a rerun finds the rows it wrote; include it");
    if (b.on_conflict == "update" && key.size() == seen.size())
        diags.error(b.on_conflict_loc, "`on_conflict: update` of " + what +
                                           " has nothing to update: every column it writes is in the key; use "
                                           "`do_nothing`");
}

// `sql` bounded by the placeholders, through PostgreSQL's grammar.
void check_query(const std::string& sql, const SourceLocation& loc, const std::string& what,
                 const std::vector<std::string>& placeholders, bool required, Diagnostics& diags) {
    if (sql.empty()) return;
    std::map<std::string, std::string> values;
    for (size_t i = 0; i < placeholders.size(); ++i) values[placeholders[i]] = "$" + std::to_string(i + 1);
    std::set<std::string> used;
    const std::string bound = detail::backfill::substitute(sql, values, &used);
    const auto parsed = sqltext::parse_query(bound);
    if (parsed.error) {
        diags.error(loc, what + " does not parse: " + parsed.error->message);
        return;
    }
    for (size_t i = 0; required && i < placeholders.size(); ++i) {
        if (!used.count(placeholders[i]))
            diags.error(loc, what + " does not use `:" + placeholders[i] +
                                 "`: bound the key with `key >= :batch_start AND key < :batch_end`, or every "
                                 "batch reads (and writes) the whole source");
    }
}

void check_backfill(const Schema& schema, const Backfill& b, Diagnostics& diags) {
    const std::string what = "backfill `" + b.name + "`";
    if (const Table* source = find_table_of(schema, b.source, what, "source", diags))
        check_key(b, *source, what, diags);
    const Table* target = find_table_of(schema, b.target, what, "target", diags);
    if (target) check_columns(b, *target, what, diags);
    if (b.on_conflict != "do_nothing" && b.on_conflict != "error" && b.on_conflict != "update")
        diags.error(b.on_conflict_loc, "`on_conflict` of " + what + " is `" + b.on_conflict +
                                           "`; it is do_nothing (rows already there are kept and counted), error, "
                                           "or update");
    check_query(b.select, b.select_loc, "`select` of " + what, {"batch_start", "batch_end"}, true, diags);
    check_query(b.expect, b.expect_loc, "`expect` of " + what, {"batch_start", "batch_end"}, true, diags);
    for (const auto& c : b.checks) {
        const std::string check = "check `" + c.name + "` of " + what;
        const std::vector<std::string> window{"from", "until"};
        check_query(c.empty, c.loc, check, window, false, diags);
        check_query(c.source, c.loc, "`source` of " + check, window, false, diags);
        check_query(c.target, c.loc, "`target` of " + check, window, false, diags);
    }
}

}  // namespace

void check_backfills(const Schema& schema, Diagnostics& diags) {
    std::map<std::string, const Backfill*> seen;
    for (const auto& b : schema.backfills) {
        if (auto [it, fresh] = seen.emplace(b.name, &b); !fresh) {
            auto& d = diags.error(b.loc, "backfill `" + b.name + "` is declared twice; names must be unique");
            Diagnostics::add_note(d, it->second->loc, "first declared here");
            continue;
        }
        check_backfill(schema, b, diags);
    }
}

}  // namespace hyperschema::rules
