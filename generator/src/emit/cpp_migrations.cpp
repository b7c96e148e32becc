#include "emit/cpp_migrations.hpp"

#include <cstdio>
#include <limits>

#include "emit/cpp_names.hpp"
#include "emit/printer.hpp"
#include "emit/sql_statements.hpp"

namespace hyperschema::emit {
namespace {

// A raw string literal, with a delimiter the text does not contain.
std::string raw_string(const std::string& text) {
    std::string delimiter = "sql";
    for (int n = 1; text.find(")" + delimiter + "\"") != std::string::npos; ++n) delimiter = "sql" + std::to_string(n);
    return "R\"" + delimiter + "(" + text + ")" + delimiter + "\"";
}

std::string strings(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + cpp_string(items[i]);
    return out + "}";
}

std::string interval(const IntervalSpec& v) {
    return "hyperschema::IntervalSpec{" + std::to_string(v.months) + ", " + std::to_string(v.days) + ", " +
           std::to_string(v.micros) + (v.integer_units ? ", true" : "") + "}";
}

std::string interval(const std::optional<IntervalSpec>& v) {
    return v ? interval(*v) : "std::nullopt";
}

// An aggregate's trailing settings, as far as one is set: the chunk
// interval, the buckets' time zone and offset.
std::string bucket_settings(const AggregateSpec& a) {
    if (a.timezone.empty() && !a.offset) return a.chunk_interval ? ", " + interval(a.chunk_interval) : "";
    return ", " + interval(a.chunk_interval) + ", " + cpp_string(a.timezone) + ", " + interval(a.offset);
}

// INT64_MIN has no literal of its own (-9223372036854775808 is the negation of
// a number too large): written as an expression.
std::string int64_literal(std::int64_t v) {
    if (v == std::numeric_limits<std::int64_t>::min()) return "(-9223372036854775807LL - 1)";
    return std::to_string(v) + "LL";
}

const char* bool_text(bool b) {
    return b ? "true" : "false";
}

// The ColumnSpec initialisers of a table's or a view's columns, a line each.
void print_columns(Printer& p, const std::vector<ColumnSpec>& columns) {
    auto indent = p.indent();
    for (const auto& c : columns) {
        // identity and generated only where set, so that other columns read as before.
        std::string rest;
        if (c.identity || !c.generated.empty() || !c.collation.empty())
            rest = std::string(", ") + (c.identity ? "'" + std::string(1, c.identity) + "'" : "0");
        if (!c.generated.empty() || !c.collation.empty()) rest += ", " + cpp_string(c.generated);
        if (!c.collation.empty()) rest += ", " + cpp_string(c.collation);
        p.print("{$name$, $type$, $not_null$, $default$$rest$},\n", {{"name", cpp_string(c.name)},
                                                                     {"type", cpp_string(c.type)},
                                                                     {"not_null", bool_text(c.not_null)},
                                                                     {"default", cpp_string(c.default_sql)},
                                                                     {"rest", rest}});
    }
}

// A materialized view's kind and indexes only where it is one, so that other
// views read as before.
void print_view(Printer& p, const ViewSpec& v) {
    std::string rest;
    if (v.materialized) {
        std::vector<std::string> indexes;
        for (const auto& i : v.indexes)
            indexes.push_back("{" + cpp_string(i.name) + ", " + cpp_string(i.definition) + "}");
        rest = ", true, {" + join(indexes, ", ") + "}";
    }
    if (v.columns.empty()) {
        p.print("s.views.push_back({$name$, {}$rest$});\n", {{"name", cpp_string(v.name)}, {"rest", rest}});
        return;
    }
    p.print("s.views.push_back({$name$, {\n", {{"name", cpp_string(v.name)}});
    print_columns(p, v.columns);
    p.print("}$rest$});\n", {{"rest", rest}});
}

void print_table(Printer& p, const TableSpec& t) {
    p.print("s.tables.push_back({$name$, {\n", {{"name", cpp_string(t.name)}});
    print_columns(p, t.columns);
    p.print("}, {\n");
    {
        auto indent = p.indent();
        for (const auto& c : t.constraints) {
            p.print("{$name$, '$kind$', $definition$},\n", {{"name", cpp_string(c.name)},
                                                            {"kind", std::string(1, c.kind)},
                                                            {"definition", cpp_string(c.definition)}});
        }
    }
    p.print("}, {\n");
    {
        auto indent = p.indent();
        for (const auto& i : t.indexes)
            p.print("{$name$, $definition$},\n",
                    {{"name", cpp_string(i.name)}, {"definition", cpp_string(i.definition)}});
    }
    // UNLOGGED and storage parameters only where set, so that other tables read as before.
    std::string rest;
    if (t.unlogged || !t.storage.empty()) rest = std::string(", ") + bool_text(t.unlogged);
    if (!t.storage.empty()) rest += ", " + strings(t.storage);
    p.print("}$rest$});\n", {{"rest", rest}});
}

// A refresh policy's batching settings, only where one is set (so that other
// policies read as before).
std::string batching_of(const PolicySpec& p) {
    if (!p.buckets_per_batch && !p.max_batches_per_execution && !p.refresh_newest_first) return "";
    auto number = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("std::nullopt"); };
    return ", " + number(p.buckets_per_batch) + ", " + number(p.max_batches_per_execution) + ", " +
           (p.refresh_newest_first ? std::string(bool_text(*p.refresh_newest_first)) : std::string("std::nullopt"));
}

// integer_now, compress_chunk_interval and chunk_skipping, as far as one is
// set (so that other hypertables read as before).
std::string optional_hypertable_settings(const HypertableSpec& h) {
    const bool skipping = !h.chunk_skipping.empty();
    const bool merged = skipping || h.compress_chunk_interval;
    if (!merged && h.integer_now.empty()) return "";
    std::string out = ", " + cpp_string(h.integer_now);
    if (merged) out += ", " + interval(h.compress_chunk_interval);
    if (skipping) out += ", " + strings(h.chunk_skipping);
    return out;
}

// {"device_id", 4, std::nullopt}, {"seq", 0, hyperschema::IntervalSpec{0, 0, 1000, true}}
std::string dimensions(const std::vector<DimensionSpec>& dimensions) {
    std::vector<std::string> items;
    for (const auto& d : dimensions)
        items.push_back("{" + cpp_string(d.column) + ", " + std::to_string(d.partitions) + ", " + interval(d.interval) +
                        "}");
    return join(items, ", ");
}

void print_timescale(Printer& p, const ExpectedSchema& e) {
    for (const auto& h : e.hypertables) {
        p.print("s.hypertables.push_back({$table$, $time$, $chunk$, {$dimensions$}, $defaults$$now$});\n",
                {{"table", cpp_string(h.table)},
                 {"time", cpp_string(h.time_column)},
                 {"chunk", interval(h.chunk_interval)},
                 {"dimensions", dimensions(h.dimensions)},
                 {"defaults", bool_text(h.default_indexes)},
                 {"now", optional_hypertable_settings(h)}});
    }
    for (const auto& a : e.aggregates) {
        p.print("s.aggregates.push_back({$name$, $source$, $bucket$, $mo$, $columns$$chunks$});\n",
                {{"name", cpp_string(a.name)},
                 {"source", cpp_string(a.source)},
                 {"bucket", interval(a.bucket)},
                 {"mo", bool_text(a.materialized_only)},
                 {"columns", strings(a.columns)},
                 {"chunks", bucket_settings(a)}});
    }
    for (const auto& c : e.compression) {
        p.print(
            "s.compression.push_back({$relation$, $segment$, $order$});\n",
            {{"relation", cpp_string(c.relation)}, {"segment", strings(c.segment_by)}, {"order", strings(c.order_by)}});
    }
    for (const auto& pol : e.policies) {
        p.print(
            "s.policies.push_back({hyperschema::PolicyKind::$kind$, $relation$, $after$, $end$, $schedule$, $index$, "
            "$max_runtime$, $max_retries$, $retry_period$, $fixed$, $initial_start$, $timezone$$batching$});\n",
            {{"kind", std::string(policy_traits(pol.kind).enumerator)},
             {"relation", cpp_string(pol.relation)},
             {"after", interval(pol.after)},
             {"end", interval(pol.end_offset)},
             {"schedule", interval(pol.schedule)},
             {"index", cpp_string(pol.index)},
             {"max_runtime", interval(pol.max_runtime)},
             {"max_retries", pol.max_retries ? std::to_string(*pol.max_retries) : "std::nullopt"},
             {"retry_period", interval(pol.retry_period)},
             {"fixed", pol.fixed_schedule ? bool_text(*pol.fixed_schedule) : "std::nullopt"},
             {"initial_start", pol.initial_start ? std::to_string(*pol.initial_start) + "LL" : "std::nullopt"},
             {"timezone", pol.timezone ? cpp_string(*pol.timezone) : "std::nullopt"},
             {"batching", batching_of(pol)}});
    }
    for (const auto& j : e.jobs) {
        p.print(
            "s.jobs.push_back({$name$, $procedure$, $config$, $check$, $scheduled$, $schedule$, $max_runtime$, "
            "$max_retries$, $retry_period$, $fixed$, $initial_start$, $timezone$});\n",
            {{"name", cpp_string(j.name)},
             {"procedure", cpp_string(j.procedure)},
             {"config", cpp_string(j.config)},
             {"check", cpp_string(j.check_config)},
             {"scheduled", bool_text(j.scheduled)},
             {"schedule", interval(j.schedule)},
             {"max_runtime", interval(j.max_runtime)},
             {"max_retries", j.max_retries ? std::to_string(*j.max_retries) : "std::nullopt"},
             {"retry_period", interval(j.retry_period)},
             {"fixed", j.fixed_schedule ? bool_text(*j.fixed_schedule) : "std::nullopt"},
             {"initial_start", j.initial_start ? std::to_string(*j.initial_start) + "LL" : "std::nullopt"},
             {"timezone", j.timezone ? cpp_string(*j.timezone) : "std::nullopt"}});
    }
}

void print_routines(Printer& p, const ExpectedSchema& e) {
    for (const auto& f : e.functions) {
        p.print(
            "s.functions.push_back({$name$, '$kind$', $identity$, $arguments$, $result$, $language$, '$volatility$', "
            "$strict$, $definer$, $settings$, $body$});\n",
            {{"name", cpp_string(f.name)},
             {"kind", std::string(1, f.kind)},
             {"identity", cpp_string(f.identity_arguments)},
             {"arguments", cpp_string(f.arguments)},
             {"result", cpp_string(f.result)},
             {"language", cpp_string(f.language)},
             {"volatility", std::string(1, f.volatility)},
             {"strict", bool_text(f.strict)},
             {"definer", bool_text(f.security_definer)},
             {"settings", strings(f.settings)},
             // Escaped, not raw: the printer indents a raw string's continuation lines.
             {"body", cpp_string(f.body)}});
    }
    if (!e.roles.empty()) p.print("s.roles = $roles$;\n", {{"roles", strings(e.roles)}});
    for (const auto& g : e.grants)
        p.print(
            "s.grants.push_back({$object$, $role$, $privilege$});\n",
            {{"object", cpp_string(g.object)}, {"role", cpp_string(g.role)}, {"privilege", cpp_string(g.privilege)}});
    for (const auto& o : e.provided)
        p.print("s.provided.push_back({$kind$, $name$});\n",
                {{"kind", cpp_string(o.kind)}, {"name", cpp_string(o.name)}});
    for (const auto& t : e.triggers) {
        p.print(
            "s.triggers.push_back({$table$, $name$, $definition$});\n",
            {{"table", cpp_string(t.table)}, {"name", cpp_string(t.name)}, {"definition", cpp_string(t.definition)}});
    }
    for (const auto& c : e.comments)
        p.print("s.comments.push_back({$object$, $text$});\n",
                {{"object", cpp_string(c.object)}, {"text", cpp_string(c.text)}});
    for (const auto& d : e.data)
        p.print("s.data.push_back({$table$, $check$});\n",
                {{"table", cpp_string(d.table)}, {"check", cpp_string(d.check)}});
    for (const auto& d : e.definitions)
        p.print("s.definitions.push_back({$relation$, $aggregate$, $query$});\n",
                {{"relation", cpp_string(d.relation)},
                 {"aggregate", bool_text(d.aggregate)},
                 {"query", cpp_string(d.query)}});
}

void print_expected(Printer& p, const ExpectedSchema& e) {
    p.print(
        "// What verify() compares the live database with.\n"
        "const hyperschema::ExpectedSchema& expected_schema() {\n"
        "    static const hyperschema::ExpectedSchema schema = [] {\n");
    auto outer = p.indent();
    auto inner = p.indent();
    p.print(
        "hyperschema::ExpectedSchema s;\n"
        "s.name = $name$;\n"
        "s.namespace_name = $ns$;\n"
        "s.version = $version$;\n"
        "s.uses_timescaledb = $ts$;\n"
        "s.min_timescaledb = $min$;\n"
        "s.extensions = $extensions$;\n",
        {{"name", cpp_string(e.name)},
         {"ns", cpp_string(e.namespace_name)},
         {"version", std::to_string(e.version)},
         {"ts", bool_text(e.uses_timescaledb)},
         {"min", cpp_string(e.min_timescaledb)},
         {"extensions", strings(e.extensions)}});
    for (const auto& en : e.enums)
        p.print("s.enums.push_back({$name$, $labels$});\n",
                {{"name", cpp_string(en.name)}, {"labels", strings(en.labels)}});
    for (const auto& d : e.domains) {
        std::string checks;
        for (const auto& c : d.checks)
            checks += (checks.empty() ? "" : ", ") + std::string("{") + cpp_string(c.name) + ", 'c', " +
                      cpp_string(c.definition) + "}";
        p.print("s.domains.push_back({$name$, $type$, $not_null$, $default$, {$checks$}});\n",
                {{"name", cpp_string(d.name)},
                 {"type", cpp_string(d.type)},
                 {"not_null", bool_text(d.not_null)},
                 {"default", cpp_string(d.default_sql)},
                 {"checks", checks}});
    }
    for (const auto& sq : e.sequences)
        p.print(
            "s.sequences.push_back({$name$, $type$, $start$, $increment$, $min$, $max$, $cache$, $cycle$, "
            "$owner$});\n",
            {{"name", cpp_string(sq.name)},
             {"type", cpp_string(sq.type)},
             {"start", int64_literal(sq.start)},
             {"increment", int64_literal(sq.increment)},
             {"min", int64_literal(sq.min_value)},
             {"max", int64_literal(sq.max_value)},
             {"cache", int64_literal(sq.cache)},
             {"cycle", bool_text(sq.cycle)},
             {"owner", cpp_string(sq.owned_by)}});
    for (const auto& t : e.tables) print_table(p, t);
    for (const auto& v : e.views) print_view(p, v);
    print_timescale(p, e);
    print_routines(p, e);
    p.print("return s;\n");
}

}  // namespace

std::string cpp_string(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c == 0x7f || c == '?') {
            // '?' too: "??=" would be a trigraph to an old compiler.
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string migrations_definitions(const Schema& schema, const std::vector<Migration>& migrations,
                                   const ExpectedSchema& expected) {
    Printer p;
    auto ns = p.with({{"ns", cpp_scope_name(schema.name)}});
    p.emit(R"(
        namespace $ns$ {

        const std::vector<hyperschema::Migration>& migrations() {
            static const std::vector<hyperschema::Migration> all = {
    )");
    for (const auto& m : migrations) {
        // Raw strings start at column 0 so that the SQL keeps its bytes.
        p.print("        {$number$, $name$,\n$up$,\n$down$,\n        $checksum$},\n",
                {{"number", std::to_string(m.version)},
                 {"name", cpp_string(m.name)},
                 {"up", raw_string(m.up)},
                 {"down", raw_string(m.down)},
                 {"checksum", cpp_string(m.checksum())}});
    }
    p.emit(R"(
            };
            return all;
        }

    )");
    {
        Printer body;
        print_expected(body, expected);
        p.print("$body$", {{"body", body.text()}});
    }
    p.emit(R"(
            }();
            return schema;
        }

        }  // namespace $ns$
    )");
    return p.text();
}

}  // namespace hyperschema::emit
