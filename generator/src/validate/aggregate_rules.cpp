// Continuous aggregates: sources, buckets, hierarchies and policies, mirroring
// the checks TimescaleDB makes (tsl/src/continuous_aggs/common.c and
// tsl/src/bgw_policy/continuous_aggregate_api.c) so they fail here first.

#include <algorithm>
#include <functional>

#include "catalog/aggregate_functions.hpp"
#include "model/expression_type.hpp"
#include "sqltext/expression.hpp"
#include "sqltext/lexer.hpp"
#include "sqltext/literals.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

std::vector<std::string> time_partitioned_names(const Schema& schema) {
    std::vector<std::string> out;
    for (const auto& t : schema.tables) {
        if (t.hypertable) out.push_back(t.name);
    }
    for (const auto& a : schema.aggregates) out.push_back(a.name);
    return out;
}

bool check_source(const Schema& schema, const ContinuousAggregate& agg, Diagnostics& diags) {
    const std::string& name = agg.source.name;
    const std::string what = "continuous aggregate `" + agg.name + "`";
    if (name == agg.name) {
        diags.error(agg.source.loc, what + " cannot read from itself");
        return false;
    }
    if (const Table* t = schema.find_table(name); t && !t->hypertable) {
        diags.error(agg.source.loc, what + " reads from `" + name +
                                        "`, a plain table; continuous aggregates need a hypertable (add "
                                        "`hypertable:` to table `" +
                                        name + "`)");
        return false;
    }
    if (schema.find_view(name)) {
        diags.error(agg.source.loc, what + " reads from view `" + name +
                                        "`; continuous aggregates read a hypertable or another continuous aggregate");
        return false;
    }
    if (!schema.find_table(name) && !schema.find_aggregate(name)) {
        diags.error(agg.source.loc,
                    what + " reads from unknown `" + name + "`" + did_you_mean(name, time_partitioned_names(schema)));
        return false;
    }
    return true;
}

// A `date` time column buckets by whole days: time_bucket(interval, date)
// refuses anything else when a refresh runs (time_bucket.c, check_period_is_daily).
void check_daily(const Interval& iv, const std::string& what, const SourceLocation& loc, const std::string& column,
                 Diagnostics& diags) {
    if (iv.has_months()) return;
    const int64_t micros = iv.approx_micros();
    if (micros % Interval::kMicrosPerDay == 0) return;
    const char* quote = micros < Interval::kMicrosPerDay ? "interval must not have sub-day precision"
                                                         : "interval must be a multiple of a day";
    diags.error(loc, what + " is " + iv.text() + ", but the source's time column `" + column +
                         "` is a `date`: TimescaleDB creates the aggregate, then every refresh fails (\"" + quote +
                         "\"); use whole days, e.g. `" + whole_days(iv).text() + "`");
}

// The origin literal is typed by the source's time column (TIMESTAMPTZ,
// TIMESTAMP or DATE '...'). PostgreSQL reads a zone in a TIMESTAMP or DATE
// literal, and a time of day in a DATE literal, without a word and drops it:
// the buckets would not start where the schema says.
void check_origin_type(const ContinuousAggregate& agg, const RelationShape& source, const ColumnType& time,
                       Diagnostics& diags) {
    if (!agg.origin) return;
    std::string error;
    auto origin = sqltext::parse_timestamp_literal(*agg.origin, &error);
    if (!origin) return;  // reported by the parser
    const std::string what = "`origin` of continuous aggregate `" + agg.name + "` is `" + *agg.origin + "`, but ";
    const std::string date_part = agg.origin->substr(0, 10);
    if (time.base == BaseType::Timestamp && origin->has_zone) {
        diags.error(agg.origin_loc, what + "the source's time column `" + source.time_column +
                                        "` is a `timestamp` (without time zone): PostgreSQL silently drops the zone of "
                                        "a TIMESTAMP literal, so buckets would not start at the instant written; "
                                        "write the origin without a zone, e.g. `" +
                                        date_part + " 00:00:00`");
    } else if (time.base == BaseType::Date && (origin->has_zone || (origin->has_time && !origin->midnight()))) {
        diags.error(agg.origin_loc, what + "the source's time column `" + source.time_column +
                                        "` is a `date`: PostgreSQL silently drops the time of day and zone of a "
                                        "DATE literal, so the origin would be " +
                                        date_part + "; write the date alone, e.g. `" + date_part + "`");
    }
}

void check_bucket(const ContinuousAggregate& agg, const RelationShape& source, Diagnostics& diags) {
    const std::string what = "continuous aggregate `" + agg.name + "`";
    if (agg.bucket.has_months() && (agg.bucket.days != 0 || agg.bucket.micros != 0)) {
        diags.error(agg.bucket_loc, "`bucket` of " + what + " mixes months with days or hours (`" + agg.bucket.text() +
                                        "`), which time_bucket does not accept; use whole months or a fixed width");
    }
    const RelationColumn* time = source.find(source.time_column);
    bool timestamptz = time && time->type && time->type->base == BaseType::Timestamptz;
    if (agg.timezone && !timestamptz) {
        diags.error(agg.timezone_loc, "`timezone` of " + what + " needs a timestamptz time column; `" +
                                          source.time_column + "` is not one");
    }
    if (agg.timezone) check_time_zone(*agg.timezone, agg.timezone_loc, "`timezone` of " + what, diags);
    if (agg.origin && agg.offset) {
        diags.error(agg.offset_loc, what +
                                        " sets both `origin` and `offset`, which TimescaleDB refuses in one bucket, "
                                        "with or without `timezone` (\"using offset and origin in a time_bucket "
                                        "function at the same time is not supported\"); keep one: an origin moved "
                                        "by the offset gives the same buckets");
    }
    if (time && time->type && time->type->base == BaseType::Date && !time->type->is_array()) {
        if (agg.bucket.approx_micros() > 0)
            check_daily(agg.bucket, "`bucket` of " + what, agg.bucket_loc, source.time_column, diags);
        if (agg.offset) check_daily(*agg.offset, "`offset` of " + what, agg.offset_loc, source.time_column, diags);
    }
    if (time && time->type) check_origin_type(agg, source, *time->type, diags);
}

void check_output_names(const ContinuousAggregate& agg, Diagnostics& diags) {
    std::vector<std::string> seen{agg.bucket_column};
    auto add = [&](const std::string& name, const SourceLocation& loc) {
        if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
            diags.error(loc, "column `" + name + "` appears twice in continuous aggregate `" + agg.name +
                                 "` (bucket column, group_by and columns share one namespace)");
        }
        seen.push_back(name);
    };
    const std::string what = "continuous aggregate `" + agg.name + "`";
    check_not_system_column(agg.bucket_column, "bucket column `" + agg.bucket_column + "` of " + what, agg.loc, diags);
    for (const auto& g : agg.group_by) add(g.name, g.loc);
    for (const auto& c : agg.columns) {
        add(c.name, c.loc);
        check_not_system_column(c.name, "column `" + agg.name + "." + c.name + "`", c.loc, diags);
    }
}

// Whether `word` is one of the space-separated words of `list`.
bool listed(std::string_view list, const std::string& word) {
    size_t at = 0;
    while ((at = list.find(word, at)) != std::string_view::npos) {
        const size_t end = at + word.size();
        if ((at == 0 || list[at - 1] == ' ') && (end == list.size() || list[end] == ' ')) return true;
        at = end;
    }
    return false;
}

bool is_known_aggregate(const std::string& fn) {
    return catalog::find_aggregate_function(fn) != nullptr || catalog::is_untyped_aggregate(fn);
}

// Common built-in functions that are not aggregates (an extension cannot make
// them one).
bool is_known_scalar(const std::string& fn) {
    return !fn.empty() && listed(
                              "abs ceil ceiling coalesce concat date_part date_trunc exp floor greatest least "
                              "length ln log lower nullif power round sign sqrt substr substring to_char trim "
                              "trunc upper time_bucket",
                              fn);
}

using ExprKind = sqltext::Expr::Kind;

// The source column an aggregate's argument is, when it is exactly one column.
const RelationColumn* lone_column(const sqltext::Expr& argument, const RelationShape& source) {
    if (argument.kind != ExprKind::Column || !argument.qualifier.empty()) return nullptr;
    const RelationColumn* column = source.find(argument.name);
    return column && column->type ? column : nullptr;
}

// A call of a known aggregate: its form (WITHIN GROUP, DISTINCT) and the type
// of the argument it reads, against the catalog.
void check_call(const catalog::AggregateFunction& f, const sqltext::Expr& call, const std::string& what,
                const AggregateColumn& c, const RelationShape& source, Diagnostics& diags) {
    const std::string name(f.name);
    if (f.requires_within_group() && !call.within_group) {
        diags.error(c.expression_loc, what + " calls `" + name +
                                          "` without WITHIN GROUP, which PostgreSQL refuses (\"WITHIN GROUP is "
                                          "required for ordered-set aggregate " +
                                          name + "\"); write e.g. `" + name + "(" + (name == "mode" ? "" : "0.5") +
                                          ") WITHIN GROUP (ORDER BY <column>)`");
        return;
    }
    if (!f.requires_within_group() && call.within_group) {
        diags.error(c.expression_loc, what + " calls `" + name + "` with WITHIN GROUP, but `" + name +
                                          "` is not an ordered-set aggregate: PostgreSQL reads the WITHIN GROUP key "
                                          "as one more argument and finds no such function; remove WITHIN GROUP "
                                          "(...)");
        return;
    }
    if (call.distinct && !f.allows_distinct()) {
        diags.error(c.expression_loc, what + " calls `" + name +
                                          "` with DISTINCT, which PostgreSQL refuses (\"cannot use DISTINCT with "
                                          "WITHIN GROUP\"); remove DISTINCT");
        return;
    }
    // The argument the type rule reads: the first of a plain call, the
    // WITHIN GROUP key of an ordered-set one.
    const RelationColumn* column = nullptr;
    if (call.within_group) {
        if (!call.order.empty()) column = lone_column(call.order[0], source);
    } else if (!call.args.empty()) {
        column = lone_column(call.args[0], source);
    }
    if (column && !f.result(*column->type)) {
        // An ordered-set aggregate's direct arguments come first in
        // PostgreSQL's message, so only a plain call is quoted.
        const std::string refusal =
            call.within_group
                ? "has no `" + name + "` over a WITHIN GROUP key of type " + pg_type_name(*column->type)
                : "refuses it (\"function " + name + "(" + pg_type_name(*column->type) + ") does not exist\")";
        diags.error(c.expression_loc, what + " calls `" + name + "` on column `" + column->name + "` of type `" +
                                          column->type->sql() + "`, and PostgreSQL " + refusal + "; `" + name +
                                          "` takes " + std::string(f.accepts));
    }
}

// DISTINCT or FILTER on a function that is not an aggregate.
void check_scalar_call(const sqltext::Expr& call, const std::string& what, const AggregateColumn& c,
                       Diagnostics& diags) {
    if (!call.distinct && call.conditions.empty()) return;
    const std::string clause = call.distinct ? "DISTINCT" : "FILTER";
    diags.error(c.expression_loc, what + " writes " + clause + " on `" + call.name +
                                      "`, which is not an aggregate function, so PostgreSQL refuses it (\"" + clause +
                                      " specified, but " + call.name +
                                      " is not an aggregate function\"); write it after the aggregate call "
                                      "that encloses `" +
                                      call.name + "(...)`");
}

// Whether two trees are the same expression (where each is written aside).
bool same_expression(const sqltext::Expr& a, const sqltext::Expr& b) {
    auto same_lists = [](const std::vector<sqltext::Expr>& x, const std::vector<sqltext::Expr>& y) {
        return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), same_expression);
    };
    return a.kind == b.kind && a.name == b.name && a.qualifier == b.qualifier && a.constant == b.constant &&
           a.text == b.text && a.star == b.star && a.distinct == b.distinct && a.within_group == b.within_group &&
           a.window == b.window && a.has_operand == b.has_operand && a.has_else == b.has_else &&
           a.negated == b.negated && same_lists(a.args, b.args) && same_lists(a.conditions, b.conditions) &&
           same_lists(a.order, b.order);
}

// The relation of the FROM clause a bare column belongs to ("" when none).
std::string owner_of(const RelationShape& from, const std::string& column) {
    const auto owners = from.relations_with(column);
    return owners.empty() ? "" : owners.front();
}

// Whether `relation.column` may appear outside aggregate calls: grouped by
// itself, or by its table's whole primary key (PostgreSQL's functional
// dependency: grouping by `devices.id` lets the query read `devices.kind`).
bool grouped_column(const Schema& schema, const ContinuousAggregate& agg, const RelationShape& from,
                    const std::string& relation, const std::string& column) {
    auto grouped = [&](const std::string& name) {
        return std::any_of(agg.group_by.begin(), agg.group_by.end(), [&](const GroupKey& g) {
            return g.is_column() && g.name == name &&
                   (g.relation.empty() ? owner_of(from, name) == relation : g.relation == relation);
        });
    };
    if (grouped(column)) return true;
    const Table* table = schema.find_table(relation);
    if (!table || !table->primary_key || table->primary_key->columns.empty()) return false;
    const auto& key = table->primary_key->columns;
    return std::all_of(key.begin(), key.end(), [&](const NameRef& part) { return grouped(part.name); });
}

// Checks one aggregate column's expression beyond what check_fragment does:
// a window function, calls of known aggregates with arguments of the wrong
// type, and columns used outside any aggregate (that are not grouped by).
void check_aggregate_calls(const Schema& schema, const ContinuousAggregate& agg, const AggregateColumn& c,
                           const RelationShape& source, const sqltext::Expr& tree, Diagnostics& diags) {
    const std::string what = "column `" + agg.name + "." + c.name + "`";
    bool window = false;
    tree.walk([&](const sqltext::Expr& e) { window = window || (e.kind == ExprKind::Call && e.window); });
    if (window) {
        diags.error(c.expression_loc, what +
                                          " uses a window function (`OVER`), which TimescaleDB refuses in "
                                          "continuous aggregates (\"invalid continuous aggregate query\", "
                                          "\"Window function support not enabled.\"); compute it in a view "
                                          "over the aggregate");
        return;
    }
    // A grouped expression (`lower(label)` grouped by `lower(label)`) may
    // appear as it is: PostgreSQL matches it with the group key.
    std::vector<sqltext::Expr> grouped;
    for (const auto& g : agg.group_by)
        if (!g.is_column())
            if (auto key = sqltext::expression_tree(g.expression)) grouped.push_back(std::move(*key));
    // Calls, checked; the columns read outside any aggregate call and group key.
    bool unknown_calls = false;
    std::vector<const sqltext::Expr*> loose;
    // `aggregated`: inside an aggregate call, whose columns are aggregated.
    std::function<void(const sqltext::Expr&, bool)> visit = [&](const sqltext::Expr& e, bool aggregated) {
        if (std::any_of(grouped.begin(), grouped.end(), [&](const auto& g) { return same_expression(e, g); })) return;
        if (e.kind == ExprKind::Column && !aggregated) loose.push_back(&e);
        if (e.kind == ExprKind::Call) {
            const bool ours = e.is_builtin_call();
            if (ours && is_known_aggregate(e.name)) {
                if (const auto* f = catalog::find_aggregate_function(e.name)) check_call(*f, e, what, c, source, diags);
                aggregated = true;
            } else {
                // The server's SQL syntax (`extract`, AT TIME ZONE) comes qualified with pg_catalog.
                if (!ours || (e.qualifier.empty() && !is_known_scalar(e.name))) unknown_calls = true;
                if (ours && is_known_scalar(e.name)) check_scalar_call(e, what, c, diags);
            }
        }
        for (const auto* list : {&e.args, &e.conditions, &e.order})
            for (const auto& child : *list) visit(child, aggregated);
    };
    visit(tree, false);
    // An extension may define aggregates we do not know (timescaledb_toolkit's
    // stats_agg, ...): then an unknown call gets the benefit of the doubt.
    const bool other_extensions = std::any_of(schema.extensions.begin(), schema.extensions.end(),
                                              [](const Extension& e) { return e.name != "timescaledb"; });
    if (unknown_calls && other_extensions) return;
    for (const sqltext::Expr* read : loose) {
        const bool qualified = !read->qualifier.empty();
        const std::string& column = read->name;
        if (qualified ? !source.find_qualified(read->qualifier, column) : !source.find(column)) continue;
        const std::string relation = qualified ? read->qualifier : owner_of(source, column);
        if (grouped_column(schema, agg, source, relation, column)) continue;
        diags.error(c.expression_loc,
                    what + " uses column `" + (qualified ? relation + "." : "") + column +
                        "` outside any aggregate function, which PostgreSQL refuses "
                        "(\"column \"" +
                        relation + "." + column +
                        "\" must appear in the GROUP BY clause or be used in an aggregate function\"); wrap it in an "
                        "aggregate such as `max(...)`, or add `" +
                        (relation == agg.source.name ? column : relation + "." + column) + "` to `group_by`");
        return;
    }
}

void check_expressions(const Schema& schema, const ContinuousAggregate& agg, const RelationShape& source,
                       Diagnostics& diags) {
    const auto names = names_in_from(source);
    const std::string immutable = kAggregateImmutability;
    for (const auto& c : agg.columns) {
        const std::string what = "column `" + agg.name + "." + c.name + "`";
        check_fragment(c.expression, c.expression_loc, {what, &names, true, immutable}, diags);
        check_from_references(c.expression, c.expression_loc, what, source, diags);
        const auto tree = sqltext::expression_tree(c.expression);
        if (!tree) continue;  // a syntax error, reported by check_fragment_syntax
        bool calls = false;
        tree->walk([&](const sqltext::Expr& e) { calls = calls || e.kind == ExprKind::Call; });
        if (!calls) {
            diags.error(c.expression_loc, what + " is `" + c.expression +
                                              "`, which aggregates nothing; use an aggregate such as `avg(" +
                                              c.expression + ")`, or add the column to `group_by`");
        } else {
            check_aggregate_calls(schema, agg, c, source, *tree, diags);
        }
    }
    check_fragment(agg.where, agg.where_loc,
                   {"the `where` of continuous aggregate `" + agg.name + "`", &names, true, immutable}, diags);
    check_from_references(agg.where, agg.where_loc, "the `where` of continuous aggregate `" + agg.name + "`", source,
                          diags);
    if (!agg.where.empty()) check_aggregate_where(agg, diags);
}

// Origins are equal when they are the same value of the source's time type
// (TimescaleDB compares the values): for timestamptz `2000-01-01T00:00:00Z`
// is `2000-01-01 00:00:00+00`; a TIMESTAMP literal drops the zone and a DATE
// literal the time too. A timestamptz without a zone depends on the server's
// TimeZone, so two of them compare as written; one with and one without a
// zone count as the same here and are reported by comparable_origins().
bool same_origin(const std::optional<std::string>& a, const std::optional<std::string>& b, BaseType time) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    std::string error;
    auto x = sqltext::parse_timestamp_literal(*a, &error), y = sqltext::parse_timestamp_literal(*b, &error);
    if (!x || !y) return *a == *b;
    const int64_t kDay = Interval::kMicrosPerDay;
    auto day = [&](int64_t micros) { return micros >= 0 ? micros / kDay : -((-micros + kDay - 1) / kDay); };
    if (time == BaseType::Date) return day(x->local_micros()) == day(y->local_micros());
    if (time == BaseType::Timestamp) return x->local_micros() == y->local_micros();
    if (x->has_zone && y->has_zone) return x->utc_micros() == y->utc_micros();
    if (!x->has_zone && !y->has_zone) return x->local_micros() == y->local_micros();
    return true;
}

bool comparable_origins(const std::string& a, const std::string& b, BaseType time) {
    if (time != BaseType::Timestamptz) return true;
    std::string error;
    auto x = sqltext::parse_timestamp_literal(a, &error), y = sqltext::parse_timestamp_literal(b, &error);
    return !x || !y || x->has_zone == y->has_zone;
}

// A hierarchical aggregate must bucket compatibly with its parent.
void check_hierarchy(const ContinuousAggregate& agg, const ContinuousAggregate& parent, const RelationShape& source,
                     Diagnostics& diags) {
    const RelationColumn* time_column = source.find(source.time_column);
    const BaseType time = time_column && time_column->type ? time_column->type->base : BaseType::Timestamptz;
    const std::string what = "continuous aggregate `" + agg.name + "`";
    if (parent.variable_width() && !agg.variable_width()) {
        diags.error(agg.bucket_loc, what + " uses a fixed-width bucket (" + agg.bucket.text() + ") on top of `" +
                                        parent.name + "`, whose bucket varies in length (" + parent.bucket.text() +
                                        (parent.timezone ? " in " + *parent.timezone : "") +
                                        "); TimescaleDB refuses this, use a bucket of whole months");
        return;
    }
    const int64_t width = agg.bucket.approx_micros(), parent_width = parent.bucket.approx_micros();
    if (width < parent_width) {
        diags.error(agg.bucket_loc, "bucket of " + what + " (" + agg.bucket.text() +
                                        ") must be greater than or equal to the bucket of its source `" + parent.name +
                                        "` (" + parent.bucket.text() + ")");
    } else if (parent_width > 0 && width % parent_width != 0) {
        diags.error(agg.bucket_loc, "bucket of " + what + " (" + agg.bucket.text() +
                                        ") must be a multiple of the bucket of its source `" + parent.name + "` (" +
                                        parent.bucket.text() + "), or its buckets would straddle the parent's");
    }
    if (!same_origin(agg.origin, parent.origin, time)) {
        diags.error(agg.origin.has_value() ? agg.origin_loc : agg.bucket_loc,
                    what + " must use the same `origin` as its source `" + parent.name + "` (" +
                        parent.origin.value_or("none") + ", here " + agg.origin.value_or("none") + ")");
    } else if (agg.origin && parent.origin && !comparable_origins(*agg.origin, *parent.origin, time)) {
        diags.error(agg.origin_loc, what + " writes its `origin` (" + *agg.origin +
                                        ") with or without a zone unlike its source `" + parent.name + "` (" +
                                        *parent.origin +
                                        "): whether they are the same instant depends on the server's TimeZone "
                                        "setting; write both with the same zone offset");
    }
    // TimescaleDB compares offsets as intervals: 1 day equals 24 hours.
    const bool same_offset = agg.offset.has_value() == parent.offset.has_value() &&
                             (!agg.offset || agg.offset->approx_micros() == parent.offset->approx_micros());
    if (!same_offset) {
        diags.error(agg.offset.has_value() ? agg.offset_loc : agg.bucket_loc,
                    what + " must use the same `offset` as its source `" + parent.name + "` (" +
                        (parent.offset ? parent.offset->text() : "none") + ", here " +
                        (agg.offset ? agg.offset->text() : "none") + ")");
    }
}

std::string offset_text(const std::optional<Interval>& iv) {
    return iv ? iv->text() : "null";
}

// TimescaleDB's validate_window_size(): the window must cover two buckets,
// months counting as 30 days.
void check_refresh_window(const ContinuousAggregate& agg, const Policy& r, Diagnostics& diags) {
    if (!r.start_offset || !r.end_offset) return;  // an unbounded side always covers two buckets
    const int64_t start = r.start_offset->approx_micros(), end = r.end_offset->approx_micros();
    const int64_t needed = end + 2 * agg.bucket.approx_micros();
    if (needed <= start) return;
    Interval suggestion{0, 0, needed};
    if (agg.bucket.integer_units) {
        suggestion = Interval::units(needed);
    } else if (needed % Interval::kMicrosPerDay == 0) {
        suggestion = {0, needed / Interval::kMicrosPerDay, 0};
    }
    std::string variable = agg.bucket.has_months() ? " (TimescaleDB counts a month as 30 days here)" : "";
    diags.error(r.start_loc, "refresh policy of continuous aggregate `" + agg.name +
                                 "` is rejected by TimescaleDB (\"policy refresh window too small\"): the window from "
                                 "start_offset " +
                                 r.start_offset->text() + " to end_offset " + r.end_offset->text() +
                                 " must cover at least two buckets of " + agg.bucket.text() + variable +
                                 "; set start_offset to at least " + suggestion.text());
}

// The retention policy of the relation an aggregate reads, if it has one.
const Policy* source_retention_of(const Schema& schema, const ContinuousAggregate& agg) {
    if (const Table* t = schema.find_table(agg.source.name); t && t->hypertable)
        return t->hypertable->policies.find(PolicyKind::Retention);
    if (const ContinuousAggregate* parent = schema.find_aggregate(agg.source.name))
        return parent->policies.find(PolicyKind::Retention);
    return nullptr;
}

bool reaches_past(const std::optional<Interval>& start_offset, const Interval& age) {
    return !start_offset || start_offset->approx_micros() > age.approx_micros();
}

void check_refresh_against_retention(const Schema& schema, const ContinuousAggregate& agg, const Policy& r,
                                     Diagnostics& diags) {
    if (const Policy* source = source_retention_of(schema, agg);
        source && reaches_past(r.start_offset, *source->after)) {
        std::string message = "refresh window of continuous aggregate `" + agg.name + "` starts " +
                              (r.start_offset ? r.start_offset->text() + " back" : "at the beginning of time (null)") +
                              ", further back than the retention of its source `" + agg.source.name + "` (" +
                              source->after->text() +
                              "): each refresh would delete the aggregated rows of raw chunks already dropped";
        if (r.allow_beyond_source_retention) {
            diags.warning(r.start_loc, message + " (allowed by `allow_beyond_source_retention`)");
        } else {
            diags.error(r.start_loc, message + "; set start_offset below " + source->after->text() +
                                         ", or add `allow_beyond_source_retention: true` if that is intended");
        }
    }
    if (const Policy* own = agg.policies.find(PolicyKind::Retention);
        own && reaches_past(r.start_offset, *own->after)) {
        diags.warning(r.start_loc, "refresh window of continuous aggregate `" + agg.name + "` (start_offset " +
                                       offset_text(r.start_offset) + ") reaches past its own retention (" +
                                       own->after->text() +
                                       "): buckets dropped by retention would be materialized again");
    }
    if (const Policy* compress = agg.policies.find(PolicyKind::Compression);
        compress && reaches_past(r.start_offset, *compress->after)) {
        diags.warning(r.start_loc,
                      "refresh window of continuous aggregate `" + agg.name + "` (start_offset " +
                          offset_text(r.start_offset) + ") reaches into compressed data (compression after " +
                          compress->after->text() +
                          "): every refresh would rewrite compressed chunks; compress later than start_offset");
    }
}

// The generated C++ row needs every column's type. Simple calls of a known
// column are inferred (count, sum, avg, min, max, first, last, the statistics);
// anything else is left out of the row until the YAML declares it.
void check_inferred_type(const ContinuousAggregate& agg, const AggregateColumn& c, const RelationShape& source,
                         Diagnostics& diags) {
    const auto tree = sqltext::expression_tree(c.expression);
    if (!tree) return;
    // The example is what the outermost aggregate returns for the first
    // source column the expression reads: right for most expressions over one
    // column, and only an example.
    std::string example = "double precision";
    const catalog::AggregateFunction* outer = catalog::find_aggregate_function(outermost_aggregate(c.expression));
    const RelationColumn* read = nullptr;
    tree->walk([&](const sqltext::Expr& e) {
        if (read || e.kind != ExprKind::Column) return;
        if (const RelationColumn* column = source.find(e.name); column && column->type) read = column;
    });
    if (read) {
        auto result = outer ? outer->result(*read->type) : read->type;
        if (result) example = result->sql();
    }
    std::string quoted;  // the expression as a YAML double-quoted scalar
    for (char ch : c.expression) {
        if (ch == '"' || ch == '\\') quoted += '\\';
        quoted += ch;
    }
    diags.warning(c.expression_loc, "the type of column `" + agg.name + "." + c.name + "` cannot be inferred from `" +
                                        c.expression +
                                        "`, so the generated C++ row leaves it out; declare the type it yields, "
                                        "e.g. `" +
                                        c.name + ": {expr: \"" + quoted + "\", type: " + example + "}`");
}

// `column_order` lists every output column once: the bucket, the group-by
// columns and the aggregate columns, in the order the SELECT yields them.
void check_column_order(const ContinuousAggregate& agg, Diagnostics& diags) {
    if (agg.column_order.empty()) {
        if (agg.column_order_loc.known())
            diags.error(agg.column_order_loc, "`column_order` of continuous aggregate `" + agg.name +
                                                  "` is empty; list every output column, or leave it out");
        return;
    }
    std::vector<std::string> outputs{agg.bucket_column};
    for (const auto& g : agg.group_by) outputs.push_back(g.name);
    for (const auto& c : agg.columns) outputs.push_back(c.name);
    std::vector<std::string> seen;
    for (const auto& name : agg.column_order) {
        if (std::find(outputs.begin(), outputs.end(), name.name) == outputs.end()) {
            diags.error(name.loc, "`column_order` of continuous aggregate `" + agg.name + "` names `" + name.name +
                                      "`, which is not one of its columns" + did_you_mean(name.name, outputs) +
                                      "; use " + one_of(outputs));
        } else if (std::find(seen.begin(), seen.end(), name.name) != seen.end()) {
            diags.error(name.loc,
                        "`column_order` of continuous aggregate `" + agg.name + "` names `" + name.name + "` twice");
        }
        seen.push_back(name.name);
    }
    std::vector<std::string> missing;
    for (const auto& o : outputs)
        if (std::find(seen.begin(), seen.end(), o) == seen.end()) missing.push_back(quoted(o));
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        diags.error(agg.column_order_loc, "`column_order` of continuous aggregate `" + agg.name + "` leaves out " +
                                              list + "; it lists every output column once");
    }
}

}  // namespace

void check_aggregate(const Schema& schema, const ContinuousAggregate& agg, Diagnostics& diags) {
    if (!check_source(schema, agg, diags)) return;
    RelationShape source = shape_of(schema, agg.source.name);
    if (!source.found) return;  // a cycle, reported by check_dependencies
    check_bucket(agg, source, diags);
    check_aggregate_time(schema, agg, source, diags);
    const RelationShape from = from_shape(schema, agg);
    check_aggregate_joins(schema, agg, diags);
    check_output_names(agg, diags);
    check_group_keys(agg, from, diags);
    check_column_order(agg, diags);
    check_expressions(schema, agg, from, diags);
    if (agg.columns.empty()) {
        diags.error(agg.loc, "continuous aggregate `" + agg.name + "` has no aggregate columns");
    }
    if (const ContinuousAggregate* parent = schema.find_aggregate(agg.source.name))
        check_hierarchy(agg, *parent, source, diags);
    if (const Policy* refresh = agg.policies.find(PolicyKind::Refresh)) {
        check_refresh_window(agg, *refresh, diags);
        check_refresh_against_retention(schema, agg, *refresh, diags);
    }
    check_policies(schema, "continuous aggregate `" + agg.name + "`", agg.policies, diags);
    if (agg.compression) {
        const std::string owner = "continuous aggregate `" + agg.name + "`";
        check_compression(output_of(schema, agg).columns, *agg.compression, owner, diags);
        const auto& segment_by = agg.compression->segment_by;
        auto bucket = std::find_if(segment_by.begin(), segment_by.end(),
                                   [&](const NameRef& s) { return s.name == agg.bucket_column; });
        if (bucket != segment_by.end() && agg.compression->order_by.empty()) {
            std::vector<std::string> others;
            for (const auto& c : output_of(schema, agg).columns) {
                if (c.name != agg.bucket_column && std::none_of(segment_by.begin(), segment_by.end(),
                                                                [&](const NameRef& s) { return s.name == c.name; }))
                    others.push_back(c.name);
            }
            diags.error(bucket->loc, "`segment_by` of " + owner + " includes the bucket column `" + agg.bucket_column +
                                         "` and there is no `order_by`: TimescaleDB then orders by the bucket "
                                         "column and refuses the settings (\"cannot use column \"" +
                                         agg.bucket_column +
                                         "\" for both ordering and segmenting\"); add an `order_by`" +
                                         (others.empty() ? "" : ", e.g. `order_by: [" + others.front() + "]`") +
                                         ", or remove `" + agg.bucket_column + "` from `segment_by`");
        }
    }
}

void check_row_types(const Schema& schema, const ContinuousAggregate& agg, Diagnostics& diags) {
    const RelationShape source = from_shape(schema, agg);
    const RelationShape output = output_of(schema, agg);
    for (const auto& g : agg.group_by) {
        const RelationColumn* column = output.find(g.name);
        if (g.is_column() || !column || column->type) continue;
        diags.warning(g.expression_loc, "the type of group-by expression `" + agg.name + "." + g.name +
                                            "` cannot be inferred from `" + g.expression +
                                            "`, so the generated C++ row leaves it out; declare it, e.g. `{name: " +
                                            g.name + ", expr: \"" + g.expression + "\", type: text}`");
    }
    for (const auto& c : agg.columns) {
        const RelationColumn* column = output.find(c.name);
        if (column && !column->type) check_inferred_type(agg, c, source, diags);
    }
}

}  // namespace hyperschema::rules
